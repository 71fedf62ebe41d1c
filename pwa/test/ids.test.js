import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { newId } from '../src/write.js';
import { setClock, resetClock } from '../src/lib/clock.js';

afterEach(resetClock);

const millisOf = (id) => parseInt(id.slice(0, 8) + id.slice(9, 13), 16);

test('new record ids are version 7 uuids that start with the time they were made', () => {
  const t = Date.UTC(2026, 10, 26, 10, 15, 30, 123);
  setClock(() => t);
  const id = newId();
  assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(millisOf(id), t);
});

test('ids made a millisecond later sort later, and none repeat', () => {
  const t = Date.UTC(2026, 10, 26, 10);
  setClock(() => t);
  const first = newId();
  setClock(() => t + 1);
  const ids = Array.from({ length: 1000 }, newId);
  assert.ok(ids.every((id) => id > first));
  assert.equal(new Set(ids).size, ids.length);
});
