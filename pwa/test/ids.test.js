import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newId } from '../src/write.js';

test('new record ids are version 7 uuids that start with the time they were made', () => {
  const before = Date.now();
  const id = newId();
  const after = Date.now();
  assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  const millis = parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
  assert.ok(before <= millis && millis <= after, `${millis} not in [${before}, ${after}]`);
});

test('ids made later sort later, and none repeat', async () => {
  const first = newId();
  await new Promise((resolve) => setTimeout(resolve, 2));
  const ids = Array.from({ length: 1000 }, newId);
  assert.ok(ids.every((id) => id > first));
  assert.equal(new Set(ids).size, ids.length);
});
