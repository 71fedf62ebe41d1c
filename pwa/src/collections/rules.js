// Each collection's field rules (spec/collections/, the description the server is tested against
// too), checked on the device before a change is saved, in the words of the collection's screens.
// The rules and their checks load as a chunk of their own (./specs.js: outside the shell, precached
// for offline use); neither index.js nor the service worker bundles them.
import { addDays, weekStart } from '../lib/dates.js';
import { today } from '../lib/clock.js';
import { fieldOf } from './index.js';

const loaded = () => import('./specs.js');

/** The spec of a collection, if the app has one (a newer server's collection has none). */
export const specOf = async (collection) => (await loaded()).SPECS.get(collection.name) || null;

/**
 * What is wrong with a change to a record of `collection`, before it is saved: {field: message},
 * empty when it may be saved. `creating`: a new record (its required fields must be there).
 */
export async function problemsWith(collection, values, { creating = false } = {}) {
  const { SPECS, checkFields } = await loaded();
  const spec = SPECS.get(collection.name);
  if (!spec) return {};
  return checkFields(spec, values, {
    creating,
    label: (field) => fieldOf(collection, field).label,
    limits: { tomorrow: addDays(today(), 1), thisWeek: weekStart(today()) },
  });
}

// Why the server refused a change, in words a person can act on (the server's codes and messages
// are written for developers: they name collections and fields by their internal names).
const WHY = {
  forbidden: 'Your part in this team does not allow this change.',
  validation_error: 'Part of this change was not accepted, so none of it was saved.',
  record_deleted: 'It was deleted, so this change could not be saved.',
  immutable_field: 'Part of this change cannot be changed once saved.',
  not_found: 'It no longer exists, so this change could not be saved.',
  payload_too_large: 'This change is too large to send.',
};

/** The refusal of `rejected` (from "Needs attention") as a sentence. */
export const refusalText = (rejected) => WHY[rejected.error?.code] || 'The server did not accept this change.';

/** Internal names in a server message replaced by the screen's words ("occurred_on" → "Date"). */
function inWords(collection, text) {
  return String(text).replace(/\b[a-z]+(?:_[a-z]+)+\b/g, (word) => (collection.fields[word] ? fieldOf(collection, word).label.toLowerCase() : word === collection.name ? 'record' : word.replace(/_/g, ' ')));
}

/**
 * Each refused field of `rejected` with what was wrong, in the screen's words: {field: message}.
 * The device's own rules word it where they find the problem; else the server's message is put in
 * words after the field's label.
 */
export async function refusedFields(collection, rejected) {
  const device = await problemsWith(collection, rejected.mutation.fields || {});
  return Object.fromEntries(Object.entries(rejected.error?.fields || {}).map(([key, messages]) => [key,
    device[key] || `${fieldOf(collection, key.split('.')[0]).label}: ${inWords(collection, [].concat(messages).join(' '))}`]));
}
