// The board's settings: one record per team with the aim for each box-score area. What a record is
// and how it reads; its screen is in ../routes/board-settings.js. Its id is uuid5 of the team
// (server/board/models.py board_settings_id), so two leads setting aims offline edit one record.
import { GROUP_LABELS } from '../lib/measure-text.js';
import { uuid5 } from '../lib/uuid5.js';
import { collection } from './words.js';

export const BOARD_SETTINGS_NAMESPACE = '0e7c2f4a-9b1d-4c6e-8a53-2d9f7b1e4c80';
/** The aim fields, in the box score's order: aim_performance, aim_capacity, … */
export const AIM_FIELDS = /* @__PURE__ */ (/* @__PURE__ */ Object.keys(GROUP_LABELS)).map((group) => `aim_${group}`);
const areaOf = (field) => GROUP_LABELS[field.slice('aim_'.length)];

/** What the database needs of it (db.js; the service worker loads only this part). */
export const boardSettingsStored = {
  name: 'board_settings',
  indexes: [],
};

export const boardSettings = /* @__PURE__ */ collection(boardSettingsStored, {
  noun: 'the board’s aims',
  recordId: (teamId) => uuid5(BOARD_SETTINGS_NAMESPACE, teamId),
  describe: () => 'the board’s aims',
  fields: /* @__PURE__ */ Object.fromEntries(/* @__PURE__ */ AIM_FIELDS.map((field) => [field, {
    label: `${areaOf(field)} aim`, show: (v) => (v == null ? 'no aim' : `“${v}”`), restore: true,
  }])),
  fix: () => ({ href: '/board-settings', text: 'Open the board’s aims' }),
});
