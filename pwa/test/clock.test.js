// The PWA's one clock (src/lib/clock.js): today is a London day, and freezing the clock moves
// every "now" of the app at once (record ids, outbox times, the hlc, the sync client).
import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import 'fake-indexeddb/auto';
import { now, nowIso, today, londonDay, setClock, resetClock } from '../src/lib/clock.js';
import { formatDay, longDay } from '../src/lib/dates.js';
import { openDb } from '../src/db.js';
import { upsert } from '../src/write.js';
import * as outbox from '../src/sync/outbox.js';

afterEach(resetClock);

test('today is the London day: half past midnight in summer is still yesterday in UTC', () => {
  setClock(() => Date.parse('2026-06-30T23:30:00Z'));
  assert.equal(today(), '2026-07-01');
  setClock(() => Date.parse('2026-12-01T23:30:00Z')); // winter: London is UTC
  assert.equal(today(), '2026-12-01');
  assert.equal(londonDay(new Date('2027-03-28T00:30:00Z')), '2027-03-28'); // the night the clocks go forward
});

test('"Today" and "Yesterday" follow the frozen clock', () => {
  setClock(() => Date.parse('2026-06-30T23:30:00Z'));
  assert.equal(formatDay('2026-07-01'), 'Today');
  assert.equal(formatDay('2026-06-30'), 'Yesterday');
});

test('a day in full, with or without its year', () => {
  assert.equal(longDay('2026-10-22', { withYear: false }), 'Thursday 22 October');
  assert.equal(longDay('2026-10-22'), 'Thursday 22 October 2026');
});

test('a frozen clock stamps a local write: record id, queued_at and hlc all say the same time', async () => {
  const t = Date.parse('2026-11-26T10:15:30.123Z');
  setClock(() => t);
  assert.equal(now(), t);
  assert.equal(nowIso(), '2026-11-26T10:15:30.123Z');
  const db = await openDb(`clock-${process.pid}`);
  await upsert(db, { device_id: 'dev', user: { id: 'u1' } }, 'capacity_entries', 'r1', { team_id: 't1', minutes: 5 });
  const [m] = await outbox.peek(db, 1);
  assert.equal(m.queued_at, '2026-11-26T10:15:30.123Z');
  assert.equal(m.hlc, '2026-11-26T10:15:30.123Z-0000-dev');
});

test('resetClock goes back to the system clock', () => {
  setClock(() => 0);
  resetClock();
  assert.ok(now() > Date.parse('2026-01-01T00:00:00Z'));
});
