// The sync client: pushes the outbox in order, pulls until has_more is false, and keeps
// an honest status. Talks to the server through a `transport` with one method:
//   transport.request(method, path, body?) -> Promise<{status, body}>   (throws on network failure)
// so tests can drive it with a fake. Only one sync runs at a time across tabs (Web Locks).
import { getMeta, setMeta, wipe, SYNC_SCHEMA_VERSION } from '../db.js';
import { Hlc, clientOf } from './hlc.js';
import * as outbox from './outbox.js';
import { applyServerPage, dropTeams, leaveWindows, refreshRecord } from '../records.js';
import { now } from '../lib/clock.js';
import { META } from '../meta-keys.js';

export const LOCK_NAME = 'valueboard-sync';
/** A first sync (or a team sent whole) pulls pages this big: fewer round trips and transactions. */
export const FIRST_PULL_LIMIT = 5000;

export class TransientError extends Error {}
export class StopSync extends Error {
  constructor(state, message) {
    super(message);
    this.state = state;
  }
}

export class SyncClient {
  constructor({ db, transport, locks = globalThis.navigator?.locks, clock = now, batchSize = 200, pullLimit = 500, firstPullLimit = FIRST_PULL_LIMIT, onStatus = () => {}, onChange = () => {} }) {
    this.db = db;
    this.transport = transport;
    this.locks = locks;
    this.clock = clock;
    this.batchSize = batchSize;
    this.pullLimit = pullLimit;
    this.firstPullLimit = firstPullLimit;
    this.onStatus = onStatus;
    this.onChange = onChange;
    this.running = null;
    this.again = false;
    this.status = { state: 'idle', pending: 0, lastSyncAt: null, error: null };
  }

  async refreshStatus(patch = {}) {
    const [pending, rejected, lastSyncAt] = await Promise.all([
      outbox.pendingCount(this.db), this.db.count('rejected'), getMeta(this.db, META.LAST_SYNC_AT),
    ]);
    this.status = { ...this.status, ...patch, pending, rejected, lastSyncAt: lastSyncAt || null };
    this.onStatus(this.status);
    return this.status;
  }

  /** Run one sync, or join the one already running in this tab. Never throws. */
  sync(reason = 'manual') {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      let result;
      do {
        this.again = false;
        result = await this.#exclusive(reason);
      } while (this.again && result.ok);
      return result;
    })().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  async #exclusive(reason) {
    if (!this.locks?.request) return this.#run(reason);
    // ifAvailable: if another tab holds the lock it is syncing the same database for us.
    return this.locks.request(LOCK_NAME, { ifAvailable: true }, async (lock) => {
      if (!lock) return { ok: true, skipped: true };
      return this.#run(reason);
    });
  }

  async #run(reason) {
    const session = await getMeta(this.db, META.SESSION);
    if (!session) return { ok: false, state: 'signed_out' };
    await this.refreshStatus({ state: 'syncing', reason });
    try {
      const me = await this.#call('GET', '/api/me');
      if (me.status === 200 && me.body) await setMeta(this.db, META.ME, me.body);
      let pushError = null;
      try {
        await this.#push(session);
      } catch (err) {
        // Still pull: other people's changes arrive, and the pull's last_mutation_id may
        // confirm the very pushes whose response we lost.
        if (!(err instanceof TransientError)) throw err;
        pushError = err;
      }
      await this.#pull(session);
      if (pushError) throw pushError;
      await this.#conflicts(session);
      await setMeta(this.db, META.LAST_SYNC_AT, new Date(this.clock()).toISOString());
      await this.refreshStatus({ state: 'idle', error: null });
      this.onChange();
      return { ok: true };
    } catch (err) {
      this.onChange();
      if (err instanceof StopSync) {
        await this.refreshStatus({ state: err.state, error: err.message });
        return { ok: false, state: err.state, retry: false };
      }
      await this.refreshStatus({ state: 'failed', error: err.message });
      return { ok: false, state: 'failed', retry: true, error: err };
    }
  }

  async #call(method, path, body) {
    let res;
    try {
      res = await this.transport.request(method, path, body);
    } catch (err) {
      throw new TransientError(`network: ${err.message}`);
    }
    if (res.status === 401) {
      // Revoked or expired token: wipe what we read from the server and stop. No retry.
      await wipe(this.db, { keepOutbox: true });
      throw new StopSync('signed_out', 'This device was signed out. Sign in again to continue.');
    }
    if (res.status === 426) {
      throw new StopSync('update_needed', 'An app update is needed before changes can sync.');
    }
    if (res.body?.server_time) await this.#observeServerTime(res.body.server_time);
    return res;
  }

  async #observeServerTime(serverTime) {
    const session = await getMeta(this.db, META.SESSION);
    const clock = new Hlc(session?.device_id || '', { ...((await getMeta(this.db, META.HLC)) || {}), clock: this.clock });
    clock.observeServerTime(serverTime, this.clock());
    await setMeta(this.db, META.HLC, clock.state());
  }

  async #push(session) {
    let batchSize = this.batchSize;
    let gapRetries = 0;
    for (;;) {
      const batch = await outbox.peek(this.db, batchSize);
      if (batch.length === 0) return;
      const res = await this.#call('POST', '/api/sync/push', {
        client_id: session.device_id,
        schema_version: SYNC_SCHEMA_VERSION,
        mutations: batch.map(toWire),
      });
      if (res.status === 200) {
        const last = res.body.last_mutation_id;
        await outbox.confirm(this.db, last, res.body.results || []);
        await this.refreshStatus();
        if (!(last >= batch[0].id)) throw new TransientError('The server did not process the pushed changes.');
        continue;
      }
      if (res.status === 409 && errorCode(res.body) === 'mutation_gap') {
        if (++gapRetries > 3) throw new TransientError('Mutation ids out of step with the server.');
        const expected = expectedId(res.body);
        if (!Number.isInteger(expected) || expected < 1) throw new TransientError('mutation_gap without expected_id');
        if (expected > batch[0].id) await outbox.skipBelow(this.db, expected);
        else await outbox.renumber(this.db, expected, session.device_id);
        continue;
      }
      if (res.status === 413) {
        if (batch.length > 1) {
          batchSize = Math.max(1, Math.floor(batch.length / 2));
          continue;
        }
        // A single mutation the server can never take: set it aside so it cannot jam the queue.
        await outbox.setAside(this.db, batch[0], res.body?.error || { code: 'payload_too_large', message: 'This change is too large to send.' });
        continue;
      }
      if (res.status === 403 || res.status === 400 || res.status === 422) {
        // Not this device's to send, or a malformed request (a client bug): keep the queue,
        // say so, and do not loop; the next trigger (focus, online, a write) tries again.
        throw new StopSync('failed', res.body?.error?.message || `The server refused to sync (HTTP ${res.status}).`);
      }
      throw new TransientError(`push failed: HTTP ${res.status} ${errorCode(res.body) || ''}`.trim());
    }
  }

  async #pull(session) {
    let cursor = (await getMeta(this.db, META.CURSOR)) || '';
    let limit = cursor ? this.pullLimit : this.firstPullLimit;
    let fromNothing = !cursor; // a first sync: nothing older on the device to trim
    const fetchPage = (from, size) => this.#call('GET', `/api/sync/pull?cursor=${encodeURIComponent(from)}&limit=${size}`);
    let next = fetchPage(cursor, limit);
    let copying = false; // a team is being sent whole: screens are told once, at the end
    for (let page = 0; page < 10000; page++) {
      const res = await next;
      if (res.status === 400 && errorCode(res.body) === 'invalid_cursor' && cursor) {
        // Start over: forget what was pulled (pending local changes stay queued).
        await resetPulled(this.db);
        cursor = '';
        fromNothing = true;
        limit = this.firstPullLimit;
        next = fetchPage(cursor, limit);
        continue;
      }
      if (res.status !== 200) throw new TransientError(`pull failed: HTTP ${res.status}`);
      const body = res.body;
      const following = body.cursor ?? cursor;
      if (body.progress) limit = this.firstPullLimit;
      // Ask for the next page while this one is written: the network and IndexedDB overlap.
      next = body.has_more ? fetchPage(following, limit) : null;
      next?.catch(() => {}); // a failure is met when it is awaited
      // Confirm first, so the pulled state lands over our folded values, not under them.
      if (body.last_mutation_id) await outbox.confirm(this.db, body.last_mutation_id, [], { fromPush: false });
      // Relaxed: the page and its cursor commit together or not at all; a page lost to a power cut
      // is pulled again.
      const tx = this.db.transaction(['records', 'outbox', 'meta'], 'readwrite', { durability: 'relaxed' });
      if (body.drop_teams?.length) await dropTeams(tx, body.drop_teams);
      const meta = tx.objectStore('meta');
      const newest = await applyServerPage(tx, body.changes || []);
      if (newest) {
        const clock = new Hlc(session.device_id, { ...((await meta.get(META.HLC)) || {}), clock: this.clock });
        try { clock.receive(newest); } catch { /* ignore malformed */ }
        await meta.put(clock.state(), META.HLC);
      }
      if (!body.has_more && body.windows) {
        // A first sync has nothing older to trim; later the windows move once a week.
        const kept = await meta.get(META.WINDOWS);
        if (!fromNothing && JSON.stringify(kept) !== JSON.stringify(body.windows)) await leaveWindows(tx, body.windows);
        await meta.put(body.windows, META.WINDOWS);
      }
      await meta.put(following, META.CURSOR);
      await tx.done;
      cursor = following;
      copying ||= !!body.progress;
      if (body.progress && body.has_more) {
        await this.refreshStatus({ progress: body.progress });
      } else if (!copying) {
        this.onChange();
      }
      if (!body.has_more) {
        if (copying) await this.refreshStatus({ progress: null });
        return;
      }
    }
  }

  async #conflicts(session) {
    const me = await getMeta(this.db, META.ME);
    const teams = [...(me?.teams || []), ...(me?.coached_teams || [])];
    const since = await getMeta(this.db, META.CONFLICTS_SINCE);
    const started = new Date(this.clock() - 60_000).toISOString();
    for (const team of teams) {
      const qs = `team_id=${encodeURIComponent(team.id)}${since ? `&since=${encodeURIComponent(since)}` : ''}`;
      let res;
      try {
        res = await this.#call('GET', `/api/sync/conflicts?${qs}`);
      } catch (err) {
        if (err instanceof StopSync) throw err;
        return; // conflicts are informative; a failure here is not a failed sync
      }
      if (res.status !== 200) return;
      await storeConflicts(this.db, session, res.body.conflicts || []);
    }
    await setMeta(this.db, META.CONFLICTS_SINCE, started);
    await forgetSeenConflicts(this.db, new Date(this.clock() - CONFLICTS_KEPT_DAYS * 86_400_000).toISOString());
  }
}

/** A conflict the user has seen stays on the device as long as the server keeps its log (180 days). */
export const CONFLICTS_KEPT_DAYS = 180;

/** Drop conflicts the user has seen that were logged before `before` (ISO): the list stays short. */
export async function forgetSeenConflicts(db, before) {
  const tx = db.transaction('conflicts', 'readwrite');
  let cursor = await tx.store.openCursor();
  while (cursor) {
    if (cursor.value.seen && (cursor.value.at || '') < before) await cursor.delete();
    cursor = await cursor.continue();
  }
  await tx.done;
}

export async function storeConflicts(db, session, conflicts) {
  // Reported to the author of the lost value (lost_by_user_id, as docs/sync-protocol.md says),
  // except on the device whose own write replaced it: that device is where the user chose the
  // winning value, so there is nothing to tell them there.
  const winner = (c) => {
    try { return clientOf(c.kept_hlc); } catch { return null; }
  };
  const mine = conflicts.filter((c) => (c.lost_by_user_id === session.user.id || c.lost_by_client_id === session.device_id)
    && winner(c) !== session.device_id);
  if (!mine.length) return 0;
  const tx = db.transaction('conflicts', 'readwrite');
  let added = 0;
  for (const c of mine) {
    const key = `${c.collection}|${c.record_id}|${c.field}|${c.lost_hlc}`;
    if (!(await tx.store.get(key))) {
      await tx.store.put({ ...c, key, seen: false });
      added += 1;
    }
  }
  await tx.done;
  return added;
}

async function resetPulled(db) {
  const tx = db.transaction(['records', 'outbox', 'meta'], 'readwrite', { durability: 'strict' });
  const keys = await tx.objectStore('records').getAllKeys();
  await tx.objectStore('records').clear();
  for (const [collection, id] of keys) await refreshRecord(tx, collection, id);
  await tx.objectStore('meta').delete(META.CURSOR);
  await tx.objectStore('meta').delete(META.WINDOWS);
  await tx.done;
}

function toWire(m) {
  const out = { id: m.id, collection: m.collection, record_id: m.record_id, op: m.op, hlc: m.hlc };
  if (m.op !== 'delete') out.fields = m.fields;
  return out;
}

function errorCode(body) {
  return body?.error?.code;
}

function expectedId(body) {
  const e = body?.error || {};
  const v = body?.expected_id ?? e.expected_id ?? e.details?.expected_id ?? e.fields?.expected_id;
  return typeof v === 'string' ? parseInt(v, 10) : Array.isArray(v) ? parseInt(v[0], 10) : v;
}
