// Records as the screens see them: the server's latest state with the device's pending
// mutations laid over it. Every function here works inside a transaction it is given
// (never awaiting the network), so callers can combine them atomically.
import { fieldHlcs } from './sync/hlc.js';
import { overlayPending } from './sync/merge.js';

/**
 * The hlc of each field of a record's server copy. Pulled copies keep them as the change carried
 * them (`hlc`, the one most fields share, and `hlcs`, the others': a fifth of a record's bytes
 * instead of half); a copy an accepted push was folded into keeps one per field (`hlcs` alone).
 */
export function baseHlcs(server) {
  if (!server) return {};
  return fieldHlcs({ record: server.record, hlc: server.hlc, hlcs: server.hlcs, deleted: server.deleted });
}

/** Recompute one record's visible state from its server base and its pending mutations. */
export async function refreshRecord(tx, collection, id) {
  const records = tx.objectStore('records');
  const pending = await tx.objectStore('outbox').index('record').getAll([collection, id]);
  pending.sort((a, b) => a.id - b.id);
  const current = await records.get([collection, id]);
  const server = current?.server || null;
  if (!server && pending.length === 0) {
    if (current) await records.delete([collection, id]);
    return null;
  }
  const { data, deleted } = overlayPending(server?.record || null, baseHlcs(server), server?.deleted, pending);
  if (!data.user_id && pending[0]?.user_id) data.user_id = pending[0].user_id;
  const teamId = data.team_id ?? current?.team_id ?? pending.find((m) => m.fields?.team_id)?.fields.team_id ?? null;
  const next = { collection, id, team_id: teamId, data, deleted, pending: pending.length, server };
  if (current?.left && !server) next.left = true;
  await records.put(next);
  return next;
}

/** The server copy a pulled change leaves on the device. */
const serverCopy = (change, record) => ({
  record, hlc: change.hlc ?? null, hlcs: change.hlcs || {}, deleted: !!change.deleted,
});

/**
 * Store a pulled change as the server base, then lay pending mutations over it. A change marked
 * `left` says the record left this device's sync window (it still exists): the base goes, the
 * device's own pending changes stay (they are sent, and the record leaves once they are confirmed).
 */
export async function applyServerChange(tx, change) {
  const records = tx.objectStore('records');
  const key = [change.collection, change.record_id];
  if (change.left) {
    const current = await records.get(key);
    if (current) await records.put({ ...current, server: null, left: true });
    return refreshRecord(tx, change.collection, change.record_id);
  }
  const current = await records.get(key);
  const record = change.record || current?.server?.record || { id: change.record_id };
  const server = serverCopy(change, { ...record });
  await records.put({
    collection: change.collection,
    id: change.record_id,
    team_id: record.team_id ?? current?.team_id ?? null,
    data: { ...record },
    deleted: !!change.deleted,
    pending: current?.pending || 0,
    server,
  });
  return refreshRecord(tx, change.collection, change.record_id);
}

/**
 * Store a page of pulled changes in `tx` (records, outbox). Records with pending local changes take
 * applyServerChange's path; the rest (nearly all of a first sync) are written without reading
 * anything first and without waiting for each write: one request per record. Returns the newest hlc
 * the page carried (for the clock).
 */
export async function applyServerPage(tx, changes) {
  const records = tx.objectStore('records');
  const pending = new Set();
  let cursor = await tx.objectStore('outbox').index('record').openKeyCursor();
  while (cursor) {
    pending.add(`${cursor.key[0]}\u0000${cursor.key[1]}`);
    cursor = await cursor.continue();
  }
  const writes = [];
  let newest = '';
  for (const change of changes) {
    for (const h of [change.hlc, ...Object.values(change.hlcs || {})]) if (h && h > newest) newest = h;
    if (pending.has(`${change.collection}\u0000${change.record_id}`)) {
      await Promise.all(writes.splice(0));
      await applyServerChange(tx, change);
    } else if (change.deleted) {
      writes.push(records.delete([change.collection, change.record_id]));
    } else {
      // `data` and the server copy are one object: stored once (structured clone keeps the
      // identity), and refreshRecord builds a new `data` when a local change is laid over it.
      const record = change.record;
      writes.push(records.put({
        collection: change.collection, id: change.record_id, team_id: record.team_id ?? null,
        data: record, deleted: false, pending: 0, server: serverCopy(change, record),
      }));
    }
  }
  await Promise.all(writes);
  return newest || null;
}

/**
 * Forget records older than their collection's sync window (`windows` from a pull:
 * {collection: {field, from}}), except those with changes still waiting to be confirmed: they stay
 * until then, and the next sync drops them.
 */
export async function leaveWindows(tx, windows) {
  const index = tx.objectStore('records').index('collection_team');
  let dropped = 0;
  for (const [collection, { field, from }] of Object.entries(windows || {})) {
    let cursor = await index.openCursor(IDBKeyRange.bound([collection], [collection, []]));
    while (cursor) {
      const r = cursor.value;
      const value = (r.server?.record || r.data)?.[field];
      if (!r.pending && typeof value === 'string' && value < from) {
        await cursor.delete();
        dropped += 1;
      }
      cursor = await cursor.continue();
    }
  }
  return dropped;
}

/**
 * After the server accepted a mutation, fold it into the server base so the screen
 * does not flicker back to the old value before the next pull brings the real state.
 */
export async function foldIntoServer(tx, mutation) {
  const records = tx.objectStore('records');
  const key = [mutation.collection, mutation.record_id];
  const current = await records.get(key);
  // Its base left this device's sync window: once its changes are confirmed it goes (refreshRecord).
  if (current?.left) return;
  const server = current?.server
    ? { record: { ...current.server.record }, hlcs: baseHlcs(current.server), deleted: current.server.deleted }
    : { record: { id: mutation.record_id }, hlcs: {}, deleted: false };
  if (mutation.op === 'delete') {
    server.deleted = true;
  } else if (!server.deleted) {
    for (const [field, value] of Object.entries(mutation.fields || {})) {
      const known = server.hlcs[field];
      if (known === undefined || mutation.hlc > known) {
        server.record[field] = value;
        server.hlcs[field] = mutation.hlc;
      }
    }
    if (!server.record.user_id && mutation.user_id) server.record.user_id = mutation.user_id;
  }
  if (current) {
    await records.put({ ...current, server });
  } else {
    await records.put({
      collection: mutation.collection, id: mutation.record_id, team_id: server.record.team_id ?? null,
      data: { ...server.record }, deleted: server.deleted, pending: 0, server,
    });
  }
}

/** Delete the local copy of every record of these teams (pull's drop_teams). */
export async function dropTeams(tx, teamIds) {
  const records = tx.objectStore('records');
  // Each collection held (a key cursor steps from one collection to the next: ids sort before
  // arrays), then its records of each team through collection_team: no index on the team alone,
  // as every index slows each write of a first sync.
  const collections = [];
  let step = await records.openKeyCursor();
  while (step) {
    collections.push(step.key[0]);
    step = await step.continue([step.key[0], []]);
  }
  const index = records.index('collection_team');
  for (const collection of collections) {
    for (const teamId of teamIds) {
      let cursor = await index.openCursor(IDBKeyRange.only([collection, teamId]));
      const touched = [];
      while (cursor) {
        touched.push([cursor.value.collection, cursor.value.id, cursor.value.pending]);
        await cursor.delete();
        cursor = await cursor.continue();
      }
      // Pending local mutations stay queued (the server will accept or reject them); show
      // what they describe until then.
      for (const [c, id, pending] of touched) if (pending) await refreshRecord(tx, c, id);
    }
  }
}

/** Visible, not deleted records of one collection (optionally one team). */
export async function listRecords(db, collection, teamId) {
  const index = db.transaction('records').store.index('collection_team');
  const rows = teamId
    ? await index.getAll([collection, teamId])
    : await index.getAll(IDBKeyRange.bound([collection], [collection, []]));
  return rows.filter((r) => !r.deleted);
}

export async function getRecord(db, collection, id) {
  return db.get('records', [collection, id]);
}
