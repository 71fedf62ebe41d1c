// Hybrid logical clock, identical to the Python `sync/hlc.py` (shared vectors in
// tests/vectors/sync/hlc.json):
//   YYYY-MM-DDTHH:MM:SS.mmmZ-CCCC-<client_id>
// UTC to the millisecond (years 1970-9999), a 4 lowercase hex digit counter, and a client id
// of 1-64 characters from [A-Za-z0-9_.:-]. Text order equals (millis, counter, client_id) order.
import { now } from '../lib/clock.js';

export const MAX_COUNTER = 0xffff;
export const MAX_MILLIS = 253402300799999; // 9999-12-31T23:59:59.999Z
const CLIENT_ID_RE = /^[A-Za-z0-9_.:-]{1,64}$/;
const HLC_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\.(\d{3})Z-([0-9a-f]{4})-([A-Za-z0-9_.:-]{1,64})$/;
const TIME_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\.(\d{3})Z$/;

export class HlcError extends Error {}

function millisFromParts(parts, text) {
  const [y, mo, d, h, mi, s, ms] = parts.map(Number);
  const t = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  const back = new Date(t);
  if (y < 1970 || back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d
    || back.getUTCHours() !== h || back.getUTCMinutes() !== mi || back.getUTCSeconds() !== s) {
    throw new HlcError(`invalid time in ${JSON.stringify(text)}`);
  }
  if (t < 0) throw new HlcError(`time before 1970 in ${JSON.stringify(text)}`);
  return t;
}

export function formatTime(millis) {
  if (!Number.isInteger(millis) || millis < 0 || millis > MAX_MILLIS) throw new HlcError(`time out of range: ${millis}`);
  return new Date(millis).toISOString();
}

export function parseTime(text) {
  const m = typeof text === 'string' && TIME_RE.exec(text);
  if (!m) throw new HlcError(`not a YYYY-MM-DDTHH:MM:SS.mmmZ time: ${JSON.stringify(text)}`);
  return millisFromParts(m.slice(1, 8), text);
}

export function formatHlc(millis, counter, clientId) {
  if (!Number.isInteger(counter) || counter < 0 || counter > MAX_COUNTER) throw new HlcError(`counter out of range: ${counter}`);
  if (typeof clientId !== 'string' || !CLIENT_ID_RE.test(clientId)) throw new HlcError(`invalid client id: ${clientId}`);
  return `${formatTime(millis)}-${counter.toString(16).padStart(4, '0')}-${clientId}`;
}

export function parseHlc(text) {
  const m = typeof text === 'string' && HLC_RE.exec(text);
  if (!m) throw new HlcError(`malformed hlc: ${JSON.stringify(text)}`);
  return { millis: millisFromParts(m.slice(1, 8), text), counter: parseInt(m[8], 16), clientId: m[9] };
}

export function isValidHlc(text) {
  try {
    parseHlc(text);
    return true;
  } catch {
    return false;
  }
}

export function clientOf(hlc) {
  return parseHlc(hlc).clientId;
}

const SERVER_KEYS = new Set(['id', 'team_id', 'user_id', 'created_at', 'updated_at']);

/**
 * Every field's hlc of a pulled change. The server sends them compactly: `hlc` for most fields
 * (all of them, for a record written once) and `hlcs` for the fields whose hlc differs.
 * A tombstone has none.
 */
export function fieldHlcs(change) {
  const out = {};
  if (change.deleted || !change.record) return out;
  const exceptions = change.hlcs || {};
  for (const name of Object.keys(change.record)) {
    if (SERVER_KEYS.has(name)) continue;
    const hlc = exceptions[name] ?? change.hlc;
    if (hlc) out[name] = hlc;
  }
  return out;
}

/**
 * A clock for one device. `clock()` is the physical wall clock (epoch ms); `offsetMs`
 * corrects it towards the server (set from server_time in every response), so a device
 * whose clock is 12 hours out neither wins every conflict nor loses every one.
 * State {millis, counter, offsetMs} is plain data so the caller can persist it.
 */
export class Hlc {
  constructor(clientId, { millis = 0, counter = 0, offsetMs = 0, clock = now } = {}) {
    this.clientId = clientId;
    this.millis = millis;
    this.counter = counter;
    this.offsetMs = offsetMs;
    this.clock = clock;
  }

  physical() {
    return Math.floor(this.clock() + this.offsetMs);
  }

  #emit(millis, counter) {
    if (counter > MAX_COUNTER) {
      millis += 1;
      counter = 0;
    }
    this.millis = millis;
    this.counter = counter;
    return formatHlc(millis, counter, this.clientId);
  }

  /** A new timestamp for a local event (a mutation about to be queued). */
  now() {
    const pt = this.physical();
    if (pt > this.millis) return this.#emit(pt, 0);
    return this.#emit(this.millis, this.counter + 1);
  }

  /** Merge a timestamp seen elsewhere; every later now() is greater than it. */
  receive(remote) {
    const r = parseHlc(remote);
    const pt = this.physical();
    const lOld = this.millis;
    const cOld = this.counter;
    const millis = Math.max(lOld, r.millis, pt);
    let counter;
    if (millis === lOld && millis === r.millis) counter = Math.max(cOld, r.counter) + 1;
    else if (millis === lOld) counter = cOld + 1;
    else if (millis === r.millis) counter = r.counter + 1;
    else counter = 0;
    return this.#emit(millis, counter);
  }

  /** offset = server_time - local wall time when the response arrived. Returns the offset. */
  observeServerTime(serverTime, localMs = this.clock()) {
    let server;
    try {
      server = parseTime(serverTime);
    } catch {
      server = Date.parse(serverTime); // tolerate other ISO 8601 spellings
      if (Number.isNaN(server)) return this.offsetMs;
    }
    this.offsetMs = server - localMs;
    return this.offsetMs;
  }

  state() {
    return { millis: this.millis, counter: this.counter, offsetMs: this.offsetMs };
  }
}
