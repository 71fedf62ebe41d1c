// Huddles: one record per weekly huddle (when, who came, who facilitated, how long), and the notes
// taken at it, one record per note so two people writing into one step on two offline devices both
// keep their words. What the records are and how they read; huddle mode and the summary are in
// ../routes/huddles.js.
import { formatDay, dayPhrase } from '../lib/dates.js';
import { collection, teamOf } from './words.js';

/** The huddle's agenda, in the order it is run (server/huddles/models.py STEPS). */
export const STEPS = [
  { step: 'data', title: 'The box score’s new signals', hint: 'What changed in the measures since last week?' },
  { step: 'tests_of_change', title: 'Tests of change', hint: 'What did we test? What did we learn?' },
  { step: 'celebrations', title: 'Celebrations', hint: 'What went well? Who should we thank?' },
  { step: 'ideas', title: 'New ideas', hint: 'What could we try next?' },
  { step: 'actions', title: 'Actions and next steps', hint: 'Who does what, by when?' },
  { step: 'barriers', title: 'Barriers and escalations', hint: 'What is in our way? Who can help?' },
  { step: 'questions', title: 'Questions', hint: 'Anything else?' },
];
export const STEP_TITLES = /* @__PURE__ */ Object.fromEntries(/* @__PURE__ */ STEPS.map((s) => [s.step, s.title]));

const yesNo = (v) => (v ? 'yes' : 'no');

/** What the database needs of it (db.js; the service worker loads only this part). */
export const huddlesStored = {
  name: 'huddles',
  indexes: [],
};

export const huddles = /* @__PURE__ */ collection(huddlesStored, {
  noun: 'a huddle',
  describe: (h) => (h.held_on ? `the huddle ${dayPhrase(h.held_on)}` : 'a huddle'),
  // Labels are huddle mode's.
  fields: {
    held_on: { label: 'Date of the huddle', show: (v) => formatDay(v), restore: true },
    attendee_count: { label: 'People at the huddle', restore: true },
    manager_present: { label: 'A manager came', show: yesNo, restore: true },
    finance_present: { label: 'A finance colleague came', show: yesNo, restore: true },
    facilitator_user_id: { label: 'Who facilitated', show: (v) => (v ? 'someone in the team' : 'nobody chosen'), restore: true },
    duration_minutes: { label: 'How long it took (minutes)', restore: true },
  },
  fix: (rejected, current) => (rejected.mutation.op === 'delete' ? null
    : { href: `/teams/${teamOf(rejected, current)}/huddles/${rejected.mutation.record_id}`, text: 'Open the huddle' }),
});

/** What the database needs of it (db.js; the service worker loads only this part). */
export const huddleNotesStored = {
  name: 'huddle_notes',
  indexes: [
    // Huddle mode and the summary read one huddle's notes.
    { name: 'huddle', keyPath: ['collection', 'data.huddle_id'], since: 3 },
  ],
};

export const huddleNotes = /* @__PURE__ */ collection(huddleNotesStored, {
  noun: 'a huddle note',
  related: (n) => (n.huddle_id ? [[huddles.name, n.huddle_id]] : []),
  /** "note under Celebrations at the huddle yesterday". */
  describe(n, related = () => null) {
    const huddle = n.huddle_id ? related(huddles.name, n.huddle_id) : null;
    return [
      'note',
      STEP_TITLES[n.step] ? `under ${STEP_TITLES[n.step]}` : '',
      huddle?.held_on ? `at the huddle ${dayPhrase(huddle.held_on)}` : '',
    ].filter(Boolean).join(' ');
  },
  fields: {
    text: { label: 'Note', restore: true },
    step: { label: 'Agenda step', show: (v) => STEP_TITLES[v] || v },
    huddle_id: { label: 'Huddle' },
    share_in_report: { label: 'Shared in the board report', show: yesNo, restore: true },
  },
  fix: (rejected, current) => (rejected.mutation.op === 'delete' || !current?.data?.huddle_id ? null
    : { href: `/teams/${teamOf(rejected, current)}/huddles/${current.data.huddle_id}`, text: 'Open the huddle' }),
});
