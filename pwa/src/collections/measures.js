// Measures: the team's box score definition. What a record is and how it reads; the measures,
// box score and chart screens are in ../routes/measures.js.
import { GROUP_LABELS, SUBGROUP_LABELS, DIRECTION_LABELS, STATUS_LABELS, RULE_SET_TEXT, KIND_TEXT, DERIVED_UNIT_TEXT, longWeek } from '../lib/measure-text.js';
import { collection } from './words.js';

const from = (labels) => (v) => labels[v] || String(v ?? 'none');

/** What the database needs of it (db.js; the service worker loads only this part). */
export const measuresStored = {
  name: 'measures',
  indexes: [],
};

export const measures = /* @__PURE__ */ collection(measuresStored, {
  noun: 'a measure',
  describe: (m) => (m.name ? `measure “${m.name}”` : 'a measure'),
  // Labels are the measure form's. A value is put back only where it stands on its own: the
  // fields that work together (where the numbers come from) are changed on the form.
  fields: {
    name: { label: 'Name', restore: true },
    group: { label: 'Group', show: /* @__PURE__ */ from(GROUP_LABELS), restore: true },
    subgroup: { label: 'Area', show: /* @__PURE__ */ from(SUBGROUP_LABELS), restore: true },
    unit: { label: 'Unit', restore: true },
    direction: { label: 'Which way is better', show: /* @__PURE__ */ from(DIRECTION_LABELS), restore: true },
    target: { label: 'Target', restore: true },
    aim: { label: 'Aim', restore: true },
    operational_definition: { label: 'Operational definition', restore: true },
    source: { label: 'Where the numbers come from', show: /* @__PURE__ */ from({ manual: 'Entered each week', derived: 'Worked out from capacity entries' }) },
    derived_kind: { label: 'Work out from', show: /* @__PURE__ */ from(KIND_TEXT) },
    derived_category_id: { label: 'Time-lost reason', show: (v) => (v ? 'one reason' : 'all time lost') },
    derived_unit: { label: 'Show it as', show: /* @__PURE__ */ from(DERIVED_UNIT_TEXT) },
    on_board: { label: 'Show on the team’s board', restore: true },
    status: { label: 'Status', show: /* @__PURE__ */ from(STATUS_LABELS), restore: true },
    rule_set: { label: 'Chart rules', show: /* @__PURE__ */ from(RULE_SET_TEXT), restore: true },
    rebase_weeks: { label: 'Re-based limits', show: (v) => (v?.length ? v.map((w) => `w/c ${longWeek(w)}`).join(', ') : 'none') },
    position: { label: 'Place on the box score', show: (v) => `place ${Number(v) + 1}` },
  },
  fix(rejected, current) {
    return current && !current.deleted
      ? { href: `/measures/${rejected.mutation.record_id}`, text: 'Open the measure' }
      : { href: '/measures/new', text: 'Add the measure again' };
  },
});
