// The collection registry: every synced collection the PWA knows, each described in its own
// module in this folder (its IndexedDB indexes, how a record and each field read in words,
// whether "use my value again" applies to a field, and where a refused change is fixed).
// db.js builds its indexes from here; the conflicts and needs-attention screens read it.
// Each collection's screens and routes are in ../routes/<collection>.js, listed in ../routes/index.js:
// kept apart so that db.js, and the service worker that opens the database, load no screens.
import { getRecord } from '../records.js';
import { capacityEntries, capacityEntriesStored } from './capacity-entries.js';
import { timeLostCategories, timeLostCategoriesStored } from './time-lost-categories.js';
import { measures, measuresStored } from './measures.js';
import { measureValues, measureValuesStored } from './measure-values.js';
import { boardSettings, boardSettingsStored } from './board-settings.js';
import { huddles, huddlesStored, huddleNotes, huddleNotesStored } from './huddles.js';
import { ideas, ideasStored, pdsaCycles, pdsaCyclesStored, actions, actionsStored } from './improvement.js';
import { showValue, labelFromName } from './words.js';

/** Each collection's name and IndexedDB indexes, all db.js needs: the service worker, which opens
 * the database, bundles only these (the pure marks let the build drop the words below from it). */
export const STORED_COLLECTIONS = [
  capacityEntriesStored, timeLostCategoriesStored, measuresStored, measureValuesStored, boardSettingsStored,
  huddlesStored, huddleNotesStored, ideasStored, pdsaCyclesStored, actionsStored,
];

export const COLLECTIONS = /* @__PURE__ */ Object.freeze([
  capacityEntries, timeLostCategories, measures, measureValues, boardSettings,
  huddles, huddleNotes, ideas, pdsaCycles, actions,
]);

const BY_NAME = /* @__PURE__ */ new Map(/* @__PURE__ */ COLLECTIONS.map((c) => [c.name, c]));

/** A collection the app does not know (a newer server's) still reads, plainly. */
function unknown(name) {
  return { name, noun: 'a record', indexes: [], describe: () => 'a record', fields: {}, fix: () => null };
}

export function collectionOf(name) {
  return BY_NAME.get(name) || unknown(name);
}

/** How one field reads: {label, show(value), restore}. */
export function fieldOf(collection, field) {
  const f = collection.fields[field] || {};
  return { label: f.label || labelFromName(field), show: f.show || showValue, restore: !!f.restore };
}

/** A record in words, with the records its words name read from this device. */
export async function describeRecord(db, collection, data) {
  if (!data) return collection.noun;
  const related = new Map();
  for (const [name, id] of collection.related?.(data) || []) {
    related.set(`${name}\u0000${id}`, (await getRecord(db, name, id))?.data || null);
  }
  return collection.describe(data, (name, id) => related.get(`${name}\u0000${id}`) || null);
}
