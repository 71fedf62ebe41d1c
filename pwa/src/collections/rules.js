// Each collection's field rules (spec/collections/, the description the server is tested against
// too), checked on the device before a change is saved, in the words of the collection's screens.
// Kept out of index.js so the service worker, which opens the database, does not bundle them.
import capacityEntries from '../../../spec/collections/capacity_entries.json' with { type: 'json' };
import timeLostCategories from '../../../spec/collections/time_lost_categories.json' with { type: 'json' };
import measures from '../../../spec/collections/measures.json' with { type: 'json' };
import measureValues from '../../../spec/collections/measure_values.json' with { type: 'json' };
import boardSettings from '../../../spec/collections/board_settings.json' with { type: 'json' };
import { checkFields } from '../lib/validate.js';
import { addDays, weekStart } from '../lib/dates.js';
import { today } from '../lib/clock.js';
import { fieldOf } from './index.js';

const SPECS = new Map([capacityEntries, timeLostCategories, measures, measureValues, boardSettings].map((s) => [s.collection, s]));

/** The spec of a collection, if the app has one (a newer server's collection has none). */
export const specOf = (collection) => SPECS.get(collection.name) || null;

/**
 * What is wrong with a change to a record of `collection`, before it is saved: {field: message},
 * empty when it may be saved. `creating`: a new record (its required fields must be there).
 */
export function problemsWith(collection, values, { creating = false } = {}) {
  const spec = specOf(collection);
  if (!spec) return {};
  return checkFields(spec, values, {
    creating,
    label: (field) => fieldOf(collection, field).label,
    limits: { tomorrow: addDays(today(), 1), thisWeek: weekStart(today()) },
  });
}
