import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mergeUpsert, mergeDelete, jsonEqual, overlayPending } from '../src/sync/merge.js';

// Shared with the Python sync engine (tests/vectors/sync/merge.json): both must agree.
const V = JSON.parse(readFileSync(new URL('../../tests/vectors/sync/merge.json', import.meta.url), 'utf8'));

for (const c of V.cases) {
  test(`vectors: ${c.name}`, () => {
    const r = c.op === 'delete' ? mergeDelete(c.state, c.hlc) : mergeUpsert(c.state, c.fields, c.hlc);
    const e = c.expect;
    assert.equal(r.status, e.status);
    assert.equal(r.error_code, e.error_code);
    const state = e.state.owners ? r.state : { ...r.state, owners: undefined };
    if (!e.state.owners) delete state.owners;
    assert.deepEqual(state, e.state);
    assert.equal(r.changed, e.changed);
    assert.deepEqual(r.changed_fields, e.changed_fields);
    const strip = (list) => list.map((x) => Object.fromEntries(Object.entries(x).filter(([k]) => k in (e.conflicts[0] || x))));
    assert.deepEqual(strip(r.conflicts), e.conflicts);
  });
}

test('JSON equality', () => {
  assert.equal(jsonEqual(true, 1), false);
  assert.equal(jsonEqual(15, 15.0), true);
  assert.equal(jsonEqual({ a: [1, null] }, { a: [1, null] }), true);
  assert.equal(jsonEqual(null, 0), false);
});

const h = (s, c, id) => `2026-11-26T10:00:${String(s).padStart(2, '0')}.000Z-${c.toString(16).padStart(4, '0')}-${id}`;

test('pending local mutations lay over the pulled state unless the server holds a later value', () => {
  const server = { id: 'r', minutes: 30, note: 'server' };
  const hlcs = { minutes: h(5, 0, 'b'), note: h(1, 0, 'b') };
  const pending = [{ op: 'upsert', record_id: 'r', hlc: h(3, 0, 'a'), fields: { minutes: 10, note: 'mine' } }];
  assert.deepEqual(overlayPending(server, hlcs, false, pending).data, { id: 'r', minutes: 30, note: 'mine' });
  assert.equal(overlayPending(server, hlcs, true, pending).deleted, true);
  assert.deepEqual(overlayPending(null, {}, false, pending).data, { id: 'r', minutes: 10, note: 'mine' });
  assert.equal(overlayPending(server, {}, false, [{ op: 'delete', record_id: 'r', hlc: h(1, 0, 'a') }]).deleted, true);
});
