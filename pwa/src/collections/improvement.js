// Improvement work: ideas (tested in PDSA cycles) and actions. What the records are and how they
// read; the kanban, PICK chart, PDSA and actions screens are in ../routes/improvement.js.
import { formatDay } from '../lib/dates.js';
import { today } from '../lib/clock.js';
import { collection, teamOf } from './words.js';

/** Kanban columns, in the order a card moves along (server/improvement/models.py IDEA_STATUSES). */
export const IDEA_STATUSES = { new: 'New', prioritised: 'Prioritised', testing: 'Testing', adopted: 'Adopted', abandoned: 'Abandoned', parked: 'Parked' };
/** The PICK chart's quadrants: impact × effort. */
export const PICKS = {
  possible: 'Possible (low impact, easy)',
  implement: 'Implement (high impact, easy)',
  challenge: 'Challenge (high impact, hard)',
  kill: 'Kill (low impact, hard)',
};
export const PDSA_DECISIONS = { adopt: 'Adopt', adapt: 'Adapt', abandon: 'Abandon' };
export const ACTION_STATUSES = { open: 'Open', done: 'Done', dropped: 'Dropped' };

const from = (labels, none = 'none') => (v) => (v == null ? none : labels[v] || String(v));
const day = (none) => (v) => (v ? formatDay(v) : none);

/** An open action past its due date (London's today): it stands out wherever it appears. */
export const isOverdue = (action, on = today()) => (action.status ?? 'open') === 'open' && !!action.due_on && action.due_on < on;

/** What the database needs of it (db.js; the service worker loads only this part). */
export const ideasStored = {
  name: 'ideas',
  indexes: [],
};

export const ideas = /* @__PURE__ */ collection(ideasStored, {
  noun: 'an idea',
  describe: (i) => (i.title ? `idea “${i.title}”` : 'an idea'),
  fields: {
    title: { label: 'Idea', restore: true },
    description: { label: 'Details', restore: true },
    status: { label: 'Column', show: /* @__PURE__ */ from(IDEA_STATUSES), restore: true },
    pick: { label: 'PICK chart', show: /* @__PURE__ */ from(PICKS, 'not placed'), restore: true },
    measure_ids: { label: 'Measures it should move', show: (v) => (v?.length ? `${v.length} measure${v.length === 1 ? '' : 's'}` : 'none'), restore: true },
    huddle_id: { label: 'Raised at', show: (v) => (v ? 'a huddle' : 'no huddle') },
    raised_on: { label: 'Raised on', show: /* @__PURE__ */ day('no date'), restore: true },
    share_in_report: { label: 'Shared in the board report', show: (v) => (v ? 'yes' : 'no'), restore: true },
  },
  fix: (rejected, current) => (rejected.mutation.op === 'delete' ? null
    : current && !current.deleted
      ? { href: `/teams/${teamOf(rejected, current)}/ideas/${rejected.mutation.record_id}`, text: 'Open the idea' }
      : { href: `/teams/${teamOf(rejected, current)}/ideas`, text: 'Open the ideas' }),
});

/** What the database needs of it (db.js; the service worker loads only this part). */
export const pdsaCyclesStored = {
  name: 'pdsa_cycles',
  indexes: [],
};

export const pdsaCycles = /* @__PURE__ */ collection(pdsaCyclesStored, {
  noun: 'a PDSA cycle',
  related: (c) => (c.idea_id ? [[ideas.name, c.idea_id]] : []),
  describe(c, related = () => null) {
    const idea = c.idea_id ? related(ideas.name, c.idea_id) : null;
    return [
      'PDSA cycle',
      idea?.title ? `testing “${idea.title}”` : '',
      c.started_on ? `started ${formatDay(c.started_on)}` : '',
    ].filter(Boolean).join(' ');
  },
  fields: {
    started_on: { label: 'Started on', show: /* @__PURE__ */ day('no date'), restore: true },
    plan: { label: 'Plan: the change and what we predict', restore: true },
    do: { label: 'Do: what happened', restore: true },
    study: { label: 'Study: what we learned', restore: true },
    act: { label: 'Act: our decision', show: /* @__PURE__ */ from(PDSA_DECISIONS, 'not decided'), restore: true },
    idea_id: { label: 'Idea' },
  },
  fix: (rejected, current) => (rejected.mutation.op === 'delete' || !current?.data?.idea_id ? null
    : { href: `/teams/${teamOf(rejected, current)}/ideas/${current.data.idea_id}`, text: 'Open the idea' }),
});

/** What the database needs of it (db.js; the service worker loads only this part). */
export const actionsStored = {
  name: 'actions',
  indexes: [],
};

export const actions = /* @__PURE__ */ collection(actionsStored, {
  noun: 'an action',
  describe: (a) => (a.title ? `action “${a.title}”` : 'an action'),
  fields: {
    title: { label: 'Action', restore: true },
    owner_user_id: { label: 'Owner', show: (v) => (v ? 'someone in the team' : 'nobody yet'), restore: true },
    due_on: { label: 'Due', show: /* @__PURE__ */ day('no due date'), restore: true },
    status: { label: 'Status', show: /* @__PURE__ */ from(ACTION_STATUSES), restore: true },
    huddle_id: { label: 'Agreed at', show: (v) => (v ? 'a huddle' : 'no huddle') },
    idea_id: { label: 'For the idea', show: (v) => (v ? 'an idea' : 'no idea') },
  },
  fix: (rejected, current) => (rejected.mutation.op === 'delete' ? null
    : { href: `/teams/${teamOf(rejected, current)}/actions`, text: 'Open the actions' }),
});
