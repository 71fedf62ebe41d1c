// Huddle mode's checks (the server's rules, before saving) and its summary as plain text.
import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { checkHuddle, checkNote, checkIdea, checkAction } from '../src/data/huddle-rules.js';
import { summaryText, newSignals, minutesSince } from '../src/data/huddles.js';
import { setClock, resetClock } from '../src/lib/clock.js';

afterEach(resetClock);
const at = (iso) => setClock(() => Date.parse(iso));

test('a huddle is checked as the server checks it, in the screen’s words', () => {
  at('2026-10-21T23:30:00Z'); // Thursday 22 October in London
  assert.deepEqual(checkHuddle({ held_on: '2026-10-23', attendee_count: 0, duration_minutes: 1 }), {});
  assert.deepEqual(checkHuddle({ held_on: '2026-10-24', attendee_count: 501, duration_minutes: 121 }), {
    held_on: 'The date of the huddle cannot be more than a day from now',
    attendee_count: 'Enter how many people came as a whole number from 0 to 500',
    duration_minutes: 'How long it took must be from 1 to 120 minutes',
  });
  assert.deepEqual(checkHuddle({ attendee_count: 2.5 }), { attendee_count: 'Enter how many people came as a whole number from 0 to 500' });
  assert.deepEqual(checkHuddle({ held_on: '2026-02-30' }), { held_on: 'Enter the date of the huddle as a real date' });
});

test('notes, ideas and actions: text counted as people count it, and a due date that is a date', () => {
  assert.deepEqual(checkNote({ text: '🙂'.repeat(2000) }), {});
  assert.deepEqual(checkNote({ text: 'x'.repeat(2001) }), { text: 'Use 2,000 characters or fewer (this is 2,001)' });
  assert.deepEqual(checkNote({ text: '  \n ' }), { text: 'Write the note first' });
  assert.deepEqual(checkIdea({ title: '' }), { title: 'Say what the idea is' });
  assert.deepEqual(checkAction({ title: 'Order a hoist', due_on: null }), {});
  assert.deepEqual(checkAction({ title: 'x'.repeat(201), due_on: 'bad' }), {
    title: 'Use 200 characters or fewer (this is 201)', due_on: 'Enter the due date as a real date, or leave it empty',
  });
});

test('a huddle’s duration is whole minutes from 1 to 120', () => {
  at('2026-10-22T09:00:00Z');
  assert.equal(minutesSince(Date.parse('2026-10-22T08:59:50Z')), 1);
  assert.equal(minutesSince(Date.parse('2026-10-22T08:45:31Z')), 14);
  assert.equal(minutesSince(Date.parse('2026-10-22T05:00:00Z')), 120);
});

test('new signals are this week’s and last week’s special points, the latest per measure', () => {
  const point = (week_start, special) => ({ week_start, special, signal: special ? 'concern' : 'common_cause', signal_side: special ? 'low' : null });
  const score = { weeks: ['2026-10-05', '2026-10-12', '2026-10-19'], groups: [{ measures: [
    { name: 'Old', analysis: { points: [point('2026-10-05', true), point('2026-10-12', false), point('2026-10-19', false)] } },
    { name: 'New', analysis: { points: [point('2026-10-05', false), point('2026-10-12', true), point('2026-10-19', true)] } },
  ] }] };
  assert.deepEqual(newSignals(score).map((s) => [s.measure.name, s.point.week_start]), [['New', '2026-10-19']]);
});

test('the summary as plain text: every step in order, then what the huddle produced', () => {
  at('2026-10-22T10:00:00Z');
  const text = summaryText({
    teamName: 'Ward 7',
    huddle: { held_on: '2026-10-22', attendee_count: 1, manager_present: true, finance_present: false, facilitator_user_id: 'u1', duration_minutes: 14 },
    notes: [{ step: 'questions', text: 'Who has the\nkeys?' }],
    ideas: [{ title: 'Bleep-free hour' }],
    actions: [{ title: 'Order a hoist', owner_user_id: 'u1', due_on: '2026-10-20', status: 'open' }],
    nameOf: () => 'Sam Lead',
  });
  assert.match(text, /^Huddle of Ward 7, Thursday 22 October 2026\n\nWho came: 1 person \(a manager, no finance colleague\)\nFacilitated by: Sam Lead\nHow long it took: 14 minutes\n\nThe box score’s new signals\n- No notes\n/);
  assert.match(text, /\nQuestions\n- Who has the \/ keys\?\n\nIdeas raised\n- Bleep-free hour\n\nActions agreed\n- Order a hoist \(owner: Sam Lead; due Tue 20 Oct; overdue\)\n$/);
});
