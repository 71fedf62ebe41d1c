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

test('the registry lists the ten synced collections, each once', () => {
  assert.deepEqual(COLLECTIONS.map((c) => c.name), ['capacity_entries', 'time_lost_categories', 'measures', 'measure_values', 'board_settings',
    'huddles', 'huddle_notes', 'ideas', 'pdsa_cycles', 'actions']);
});

test('huddles, their notes, ideas, PDSA cycles and actions read in the words of their screens', async () => {
  at('2026-12-04T10:00:00Z');
  const [huddles, notes, ideas, cycles, actions] = ['huddles', 'huddle_notes', 'ideas', 'pdsa_cycles', 'actions'].map(collectionOf);
  const db = await openDb(`collections-improvement-${process.pid}`);
  const session = { device_id: 'dev', user: { id: 'u1' } };
  await upsert(db, session, 'huddles', 'h1', { team_id: 't1', held_on: '2026-12-03', attendee_count: 9, manager_present: true, finance_present: false });
  await upsert(db, session, 'ideas', 'i1', { team_id: 't1', title: 'Bleep-free hour', status: 'testing', raised_on: '2026-11-26' });
  assert.equal(huddles.describe({ held_on: '2026-12-03' }), 'the huddle yesterday');
  assert.equal(huddles.describe({ held_on: '2026-11-26' }), 'the huddle on Thu 26 Nov');
  assert.equal(await describeRecord(db, notes, { huddle_id: 'h1', step: 'celebrations', text: 'Thanks, night shift' }),
    'note under Celebrations at the huddle yesterday');
  assert.equal(await describeRecord(db, cycles, { idea_id: 'i1', started_on: '2026-11-30', plan: 'Try it on Mondays' }),
    'PDSA cycle testing “Bleep-free hour” started Mon 30 Nov');
  assert.equal(ideas.describe({ title: 'Bleep-free hour' }), 'idea “Bleep-free hour”');
  assert.equal(actions.describe({ title: 'Order a second scanner' }), 'action “Order a second scanner”');
  const show = (c, field, v) => { const f = fieldOf(c, field); return `${f.label}: ${f.show(v)}`; };
  assert.equal(show(ideas, 'status', 'prioritised'), 'Column: Prioritised');
  assert.equal(show(ideas, 'pick', null), 'PICK chart: not placed');
  assert.equal(show(notes, 'step', 'tests_of_change'), 'Agenda step: Tests of change');
  assert.equal(show(huddles, 'manager_present', false), 'A manager came: no');
  assert.equal(show(cycles, 'act', 'adapt'), 'Act: our decision: Adapt');
  assert.equal(show(actions, 'due_on', '2026-12-01'), 'Due: Tue 1 Dec');
  // Each refused change is fixed where it was made, in its team.
  const refused = (collection, fields, op = 'upsert') => ({ mutation: { collection, record_id: 'r9', op, fields }, error: { code: 'validation_error' } });
  const here = { team_id: 't1', data: { huddle_id: 'h1', idea_id: 'i1' } };
  assert.deepEqual(huddles.fix(refused('huddles', { team_id: 't1' }), null), { href: '/teams/t1/huddles/r9', text: 'Open the huddle' });
  assert.deepEqual(notes.fix(refused('huddle_notes', {}), here), { href: '/teams/t1/huddles/h1', text: 'Open the huddle' });
  assert.deepEqual(ideas.fix(refused('ideas', {}), here), { href: '/teams/t1/ideas/r9', text: 'Open the idea' });
  assert.deepEqual(ideas.fix(refused('ideas', { team_id: 't1' }), null), { href: '/teams/t1/ideas', text: 'Open the ideas' });
  assert.deepEqual(cycles.fix(refused('pdsa_cycles', {}), here), { href: '/teams/t1/ideas/i1', text: 'Open the idea' });
  assert.deepEqual(actions.fix(refused('actions', {}), here), { href: '/teams/t1/actions', text: 'Open the actions' });
  assert.equal(actions.fix(refused('actions', {}, 'delete'), here), null);
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
