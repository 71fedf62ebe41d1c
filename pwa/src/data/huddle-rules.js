// The server's rules for what huddle mode writes (server/huddles/schemas.py,
// server/improvement/schemas.py), checked on the device before saving so a mistake shows next to
// its field at once instead of coming back from the server as "Needs attention" after a sync.
// Kept together, apart from the screens, so a shared validator driven by the server's spec can
// take their place. Each check returns {field: message in the screen's words}; empty when all is well.
import { addDays } from '../lib/dates.js';
import { today } from '../lib/clock.js';

// Characters as people count them (and as the server does): an emoji is one.
const length = (text) => [...text].length;
const isDay = (v) => /^\d{4}-\d{2}-\d{2}$/.test(v) && new Date(`${v}T12:00:00Z`).toISOString().startsWith(v);
const wholeIn = (v, min, max) => Number.isInteger(v) && v >= min && v <= max;

function textProblem(text, max, empty) {
  if (!text || !text.trim()) return empty;
  const n = length(text);
  return n > max ? `Use ${max.toLocaleString('en-GB')} characters or fewer (this is ${n.toLocaleString('en-GB')})` : null;
}

function only(problems) {
  return Object.fromEntries(Object.entries(problems).filter(([, message]) => message));
}

/** A huddle: held_on, attendee_count, and duration_minutes when it is given. */
export function checkHuddle(fields) {
  return only({
    held_on: 'held_on' in fields && (!isDay(fields.held_on) ? 'Enter the date of the huddle as a real date'
      : fields.held_on > addDays(today(), 1) ? 'The date of the huddle cannot be more than a day from now' : null),
    attendee_count: 'attendee_count' in fields && !wholeIn(fields.attendee_count, 0, 500)
      && 'Enter how many people came as a whole number from 0 to 500',
    duration_minutes: fields.duration_minutes != null && !wholeIn(fields.duration_minutes, 1, 120)
      && 'How long it took must be from 1 to 120 minutes',
  });
}

export function checkNote(fields) {
  return only({ text: textProblem(fields.text, 2000, 'Write the note first') });
}

export function checkIdea(fields) {
  return only({ title: textProblem(fields.title, 200, 'Say what the idea is') });
}

export function checkAction(fields) {
  return only({
    title: textProblem(fields.title, 200, 'Say what needs doing'),
    due_on: fields.due_on != null && !isDay(fields.due_on) && 'Enter the due date as a real date, or leave it empty',
  });
}
