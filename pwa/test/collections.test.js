// The collection registry (src/collections/): each collection reads in its own words on the
// conflicts and needs-attention screens, which have no switch on collection names.
import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import 'fake-indexeddb/auto';
import { COLLECTIONS, collectionOf, fieldOf, describeRecord } from '../src/collections/index.js';
import { COLLECTION_ROUTES } from '../src/routes/index.js';
import { openDb } from '../src/db.js';
import { upsert } from '../src/write.js';
import { setClock, resetClock } from '../src/lib/clock.js';

afterEach(resetClock);
const at = (iso) => setClock(() => Date.parse(iso));
// board_settings_id('team-1') as server/board/models.py computes it
const SERVER_BOARD_SETTINGS_ID = 'be20b10f-c52a-5e24-8ed8-247550469b60';
const [entries, categories, measures, values] = ['capacity_entries', 'time_lost_categories', 'measures', 'measure_values'].map(collectionOf);

test('the registry lists the five synced collections, each once', () => {
  assert.deepEqual(COLLECTIONS.map((c) => c.name), ['capacity_entries', 'time_lost_categories', 'measures', 'measure_values', 'board_settings']);
});

test('the board settings: one record per team, with the id the server expects, and each aim named by its area', () => {
  const board = collectionOf('board_settings');
  // server/board/models.py board_settings_id('team-1')
  assert.equal(board.recordId('team-1'), SERVER_BOARD_SETTINGS_ID);
  assert.deepEqual(Object.keys(board.fields), ['aim_performance', 'aim_capacity', 'aim_cost', 'aim_staff_experience']);
  assert.equal(fieldOf(board, 'aim_cost').label, 'Cost aim');
  assert.equal(fieldOf(board, 'aim_cost').show('Less agency spend'), '“Less agency spend”');
  assert.equal(fieldOf(board, 'aim_cost').show(null), 'no aim');
  assert.deepEqual(board.fix(), { href: '/board-settings', text: 'Open the board’s aims' });
});

test('a capacity entry reads as people say it', () => {
  at('2026-12-04T10:00:00Z');
  assert.equal(entries.describe({ kind: 'time_lost', minutes: 15, category: 'Waiting', occurred_on: '2026-12-03' }), '15 min time lost to Waiting yesterday');
  assert.equal(entries.describe({ kind: 'time_lost', minutes: 15, occurred_on: '2026-11-26' }), '15 min time lost on Thu 26 Nov');
  assert.equal(entries.describe({ kind: 'meeting', minutes: 60, occurred_on: '2026-12-04' }), '1 h meeting today');
  assert.equal(entries.describe({ kind: 'admin', minutes: 10 }), '10 min admin');
});

test('a weekly value names its measure, read from this device', async () => {
  const db = await openDb(`collections-${process.pid}`);
  const session = { device_id: 'dev', user: { id: 'u1' } };
  await upsert(db, session, 'measures', 'm1', { team_id: 't1', name: 'Patients seen', group: 'performance' });
  assert.equal(await describeRecord(db, values, { measure_id: 'm1', week_start: '2026-11-23', value: 41 }),
    'weekly value 41 of “Patients seen” for week beginning 23 Nov');
  assert.equal(await describeRecord(db, values, { measure_id: 'gone', week_start: '2026-11-23', value: null }),
    'weekly value (empty) for week beginning 23 Nov');
  assert.equal(await describeRecord(db, measures, { name: 'Falls' }), 'measure “Falls”');
  assert.equal(await describeRecord(db, categories, null), 'a time-lost reason');
});

test('fields read with the labels and values of their screens', () => {
  at('2026-12-04T10:00:00Z');
  const show = (c, field, v) => { const f = fieldOf(c, field); return `${f.label}: ${f.show(v)}`; };
  assert.equal(show(entries, 'occurred_on', '2026-11-26'), 'Date: Thu 26 Nov');
  assert.equal(show(entries, 'category', 'IT problems'), 'Reason: “IT problems”');
  assert.equal(show(entries, 'minutes', 90), 'Minutes: 1 h 30 min');
  assert.equal(show(entries, 'kind', 'meeting'), 'What happened: Meeting');
  assert.equal(show(entries, 'note', null), 'Note: empty');
  assert.equal(show(measures, 'direction', 'down'), 'Which way is better: Lower is better');
  assert.equal(show(values, 'value', 41.5), 'Value: 41.5');
  assert.equal(show(collectionOf('rota_shifts'), 'starts_at', '07:30'), 'Starts at: “07:30”', 'a collection this app does not know still reads');
});

test('"use my value again" applies where a value stands on its own', () => {
  const restorable = (c) => Object.keys(c.fields).filter((f) => fieldOf(c, f).restore);
  assert.deepEqual(restorable(entries), ['kind', 'minutes', 'category', 'occurred_on', 'note']);
  assert.deepEqual(restorable(values), ['value']);
  assert.deepEqual(restorable(categories), ['archived'], 'a rename must keep the old name, so the reasons screen does it');
  assert.ok(!restorable(measures).includes('source') && restorable(measures).includes('target'));
  assert.equal(fieldOf(collectionOf('rota_shifts'), 'starts_at').restore, false);
});

test('each collection says where its refused changes are fixed, and the router has that route', () => {
  const rejected = (collection, op = 'upsert') => ({ rid: 7, mutation: { collection, record_id: 'r1', op, fields: {} } });
  const fixes = [
    entries.fix(rejected('capacity_entries')), categories.fix(rejected('time_lost_categories')),
    measures.fix(rejected('measures'), { deleted: false }), measures.fix(rejected('measures'), undefined), values.fix(rejected('measure_values')),
  ];
  assert.deepEqual(fixes.map((f) => f.href), ['/attention/7', '/categories', '/measures/r1', '/measures/new', '/values']);
  for (const { href } of fixes) assert.ok(COLLECTION_ROUTES.some(([re]) => re.test(href)), `no screen for ${href}`);
  assert.equal(entries.fix(rejected('capacity_entries', 'delete')), null, 'a refused delete has nothing to fix');
  assert.equal(collectionOf('rota_shifts').fix(rejected('rota_shifts')), null);
});
