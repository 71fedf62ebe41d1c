// Field-level last-writer-wins by HLC with final tombstones: a port of the Python
// `sync/merge.py` (shared vectors in tests/vectors/sync/merge.json pin both).
//
// A merge state: {fields, hlcs, owners: {name: [client_id…]}, deleted, deleted_hlc}.
import { clientOf } from './hlc.js';

const SERVER_FIELDS = new Set(['id', 'user_id', 'created_at', 'updated_at']);

/** Equality with JSON semantics: booleans are not numbers; 1 == 1.0. */
export function jsonEqual(a, b) {
  if (typeof a === 'boolean' || typeof b === 'boolean') return a === b;
  if (a === null || b === null) return a === b;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]));
  }
  if (typeof a === 'object' && typeof b === 'object') {
    const ka = Object.keys(a).sort();
    const kb = Object.keys(b).sort();
    return ka.length === kb.length && ka.every((k, i) => k === kb[i] && jsonEqual(a[k], b[k]));
  }
  return typeof a === typeof b && a === b;
}

export function emptyState() {
  return { fields: {}, hlcs: {}, owners: {}, deleted: false, deleted_hlc: null };
}

function copy(state) {
  if (state == null) return emptyState();
  const hlcs = { ...(state.hlcs || {}) };
  const given = state.owners || {};
  const owners = {};
  for (const [name, h] of Object.entries(hlcs)) owners[name] = [...(given[name] || [clientOf(h)])];
  return { fields: { ...(state.fields || {}) }, hlcs, owners, deleted: !!state.deleted, deleted_hlc: state.deleted_hlc ?? null };
}

const conflict = (field, kept_value, kept_hlc, lost_value, lost_hlc, loser, lost_by) =>
  ({ field, kept_value, kept_hlc, lost_value, lost_hlc, loser, lost_by });

/** Apply an upsert of `fields` stamped `hlc` (state null: a new record). */
export function mergeUpsert(state, fields, hlc) {
  const next = copy(state);
  const me = clientOf(hlc);
  const names = Object.keys(fields).sort();
  if (next.deleted) {
    return {
      status: 'rejected', error_code: 'record_deleted', state: next, changed: false, changed_fields: [],
      conflicts: names.map((n) => conflict(n, null, next.deleted_hlc, fields[n], hlc, 'incoming', me)),
    };
  }
  const result = { status: 'applied', error_code: null, state: next, changed: false, changed_fields: [], conflicts: [] };
  const { fields: values, hlcs, owners } = next;
  for (const name of names) {
    const value = fields[name];
    const stored = hlcs[name];
    if (stored == null || !(name in values)) {
      values[name] = value;
      hlcs[name] = hlc;
      owners[name] = [me];
      result.changed = true;
      result.changed_fields.push(name);
      continue;
    }
    if (hlc === stored) continue; // the very same write seen again
    const old = values[name];
    if (jsonEqual(old, value)) {
      if (!owners[name].includes(me)) {
        owners[name] = [...owners[name], me];
        result.changed = true;
      }
      if (hlc > stored) {
        hlcs[name] = hlc;
        result.changed = true;
        result.changed_fields.push(name);
      }
    } else if (hlc > stored) {
      const others = owners[name].filter((c) => c !== me);
      if (others.length) result.conflicts.push(conflict(name, value, hlc, old, stored, 'existing', others[0]));
      values[name] = value;
      hlcs[name] = hlc;
      owners[name] = [me];
      result.changed = true;
      result.changed_fields.push(name);
    } else {
      result.conflicts.push(conflict(name, old, stored, value, hlc, 'incoming', me));
    }
  }
  return result;
}

/** Apply a delete stamped `hlc`. Deletes are final; an unknown record is rejected not_found. */
export function mergeDelete(state, hlc) {
  if (state == null) return { status: 'rejected', error_code: 'not_found', state: emptyState(), changed: false, changed_fields: [], conflicts: [] };
  const next = copy(state);
  const result = { status: 'applied', error_code: null, state: next, changed: false, changed_fields: [], conflicts: [] };
  if (next.deleted) return result;
  const me = clientOf(hlc);
  result.changed = true;
  for (const name of Object.keys(next.hlcs).sort()) {
    const fieldHlc = next.hlcs[name];
    const others = next.owners[name].filter((c) => c !== me);
    if (fieldHlc > hlc && others.length && name in next.fields) {
      result.conflicts.push(conflict(name, null, hlc, next.fields[name], fieldHlc, 'existing', others[0]));
    }
  }
  next.deleted = true;
  next.deleted_hlc = hlc;
  return result;
}

/**
 * What the user sees: the server's latest record (or null) with the device's pending (not yet
 * confirmed) mutations laid over it in outbox order, by the same rules the server will apply:
 *  - with per-field server HLCs, a pending value older than the server's shows the server's;
 *  - without them the pending value shows (optimistic) until the server answers;
 *  - a tombstone (server's or pending) hides the record.
 */
export function overlayPending(serverRecord, serverHlcs, serverDeleted, pending) {
  const data = serverRecord ? { ...serverRecord } : {};
  if (serverDeleted) return { data, deleted: true };
  const hlcs = { ...(serverHlcs || {}) };
  for (const m of pending) {
    if (m.op === 'delete') return { data, deleted: true };
    for (const [field, value] of Object.entries(m.fields || {})) {
      if (SERVER_FIELDS.has(field)) continue;
      if (hlcs[field] === undefined || m.hlc > hlcs[field]) {
        data[field] = value;
        hlcs[field] = m.hlc;
      }
    }
  }
  if (!data.id && pending.length) data.id = pending[0].record_id;
  return { data, deleted: false };
}
