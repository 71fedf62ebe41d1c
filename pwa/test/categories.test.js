// Time-lost categories: a rename keeps the old name (once) in former_names so the box score still
// counts entries logged under it; reordering writes only the positions that change.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { renameFields, reorder, defaultCategoryId, byPosition, DEFAULT_CATEGORIES, DEFAULT_CATEGORY_NAMESPACE } from '../src/data/categories.js';
import { computeFromRecords } from '../src/data/boxscore.js';

test('a rename keeps the old name in former_names', () => {
  assert.deepStrictEqual(renameFields({ name: 'Waiting', former_names: [] }, 'Waiting for porters'),
    { name: 'Waiting for porters', former_names: ['Waiting'] });
});

test('renaming twice keeps every earlier name, once each, oldest first', () => {
  let c = { name: 'Looking for kit', former_names: [] };
  c = { ...c, ...renameFields(c, 'Searching') };
  c = { ...c, ...renameFields(c, 'Searching for equipment') };
  c = { ...c, ...renameFields(c, 'Searching') }; // back to an earlier name
  assert.deepStrictEqual(c, { name: 'Searching', former_names: ['Looking for kit', 'Searching for equipment'] });
});

test('a rename to the same name (after trimming) changes nothing', () => {
  assert.deepStrictEqual(renameFields({ name: 'IT problems', former_names: ['IT'] }, '  IT problems '),
    { name: 'IT problems', former_names: ['IT'] });
});

test('after a rename the box score counts entries under the old and the new name', () => {
  const category = { id: 'c1', ...renameFields({ name: 'Waiting', former_names: [] }, 'Waiting for porters') };
  const out = computeFromRecords({
    now: '2026-11-26T10:00:00Z', weeks: 2, contracted_hours_per_week: null, categories: [category], measure_values: [],
    measures: [{ id: 'm', name: 'Waiting', group: 'capacity', source: 'derived', derived_kind: 'time_lost', derived_category_id: 'c1', derived_unit: 'hours' }],
    capacity_entries: [
      { occurred_on: '2026-11-17', kind: 'time_lost', minutes: 30, category: 'Waiting' },
      { occurred_on: '2026-11-24', kind: 'time_lost', minutes: 45, category: 'Waiting for porters' },
      { occurred_on: '2026-11-24', kind: 'time_lost', minutes: 15, category: 'Waiting' },
    ],
  });
  assert.deepStrictEqual(out.groups[1].measures[0].series.map((s) => s.value), [0.5, 1]);
});

test('moving a category writes the positions that change', () => {
  const list = [{ id: 'a', position: 0 }, { id: 'b', position: 1 }, { id: 'c', position: 2 }];
  assert.deepStrictEqual(reorder(list, 2, -1), [['c', 1], ['b', 2]]);
  assert.deepStrictEqual(reorder(list, 0, -1), []);
  assert.deepStrictEqual(reorder(list, 2, 1), []);
  // Duplicate or missing positions are straightened out on the first move.
  assert.deepStrictEqual(reorder([{ id: 'a', position: 5 }, { id: 'b', position: 5 }, { id: 'c' }], 0, 1), [['b', 0], ['a', 1], ['c', 2]]);
});

test('categories sort by position, then name', () => {
  const sorted = [{ name: 'b', position: 1 }, { name: 'a', position: 1 }, { name: 'z', position: 0 }].sort(byPosition);
  assert.deepStrictEqual(sorted.map((c) => c.name), ['z', 'a', 'b']);
});

test('default category ids are the same on every device of a team, and differ between teams', () => {
  assert.equal(defaultCategoryId('t1', 'Waiting'), defaultCategoryId('t1', 'Waiting'));
  assert.notEqual(defaultCategoryId('t1', 'Waiting'), defaultCategoryId('t2', 'Waiting'));
  assert.match(defaultCategoryId('t1', 'Waiting'), /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
});

test('default category ids are the ones the server derives (it refuses any other uuid5 id for a team)', () => {
  // tests/test_shared_facts.py pins the same value for server/capacity/models.py default_category_id
  assert.equal(defaultCategoryId('t1', 'Waiting'), '55b28024-e077-5f90-9efa-a73b6eddac10');
});

test('the default categories are the shared list in spec/, the one the server reads', () => {
  const spec = JSON.parse(readFileSync(new URL('../../spec/default_time_lost_categories.json', import.meta.url), 'utf8'));
  assert.deepStrictEqual([...DEFAULT_CATEGORIES], spec.categories);
  assert.equal(DEFAULT_CATEGORY_NAMESPACE, spec.record_id_namespace);
  assert.equal(new Set(spec.categories).size, spec.categories.length, 'no name twice');
});
