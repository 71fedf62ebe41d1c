// The server's rules for ideas, PDSA cycles and actions (server/improvement/schemas.py), checked on
// the device before saving so a mistake shows next to its field at once instead of coming back from
// the server as "Needs attention" after a sync. Kept together, apart from the screens, so a shared
// validator driven by the server's spec can take their place. Each check gets the fields about to be
// saved and returns {field: message in the screen's words}; empty when all is well.
import { addDays } from '../lib/dates.js';
import { today } from '../lib/clock.js';
import { IDEA_STATUSES, PICKS, PDSA_DECISIONS, ACTION_STATUSES } from '../collections/improvement.js';

export const TITLE_MAX = 200;
export const TEXT_MAX = 4000;
export const MEASURES_MAX = 20;

// Characters as people count them (and as the server does): an emoji is one.
const length = (text) => [...text].length;
const isDay = (v) => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) && new Date(`${v}T12:00:00Z`).toISOString().startsWith(v);

function textProblem(text, max, empty) {
  if (text == null || !String(text).trim()) return empty;
  const n = length(text);
  return n > max ? `Use ${max.toLocaleString('en-GB')} characters or fewer (this is ${n.toLocaleString('en-GB')})` : null;
}

const dayProblem = (v, what) => (!isDay(v) ? `Enter ${what} as a real date`
  : v > addDays(today(), 1) ? `${what[0].toUpperCase()}${what.slice(1)} cannot be more than a day from now` : null);

const oneOf = (v, labels, message) => (v != null && !(v in labels) ? message : null);

function only(problems) {
  return Object.fromEntries(Object.entries(problems).filter(([, message]) => message));
}

/** An idea: every field given (a new idea has title, status and raised_on). */
export function checkIdea(f) {
  return only({
    title: 'title' in f && textProblem(f.title, TITLE_MAX, 'Say what the idea is'),
    description: f.description != null && textProblem(f.description, TEXT_MAX, null),
    status: 'status' in f && oneOf(f.status ?? '', IDEA_STATUSES, 'Choose a column'),
    pick: oneOf(f.pick, PICKS, 'Choose a place on the PICK chart'),
    measure_ids: (f.measure_ids?.length || 0) > MEASURES_MAX && `Choose ${MEASURES_MAX} measures or fewer`,
    raised_on: 'raised_on' in f && dayProblem(f.raised_on, 'the day it was raised'),
  });
}

/** A PDSA cycle. */
export function checkCycle(f) {
  return only({
    started_on: 'started_on' in f && dayProblem(f.started_on, 'the day the cycle started'),
    plan: 'plan' in f && textProblem(f.plan, TEXT_MAX, 'Say what you will change and what you predict'),
    do: f.do != null && textProblem(f.do, TEXT_MAX, null),
    study: f.study != null && textProblem(f.study, TEXT_MAX, null),
    act: oneOf(f.act, PDSA_DECISIONS, 'Choose adopt, adapt or abandon'),
  });
}

/** An action. */
export function checkAction(f) {
  return only({
    title: 'title' in f && textProblem(f.title, TITLE_MAX, 'Say what needs doing'),
    due_on: f.due_on != null && !isDay(f.due_on) && 'Enter the due date as a real date, or leave it empty',
    status: 'status' in f && oneOf(f.status ?? '', ACTION_STATUSES, 'Choose open, done or dropped'),
  });
}
