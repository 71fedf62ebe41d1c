// The device checks a change with the rules the server checks it with: every vector in
// tests/vectors/collections/ (which tests/test_collection_spec.py passes through the server's
// validators) through the PWA's, and characters counted as people count them.
import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { collectionOf, COLLECTIONS } from '../src/collections/index.js';
import { problemsWith, specOf, refusedFields, refusalText } from '../src/collections/rules.js';
import { characters, checkFields } from '../src/lib/validate.js';
import { setClock, resetClock } from '../src/lib/clock.js';

afterEach(resetClock);
const DIR = new URL('../../tests/vectors/collections/', import.meta.url);
const expand = (v) => {
  if (v && typeof v === 'object' && !Array.isArray(v) && 'repeat' in v) return v.repeat.repeat(v.times);
  if (Array.isArray(v)) return v.map(expand);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, expand(x)]));
  return v;
};

for (const file of readdirSync(DIR).filter((f) => f.endsWith('.json'))) {
  const name = file.replace(/\.json$/, '');
  const { now, cases } = JSON.parse(readFileSync(new URL(file, DIR), 'utf8'));
  for (const c of cases) {
    test(`${name}: ${c.name}`, async () => {
      setClock(() => Date.parse(now));
      const errors = await problemsWith(collectionOf(name), expand(c.fields), { creating: c.op === 'create' });
      assert.deepEqual(Object.keys(errors).sort(), c.errors);
    });
  }
}

test('every collection the app syncs has a spec', async () => {
  for (const collection of COLLECTIONS) assert.ok(await specOf(collection), collection.name);
});

test('messages use the screen’s words, never a field’s internal name', async () => {
  setClock(() => Date.parse('2026-10-21T23:30:00Z'));
  const entries = collectionOf('capacity_entries');
  assert.deepEqual(await problemsWith(entries, { occurred_on: '2026-10-30', minutes: 0 }), {
    occurred_on: 'Date must not be more than one day in the future.',
    minutes: 'Minutes must be a whole number from 1 to 1440.',
  });
  assert.deepEqual(await problemsWith(entries, { note: 'a'.repeat(501) }), { note: 'Note must be 500 characters or fewer (it has 501).' });
  assert.deepEqual(await problemsWith(entries, {}, { creating: true }), {
    kind: 'What happened is needed.', minutes: 'Minutes is needed.', occurred_on: 'Date is needed.',
  });
});

test('characters are counted as people count them, not as code units or code points', () => {
  assert.equal(characters('👍🏽'), 1);
  assert.equal(characters('👨‍👩‍👧'), 1);
  assert.equal(characters('🇬🇧'), 1);
  assert.equal(characters('e\u0301'), 1);
  assert.equal(characters('Hoist 🚑 broken'), 14);
  assert.equal(characters('👍🏽'.repeat(500)), 500);
  assert.equal(characters(''), 0);
});

test('a text so long in code points that no column could hold it is refused however few characters it shows', () => {
  const spec = { fields: { note: { type: 'text', max_length: 2 } } };
  const zalgo = `a${'\u0301'.repeat(8)}`; // one character, nine code points
  assert.deepEqual(Object.keys(checkFields(spec, { note: zalgo }, { creating: false, label: () => 'Note', limits: {} })), ['note']);
});

test('a refusal from the server reads in the screen’s words', async () => {
  const entries = collectionOf('capacity_entries');
  setClock(() => Date.parse('2026-10-21T23:30:00Z'));
  const rejected = {
    mutation: { collection: 'capacity_entries', op: 'upsert', fields: { occurred_on: '2026-10-30', minutes: 30 } },
    error: { code: 'validation_error', message: 'Some fields are not valid.', fields: { occurred_on: ['Must not be more than one day in the future.'], category: ['Unknown capacity_entries category_name.'] } },
  };
  assert.deepEqual(await refusedFields(entries, rejected), {
    occurred_on: 'Date must not be more than one day in the future.',
    category: 'Reason: Unknown record category name.',
  });
  assert.equal(refusalText({ error: { code: 'forbidden', message: 'You may not create capacity_entries in this team.' } }), 'Your part in this team does not allow this change.');
  assert.equal(refusalText(rejected), 'Part of this change was not accepted, so none of it was saved.');
});
