// The outbox: the device's mutations not yet confirmed by the server, in order.
// Mutation ids are consecutive per device (1, 2, 3 …), allocated from meta.next_mutation_id
// inside the same strict-durability transaction that changes the local record.
import { refreshRecord, foldIntoServer } from '../records.js';
import { nowIso } from '../lib/clock.js';
import { META } from '../meta-keys.js';

/** Append a mutation inside an open readwrite transaction over [records, outbox, meta]. */
export async function enqueue(tx, mutation) {
  const meta = tx.objectStore('meta');
  const id = (await meta.get(META.NEXT_MUTATION_ID)) || 1;
  await meta.put(id + 1, META.NEXT_MUTATION_ID);
  const entry = { ...mutation, id, queued_at: nowIso() };
  await tx.objectStore('outbox').add(entry);
  return entry;
}

export async function peek(db, limit) {
  const out = [];
  let cursor = await db.transaction('outbox').store.openCursor();
  while (cursor && out.length < limit) {
    out.push(cursor.value);
    cursor = await cursor.continue();
  }
  return out;
}

export async function count(db) {
  return db.count('outbox');
}

/**
 * The server has processed every mutation up to `lastId`. `results` (from a push response)
 * says what became of each: refused ones move to the "needs attention" list, the others are
 * folded into the server base and leave the outbox. With fromPush false (a pull's
 * last_mutation_id) the entries are only marked acked: see below.
 */
export async function confirm(db, lastId, results = [], { fromPush = true } = {}) {
  if (!lastId) return { confirmed: 0, rejected: 0 };
  const byId = new Map(results.map((r) => [r.id, r]));
  const tx = db.transaction(['records', 'outbox', 'meta', 'rejected'], 'readwrite', { durability: 'strict' });
  const outbox = tx.objectStore('outbox');
  let cursor = await outbox.openCursor(IDBKeyRange.upperBound(lastId));
  const touched = new Map();
  let confirmed = 0;
  let rejected = 0;
  while (cursor) {
    const m = cursor.value;
    const result = byId.get(m.id);
    if (!result && !fromPush) {
      // Confirmed only by a pull (the push response was lost): keep it, marked acked, and send
      // it once more; the server answers `duplicate` with the original error if it was refused,
      // so a refusal is never silently lost.
      if (!m.acked) await cursor.update({ ...m, acked: true });
      cursor = await cursor.continue();
      continue;
    }
    if (isRejected(result)) {
      rejected += 1;
      await tx.objectStore('rejected').add({
        mutation: stripId(m), error: result.error || { code: 'rejected', message: 'The server refused this change.' },
        rejected_at: nowIso(),
      });
    } else {
      await foldIntoServer(tx, m);
    }
    confirmed += 1;
    touched.set(`${m.collection}\u0000${m.record_id}`, [m.collection, m.record_id]);
    await cursor.delete();
    cursor = await cursor.continue();
  }
  for (const [collection, id] of touched.values()) await refreshRecord(tx, collection, id);
  await tx.done;
  return { confirmed, rejected };
}

export function isRejected(result) {
  return !!result && (result.status === 'rejected' || (result.status === 'duplicate' && !!result.error));
}

function stripId(m) {
  const { id, acked, ...rest } = m;
  return { ...rest, original_id: id };
}

/** Changes still waiting for the server (not yet confirmed by a push or a pull). */
export async function pendingCount(db) {
  let n = 0;
  let cursor = await db.transaction('outbox').store.openCursor();
  while (cursor) {
    if (!cursor.value.acked) n += 1;
    cursor = await cursor.continue();
  }
  return n;
}

/**
 * Renumber every queued mutation consecutively from `startId` (and re-stamp its client id),
 * e.g. after a re-login gave this device a new client id, or the server answered 409
 * mutation_gap with an expected id below ours.
 */
export async function renumber(db, startId, clientId) {
  const tx = db.transaction(['outbox', 'meta'], 'readwrite', { durability: 'strict' });
  const n = await renumberIn(tx, startId, clientId);
  await tx.done;
  return n;
}

/** renumber() inside an open readwrite transaction over [outbox, meta]. */
async function renumberIn(tx, startId, clientId) {
  const outbox = tx.objectStore('outbox');
  const all = await outbox.getAll();
  all.sort((a, b) => a.id - b.id);
  await outbox.clear();
  let id = startId;
  for (const m of all) {
    const hlc = clientId ? m.hlc.replace(/^(.{24}-[0-9a-f]{4}-).*$/, `$1${clientId}`) : m.hlc;
    await outbox.add({ ...m, id, hlc });
    id += 1;
  }
  await tx.objectStore('meta').put(id, META.NEXT_MUTATION_ID);
  return all.length;
}

/**
 * Move a mutation the server never processed (and never will: a single change too large to
 * send) from the head of the queue to "needs attention", and renumber the rest down so the next
 * push still starts at the id the server expects. One transaction: a crash part-way leaves the
 * queue as it was, so the change is neither lost nor both queued and set aside.
 */
export async function setAside(db, mutation, error) {
  const tx = db.transaction(['records', 'outbox', 'meta', 'rejected'], 'readwrite', { durability: 'strict' });
  const { id } = mutation;
  await tx.objectStore('rejected').add({ mutation: stripId(mutation), error, rejected_at: nowIso() });
  await tx.objectStore('outbox').delete(id);
  await renumberIn(tx, id, null);
  // The record no longer has this pending change laid over it.
  await refreshRecord(tx, mutation.collection, mutation.record_id);
  await tx.done;
}

/** Drop queued mutations below `expectedId`: the server says it processed them. */
export async function skipBelow(db, expectedId) {
  const ids = (await peek(db, Number.MAX_SAFE_INTEGER)).filter((m) => m.id < expectedId).map((m) => ({ id: m.id, status: 'duplicate' }));
  return confirm(db, expectedId - 1, ids);
}
