// What the board works out without a screen: the next huddle in London, how old its data is, and
// the Pareto chart's rows.
import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { setClock, resetClock } from '../src/lib/clock.js';
import { timeAgo } from '../src/lib/dates.js';
import { nextHuddleDay } from '../src/data/huddles.js';
import { paretoRows, renderParetoChart } from '../src/lib/pareto-chart.js';
import 'fake-indexeddb/auto';
import { openDb } from '../src/db.js';
import { upsert, remove } from '../src/write.js';
import { timeLostByReason } from '../src/data/time-lost.js';

afterEach(resetClock);
const at = (iso) => setClock(() => Date.parse(iso));

test('the next huddle is today until its 15 minutes are over, then a week on', () => {
  at('2026-10-21T23:30:00Z'); // half past midnight on Thursday 22 October in London (still Wednesday in UTC)
  assert.equal(nextHuddleDay('thursday', '00:16'), '2026-10-22'); // runs to 00:31
  assert.equal(nextHuddleDay('thursday', '00:15'), '2026-10-29'); // over at 00:30
  assert.equal(nextHuddleDay('wednesday', '23:45'), '2026-10-28'); // London's Wednesday has gone
  assert.equal(nextHuddleDay('tuesday', '14:00'), '2026-10-27');
  at('2026-10-25T13:50:00Z'); // Sunday after the clocks go back: 13:50 in London
  assert.equal(nextHuddleDay('sunday', '13:40'), '2026-10-25');
  assert.equal(nextHuddleDay('sunday', '13:30'), '2026-11-01');
  // A team with a huddle day but no time: the whole day is the huddle's; with no day, none.
  assert.equal(nextHuddleDay('sunday', null), '2026-10-25');
  assert.equal(nextHuddleDay(null, '09:30'), null);
});

test('the data\'s age reads in minutes, then hours, then days', () => {
  at('2026-10-22T12:00:00Z');
  assert.equal(timeAgo('2026-10-22T11:59:01Z'), 'less than a minute ago');
  assert.equal(timeAgo('2026-10-22T11:59:00Z'), '1 minute ago');
  assert.equal(timeAgo('2026-10-22T11:02:00Z'), '58 minutes ago');
  assert.equal(timeAgo('2026-10-22T11:00:00Z'), '1 hour ago');
  assert.equal(timeAgo('2026-10-20T12:00:01Z'), '47 hours ago');
  assert.equal(timeAgo('2026-10-19T12:00:00Z'), '3 days ago');
  assert.equal(timeAgo('2026-10-22T12:05:00Z'), 'less than a minute ago'); // a device clock ahead of this one
});

test('Pareto rows: the largest first, running percentages to 100, the tail summed into one bar', () => {
  const rows = paretoRows([
    { name: 'IT problems', value: 30 }, { name: 'Waiting', value: 60 }, { name: 'Travel', value: 0 },
    { name: 'Searching', value: 30 }, { name: 'Cover', value: 10 }, { name: 'Rework', value: 5 }, { name: 'Cancellations', value: 5 },
  ], { max: 4, other: (n) => `${n} other reasons` });
  assert.deepEqual(rows.map((r) => [r.name, r.value, Math.round(r.cumulative)]), [
    ['Waiting', 60, 43], ['IT problems', 30, 64], ['Searching', 30, 86], ['3 other reasons', 20, 100],
  ]);
  assert.deepEqual(paretoRows([{ name: 'Travel', value: 0 }]), []);
});

test('the Pareto chart is one named picture with a bar per row, tallest first', () => {
  const svg = renderParetoChart(paretoRows([{ name: 'Waiting <long>', value: 90 }, { name: 'IT', value: 30 }]),
    { title: 'Time lost & why', label: (v) => `${v / 60} h` });
  assert.match(svg, /^<svg [^>]*role="img" aria-label="Time lost &#38; why"/);
  const heights = [...svg.matchAll(/<rect [^>]*height="([\d.]+)"/g)].map((m) => Number(m[1]));
  assert.equal(heights.length, 2);
  assert.ok(Math.abs(heights[0] - 3 * heights[1]) < 0.2, heights); // drawn to a tenth of a unit
  assert.match(svg, /Waiting &#60;long&#62;/);
  assert.match(svg, />1\.5 h</);
});

test('the Pareto chart counts the last four weeks of time lost by reason, under each reason\'s current name', async () => {
  at('2026-10-21T23:30:00Z'); // Thursday 22 October in London: the four weeks start on Monday 28 September
  const db = await openDb(`pareto-${process.pid}`);
  const session = { device_id: 'dev', user: { id: 'u1' } };
  const entry = (id, fields) => upsert(db, session, 'capacity_entries', id, { team_id: 't1', kind: 'time_lost', ...fields });
  await upsert(db, session, 'time_lost_categories', 'c1', { team_id: 't1', name: 'Waiting for porters', former_names: ['Porters'] });
  await entry('e1', { minutes: 30, category: 'Porters', occurred_on: '2026-09-28' });
  await entry('e2', { minutes: 15, category: 'Waiting for porters', occurred_on: '2026-10-22' });
  await entry('e3', { minutes: 40, category: 'IT problems', occurred_on: '2026-10-05' });
  await entry('e4', { minutes: 60, category: 'IT problems', occurred_on: '2026-09-27' }); // the Sunday before: out
  await entry('e5', { minutes: 20, occurred_on: '2026-10-20' });
  await entry('e6', { minutes: 90, category: 'IT problems', occurred_on: '2026-10-21' });
  await remove(db, session, 'capacity_entries', 'e6');
  await upsert(db, session, 'capacity_entries', 'e7', { team_id: 't1', kind: 'meeting', minutes: 60, occurred_on: '2026-10-21' });
  await upsert(db, session, 'capacity_entries', 'e8', { team_id: 't2', kind: 'time_lost', minutes: 99, occurred_on: '2026-10-21' });
  assert.deepEqual(await timeLostByReason(db, 't1'), { from: '2026-09-28', reasons: [
    { name: 'Waiting for porters', minutes: 45 }, { name: 'IT problems', minutes: 40 }, { name: 'No reason given', minutes: 20 },
  ] });
});
