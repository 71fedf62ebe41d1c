import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Hlc, fieldHlcs, formatHlc, parseHlc, isValidHlc } from '../src/sync/hlc.js';

// Shared with the Python sync engine (tests/vectors/sync/hlc.json): both must agree.
const V = JSON.parse(readFileSync(new URL('../../tests/vectors/sync/hlc.json', import.meta.url), 'utf8'));

test('vectors: format and parse round-trip', () => {
  assert.ok(V.format.length > 0);
  for (const c of V.format) {
    assert.equal(formatHlc(c.millis, c.counter, c.client_id), c.hlc);
    assert.deepEqual(parseHlc(c.hlc), { millis: c.millis, counter: c.counter, clientId: c.client_id });
  }
});

test('vectors: invalid strings are refused', () => {
  for (const bad of V.invalid) assert.equal(isValidHlc(bad), false, JSON.stringify(bad));
});

test('vectors: text order equals (millis, counter, client_id) order', () => {
  const shuffled = [...V.sorted].reverse();
  assert.deepEqual(shuffled.sort(), V.sorted);
  for (let i = 1; i < V.sorted.length; i++) {
    const a = parseHlc(V.sorted[i - 1]);
    const b = parseHlc(V.sorted[i]);
    const tupleLess = a.millis < b.millis || (a.millis === b.millis && (a.counter < b.counter || (a.counter === b.counter && a.clientId < b.clientId)));
    assert.ok(tupleLess, `${V.sorted[i - 1]} < ${V.sorted[i]}`);
  }
});

for (const c of V.clocks) {
  test(`vectors: clock — ${c.name}`, () => {
    let wall = 0;
    const clock = new Hlc(c.client_id, { millis: c.state.millis, counter: c.state.counter, offsetMs: c.offset_ms, clock: () => wall });
    for (const step of c.steps) {
      wall = step.wall_ms;
      if (step.op === 'now') assert.equal(clock.now(), step.expect);
      else if (step.op === 'receive') assert.equal(clock.receive(step.remote), step.expect);
      else if (step.op === 'server_time') assert.equal(clock.observeServerTime(step.server_time, step.wall_ms), step.expect_offset_ms);
      else assert.fail(`unknown op ${step.op}`);
      if (step.state_after) assert.deepEqual({ millis: clock.millis, counter: clock.counter }, step.state_after);
    }
  });
}

test('a device clock 12 hours fast is corrected by the server time offset', () => {
  const real = Date.UTC(2026, 0, 1, 12);
  const c = new Hlc('fast', { clock: () => real + 12 * 3600_000 });
  c.observeServerTime(new Date(real).toISOString(), real + 12 * 3600_000);
  assert.ok(Math.abs(parseHlc(c.now()).millis - real) < 1000, 'stamp is near server time, not 12 h ahead');
});

test('a device clock 12 hours slow still stamps at server time after a response', () => {
  const real = Date.UTC(2026, 0, 1, 12);
  const c = new Hlc('slow', { clock: () => real - 12 * 3600_000 });
  c.observeServerTime(new Date(real).toISOString());
  assert.ok(parseHlc(c.now()).millis >= real);
});

test('a pulled change gives every field its hlc: the shared one unless listed apart', () => {
  const created = '2026-11-20T10:00:00.000Z-0000-dev-ann';
  const edited = '2026-11-20T11:00:00.000Z-0003-dev-bob';
  const record = { kind: 'time_lost', minutes: 45, note: null, id: 'r1', team_id: 't', user_id: 'u', created_at: 'c', updated_at: 'u' };
  assert.deepEqual(fieldHlcs({ record, deleted: false, hlc: created, hlcs: { minutes: edited } }),
    { kind: created, minutes: edited, note: created });
  assert.deepEqual(fieldHlcs({ record, deleted: false, hlc: created, hlcs: {} }),
    { kind: created, minutes: created, note: created });
  assert.deepEqual(fieldHlcs({ record: { id: 'r1', team_id: 't' }, deleted: true, hlc: null, hlcs: {} }), {});
});
