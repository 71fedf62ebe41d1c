// Field rules of a synced record, checked on the device before it is saved, from the description
// the server is tested against too (spec/collections/<collection>.json; tests/vectors/collections/).
// Messages name fields by the label the screen shows, never by their internal names.
import { characters } from './characters.js';

export { characters };

// Characters as people count them may take several code points each: the server stores at most
// this many (server/core/schemas.py CODE_POINTS_PER_CHARACTER).
const CODE_POINTS_PER_CHARACTER = 4;
const CONTROL = /[\0-\x08\x0b\x0c\x0e-\x1f]/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const EARLIEST_WEEK = '2000-01-03';

const realDate = (v) => typeof v === 'string' && ISO_DATE.test(v) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v);
const monday = (v) => new Date(`${v}T00:00:00Z`).getUTCDay() === 1;

/** What is wrong with `value` for the field `rule`, in words after its label, or '' if nothing. */
function problem(rule, value, limits) {
  if (value === null || value === undefined) return rule.nullable ? '' : 'is needed';
  switch (rule.type) {
    case 'text': {
      if (typeof value !== 'string') return 'must be text';
      const n = characters(value);
      if (n > rule.max_length || [...value].length > rule.max_length * CODE_POINTS_PER_CHARACTER) {
        return `must be ${rule.max_length} characters or fewer (it has ${n})`;
      }
      if (CONTROL.test(value) || (value.isWellFormed && !value.isWellFormed())) return 'has characters that cannot be saved';
      return /\S/.test(value) ? '' : 'must not be blank';
    }
    case 'id': return typeof value === 'string' && value.length >= 1 && value.length <= rule.max_length ? '' : 'is not recognised';
    case 'choice': return rule.choices.includes(value) ? '' : 'must be one of the choices offered';
    case 'boolean': return typeof value === 'boolean' ? '' : 'must be yes or no';
    case 'number': return typeof value === 'number' && Number.isFinite(value) ? '' : 'must be a number';
    case 'integer': return Number.isInteger(value) && value >= rule.min && value <= rule.max ? '' : `must be a whole number from ${rule.min} to ${rule.max}`;
    case 'date':
      if (!realDate(value)) return 'must be a real date';
      return rule.latest === 'tomorrow' && value > limits.tomorrow ? 'must not be more than one day in the future' : '';
    case 'week':
      if (!realDate(value) || !monday(value)) return 'must be a week, named by its Monday';
      if (value < EARLIEST_WEEK) return `must be on or after ${EARLIEST_WEEK}`;
      return rule.latest === 'this_week' && value > limits.thisWeek ? 'must not be a future week' : '';
    default: return '';
  }
}

/**
 * The fields of `values` that break `spec`'s rules: {field: "Date must not be more than one day in
 * the future."}, keyed as the server keys them (a list's item as "former_names.0"). `creating`: every
 * required field must be there; else only the given ones are checked (an edit). `label(field)` is
 * the screen's word for a field; `limits` = {tomorrow, thisWeek} (ISO dates from the one clock).
 */
export function checkFields(spec, values, { creating, label, limits }) {
  const errors = {};
  const say = (key, field, words) => { errors[key] = `${label(field)} ${words}.`; };
  for (const [field, rule] of Object.entries(spec.fields)) {
    if (!(field in values)) {
      if (creating && rule.required) say(field, field, 'is needed');
      continue;
    }
    const value = values[field];
    if (rule.type === 'list' && value !== null) {
      if (!Array.isArray(value)) say(field, field, 'must be a list');
      else if (value.length > rule.max_items) say(field, field, `must have ${rule.max_items} or fewer`);
      else value.forEach((item, i) => { const words = problem(rule.items, item, limits); if (words) say(`${field}.${i}`, field, words); });
      continue;
    }
    const words = problem(rule, value, limits);
    if (words) say(field, field, words);
  }
  for (const field of Object.keys(values)) if (!(field in spec.fields) && field !== 'team_id') say(field, field, 'is not part of this record');
  return errors;
}
