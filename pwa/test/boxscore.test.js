// The PWA's offline box score must equal the server's: every vector in tests/vectors/boxscore/
// (written from server/measures/boxscore.py compute_from_records) is replayed here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { computeFromRecords, weeklyMinutes, lastWeeks } from '../src/data/boxscore.js';
import { weeklyFromTotals } from '../src/data/weekly-totals.js';
import { weekStart } from '../src/lib/dates.js';

const dir = fileURLToPath(new URL('../../tests/vectors/boxscore/', import.meta.url));
const vectors = readdirSync(dir).filter((f) => f.endsWith('.json')).sort()
  .map((f) => ({ file: f, ...JSON.parse(readFileSync(dir + f, 'utf8')) }));

// Numbers to 6 decimals, recursively: the agreed precision for comparing the two implementations.
const rounded = (v) => {
  if (typeof v === 'number') return Math.round(v * 1e6) / 1e6;
  if (Array.isArray(v)) return v.map(rounded);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, rounded(x)]));
  return v;
};

test('the shared box score vectors are there to replay', () => {
  assert.ok(vectors.length >= 6, `only ${vectors.length} vectors found in ${dir}`);
});

for (const vector of vectors) {
  test(`PWA box score matches the server: ${vector.name || vector.file}`, () => {
    assert.deepStrictEqual(rounded(computeFromRecords(vector.input)), rounded(vector.expected));
  });
}

// The server's weekly totals of entries, as capacity_weekly_totals records carry them.
function totalsOf(entries) {
  const buckets = new Map();
  for (const e of entries) {
    const key = JSON.stringify([weekStart(e.occurred_on), e.kind, e.category || null]);
    const b = buckets.get(key) || { minutes: 0, entries: 0 };
    b.minutes += e.minutes;
    b.entries += 1;
    buckets.set(key, b);
  }
  return [...buckets].map(([key, b]) => {
    const [week_start, kind, category] = JSON.parse(key);
    return { week_start, kind, category, ...b };
  });
}

for (const vector of vectors) {
  test(`a device's box score from weekly totals and its own unsynced entries matches the server: ${vector.name || vector.file}`, () => {
    const entries = vector.input.capacity_entries || [];
    const synced = entries.filter((_, i) => i % 2 === 0);
    const offline = entries.filter((_, i) => i % 2 === 1);
    // An entry edited on this device, not yet confirmed: its old values are in the totals, the edit is not.
    const edited = synced.length ? { ...synced[0], minutes: synced[0].minutes + 7, occurred_on: synced.at(-1).occurred_on } : null;
    const expectedInput = { ...vector.input, capacity_entries: edited ? [edited, ...synced.slice(1), ...offline] : entries };
    const fromTotals = {
      ...vector.input,
      capacity_entries: undefined,
      capacity_weekly_totals: totalsOf(synced),
      pending_entry_changes: [...offline.map((e) => [null, e]), ...(edited ? [[synced[0], edited]] : [])],
    };
    assert.deepStrictEqual(rounded(computeFromRecords(fromTotals)), rounded(computeFromRecords(expectedInput)));
    if (!edited) {
      assert.deepStrictEqual(rounded(computeFromRecords(fromTotals)), rounded(vector.expected));
    }
  });
}

test('a week emptied by deletes on this device starts the capacity history no earlier', () => {
  const old = { occurred_on: '2026-01-05', kind: 'meeting', minutes: 30 };
  const kept = { occurred_on: '2026-03-02', kind: 'meeting', minutes: 15 };
  const rows = weeklyFromTotals(totalsOf([old, kept]), [[old, null]]);
  assert.deepStrictEqual(rows, [['2026-03-02', 'meeting', '', 15]]);
});

test('entries are bucketed by the Monday of their local day, across a year end', () => {
  const rows = weeklyMinutes([
    { occurred_on: '2026-12-27', kind: 'meeting', minutes: 30 }, // Sunday
    { occurred_on: '2026-12-28', kind: 'meeting', minutes: 15 }, // Monday
    { occurred_on: '2027-01-03', kind: 'meeting', minutes: 5 }, // Sunday of the same ISO week
  ]).sort();
  assert.deepStrictEqual(rows, [['2026-12-21', 'meeting', '', 30], ['2026-12-28', 'meeting', '', 20]]);
});

test('lastWeeks counts back whole weeks across the October clock change', () => {
  assert.deepStrictEqual(lastWeeks(3, '2026-10-28'), ['2026-10-12', '2026-10-19', '2026-10-26']);
});

test('a category called like an Object property is just a name', () => {
  const out = computeFromRecords({
    now: '2026-11-26T10:00:00Z', weeks: 1, contracted_hours_per_week: null,
    categories: [{ id: 'c', name: '__proto__', former_names: ['constructor'] }],
    measures: [{ id: 'm', name: 'x', group: 'capacity', source: 'derived', derived_kind: 'time_lost', derived_category_id: 'c', derived_unit: 'hours' }],
    capacity_entries: [
      { occurred_on: '2026-11-24', kind: 'time_lost', minutes: 30, category: '__proto__' },
      { occurred_on: '2026-11-24', kind: 'time_lost', minutes: 30, category: 'constructor' },
      { occurred_on: '2026-11-24', kind: 'time_lost', minutes: 30, category: 'toString' },
    ],
    measure_values: [],
  });
  assert.equal(out.groups[1].measures[0].this_week, 1);
});
