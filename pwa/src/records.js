// Records as the screens see them: the server's latest state with the device's pending
// mutations laid over it. Every function here works inside a transaction it is given
// (never awaiting the network), so callers can combine them atomically.
import { fieldHlcs } from './sync/hlc.js';
import { overlayPending } from './sync/merge.js';

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
  const { data, deleted } = overlayPending(server?.record || null, server?.hlcs, server?.deleted, pending);
  if (!data.user_id && pending[0]?.user_id) data.user_id = pending[0].user_id;
  const teamId = data.team_id ?? current?.team_id ?? pending.find((m) => m.fields?.team_id)?.fields.team_id ?? null;
  const next = { collection, id, team_id: teamId, data, deleted, pending: pending.length, server };
  await records.put(next);
  return next;
}

/** Store a pulled change as the server base, then lay pending mutations over it. */
export async function applyServerChange(tx, change) {
  const records = tx.objectStore('records');
  const key = [change.collection, change.record_id];
  const current = await records.get(key);
  const record = change.record || current?.server?.record || { id: change.record_id };
  const server = {
    record: { ...record },
    hlcs: fieldHlcs(change),
    deleted: !!change.deleted,
  };
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
 * After the server accepted a mutation, fold it into the server base so the screen
 * does not flicker back to the old value before the next pull brings the real state.
 */
export async function foldIntoServer(tx, mutation) {
  const records = tx.objectStore('records');
  const key = [mutation.collection, mutation.record_id];
  const current = await records.get(key);
  const server = current?.server
    ? { record: { ...current.server.record }, hlcs: { ...current.server.hlcs }, deleted: current.server.deleted }
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
  const index = tx.objectStore('records').index('team');
  for (const teamId of teamIds) {
    let cursor = await index.openCursor(IDBKeyRange.only(teamId));
    const touched = [];
    while (cursor) {
      touched.push([cursor.value.collection, cursor.value.id, cursor.value.pending]);
      await cursor.delete();
      cursor = await cursor.continue();
    }
    // Pending local mutations stay queued (the server will accept or reject them); show
    // what they describe until then.
    for (const [collection, id, pending] of touched) if (pending) await refreshRecord(tx, collection, id);
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
