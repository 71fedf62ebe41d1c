// Plain words for field values the collection modules have no special wording for.
import { formatValue } from '../lib/measure-text.js';

/** A value as a sentence can carry it: “text”, 41, yes, "A, B", or "empty". */
export function showValue(v) {
  if (v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0)) return 'empty';
  if (typeof v === 'string') return `“${v}”`;
  if (typeof v === 'number') return formatValue(v);
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (Array.isArray(v)) return v.map(showValue).join(', ');
  return JSON.stringify(v);
}

export const capitalise = (text) => text.charAt(0).toUpperCase() + text.slice(1);

/** "derived_unit" -> "Derived unit": a label for a field no module names (a newer server's). */
export const labelFromName = (field) => capitalise(String(field).replace(/_/g, ' '));

/** The team a refused change belongs to: the record's on this device, else the change's own. */
export const teamOf = (rejected, current) => current?.team_id ?? rejected.mutation.fields?.team_id ?? '';

/** A collection: what the database needs of it (`stored`: name and indexes) and its words. Call it
 * with a pure mark, so a bundle that only opens the database (the service worker) drops the words. */
export const collection = (stored, words) => Object.freeze({ ...stored, ...words });
