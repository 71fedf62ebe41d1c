import { test } from 'node:test';
import assert from 'node:assert/strict';
import 'fake-indexeddb/auto';
import { openDb, getMeta, wipe, DB_VERSION } from '../src/db.js';
import { upsert, remove } from '../src/write.js';
import * as outbox from '../src/sync/outbox.js';
import { listRecords, getRecord } from '../src/records.js';
import { META } from '../src/meta-keys.js';

const session = { device_id: 'dev-a', user: { id: 'u1' } };
let k = 0;
const fresh = () => openDb(`outbox-${process.pid}-${++k}`);

test('schema: stores and indexes exist at the current version', async () => {
  const db = await fresh();
  assert.equal(db.version, DB_VERSION);
  assert.deepEqual([...db.objectStoreNames].sort(), ['conflicts', 'meta', 'outbox', 'records', 'rejected']);
  assert.deepEqual([...db.transaction('records').store.indexNames].sort(), ['capacity_entries/owner_day', 'collection_team', 'huddle_notes/huddle']);
});

test('a local write updates the record and appends consecutive mutation ids in one go', async () => {
  const db = await fresh();
  await upsert(db, session, 'capacity_entries', 'r1', { team_id: 't1', kind: 'meeting', minutes: 15 });
  await upsert(db, session, 'capacity_entries', 'r1', { minutes: 30 });
  await upsert(db, session, 'capacity_entries', 'r2', { team_id: 't1', kind: 'admin', minutes: 5 });
  const q = await outbox.peek(db, 10);
  assert.deepEqual(q.map((m) => m.id), [1, 2, 3]);
  assert.match(q[0].hlc, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z-[0-9a-f]{4}-dev-a$/);
  assert.ok(q[0].hlc < q[1].hlc && q[1].hlc < q[2].hlc);
  const r1 = await getRecord(db, 'capacity_entries', 'r1');
  assert.deepEqual(r1.data, { id: 'r1', team_id: 't1', kind: 'meeting', minutes: 30, user_id: 'u1' });
  assert.equal(r1.pending, 2);
  assert.equal((await listRecords(db, 'capacity_entries', 't1')).length, 2);
  await remove(db, session, 'capacity_entries', 'r2');
  assert.equal((await listRecords(db, 'capacity_entries', 't1')).length, 1);
  assert.equal(await getMeta(db, META.NEXT_MUTATION_ID), 5);
});

test('confirm folds accepted mutations and sets rejected ones aside', async () => {
  const db = await fresh();
  await upsert(db, session, 'capacity_entries', 'r1', { team_id: 't1', kind: 'meeting', minutes: 15 });
  await upsert(db, session, 'capacity_entries', 'r2', { team_id: 't1', kind: 'meeting', minutes: 9999 });
  await outbox.confirm(db, 2, [{ id: 1, status: 'applied' }, { id: 2, status: 'rejected', error: { code: 'validation', message: 'too long' } }]);
  assert.equal(await outbox.count(db), 0);
  const r1 = await getRecord(db, 'capacity_entries', 'r1');
  assert.equal(r1.pending, 0);
  assert.equal(r1.data.minutes, 15);
  assert.equal(await getRecord(db, 'capacity_entries', 'r2'), undefined, 'a refused new record is not shown as saved');
  const rejected = await db.getAll('rejected');
  assert.equal(rejected.length, 1);
  assert.equal(rejected[0].mutation.fields.minutes, 9999);
  assert.equal(rejected[0].error.code, 'validation');
});

test('renumber restarts ids for a new device id and keeps order', async () => {
  const db = await fresh();
  for (let i = 0; i < 3; i++) await upsert(db, session, 'capacity_entries', `r${i}`, { team_id: 't1', minutes: i + 1 });
  await outbox.confirm(db, 1, []);
  await outbox.renumber(db, 1, 'dev-new');
  const q = await outbox.peek(db, 10);
  assert.deepEqual(q.map((m) => [m.id, m.record_id]), [[1, 'r1'], [2, 'r2']]);
  assert.ok(q.every((m) => m.hlc.endsWith('-dev-new')));
  assert.equal(await getMeta(db, META.NEXT_MUTATION_ID), 3);
});

test('wipe keeps only the queued changes when asked', async () => {
  const db = await fresh();
  await upsert(db, session, 'capacity_entries', 'r1', { team_id: 't1', minutes: 5 });
  await wipe(db, { keepOutbox: true });
  assert.equal(await outbox.count(db), 1);
  assert.equal(await db.count('records'), 0);
  assert.equal(await getMeta(db, META.NEXT_MUTATION_ID), 2);
  await wipe(db);
  assert.equal(await outbox.count(db), 0);
});

test('10,000 local records: a write and its list refresh stay fast', async () => {
  const db = await fresh();
  const tx = db.transaction('records', 'readwrite');
  for (let i = 0; i < 10000; i++) {
    tx.store.put({ collection: 'capacity_entries', id: `x${i}`, team_id: 't1', data: { id: `x${i}`, team_id: 't1', minutes: 5, occurred_on: '2026-01-01', user_id: 'u1' }, deleted: false, pending: 0, server: null });
  }
  await tx.done;
  const t0 = performance.now();
  await upsert(db, session, 'capacity_entries', 'new', { team_id: 't1', minutes: 5 });
  const elapsed = performance.now() - t0;
  assert.ok(elapsed < 200, `write took ${elapsed} ms (fake-indexeddb is slower than a browser)`);
});

// ---- setting a change aside (a single change the server can never take) -------------------------

/** A device with three queued changes, one record each: r1 (new), r2, r3. */
async function threeQueued() {
  const db = await fresh();
  for (const [i, id] of ['r1', 'r2', 'r3'].entries()) await upsert(db, session, 'capacity_entries', id, { team_id: 't1', minutes: i + 1 });
  return db;
}

async function snapshot(db) {
  return {
    outbox: await db.getAll('outbox'),
    rejected: (await db.getAll('rejected')).map(({ rid, ...r }) => r),
    records: await db.getAll('records'),
    next: await getMeta(db, META.NEXT_MUTATION_ID),
  };
}

/** `db` whose transactions abort (as when the page is closed) right after their n-th write. */
function crashingAfterWrites(db, n) {
  let writes = 0;
  const bind = (target, value) => (typeof value === 'function' ? value.bind(target) : value);
  const store = (tx, s) => new Proxy(s, {
    get(target, prop) {
      const value = Reflect.get(target, prop);
      if (!['add', 'put', 'delete', 'clear'].includes(prop)) return bind(target, value);
      return async (...args) => {
        const result = await value.apply(target, args);
        if (++writes === n) {
          tx.done.catch(() => {}); // the abort is the point; setAside reports it by throwing
          tx.abort();
        }
        return result;
      };
    },
  });
  return new Proxy(db, {
    get(target, prop) {
      if (prop !== 'transaction') return bind(target, Reflect.get(target, prop));
      return (...args) => {
        const tx = target.transaction(...args);
        return new Proxy(tx, { get: (t, p) => (p === 'objectStore' ? (name) => store(t, t.objectStore(name)) : bind(t, Reflect.get(t, p))) });
      };
    },
  });
}

test('setAside moves the head change to "needs attention" and renumbers the rest down', async () => {
  const db = await threeQueued();
  const [head] = await outbox.peek(db, 1);
  const error = { code: 'payload_too_large', message: 'This change is too large to send.' };
  await outbox.setAside(db, head, error);
  const q = await outbox.peek(db, 10);
  assert.deepEqual(q.map((m) => [m.id, m.record_id]), [[1, 'r2'], [2, 'r3']]);
  assert.equal(await getMeta(db, META.NEXT_MUTATION_ID), 3);
  const [rejected] = await db.getAll('rejected');
  assert.deepEqual([rejected.mutation.record_id, rejected.mutation.original_id, rejected.mutation.fields.minutes, rejected.error], ['r1', 1, 1, error]);
  assert.equal(await getRecord(db, 'capacity_entries', 'r1'), undefined, 'a set-aside new record is not shown as waiting');
});

test('setAside is one transaction: a crash after any of its writes leaves the queue as it was', async () => {
  let crashes = 0;
  for (let n = 1; ; n++) {
    const db = await threeQueued();
    const before = await snapshot(db);
    const [head] = await outbox.peek(db, 1);
    try {
      await outbox.setAside(crashingAfterWrites(db, n), head, { code: 'payload_too_large', message: 'x' });
    } catch {
      crashes += 1;
      assert.deepEqual(await snapshot(db), before, `crash after write ${n}: the change must be queued once and not set aside`);
      continue;
    }
    // n is past its last write: it ran to the end.
    const after = await snapshot(db);
    assert.equal(after.rejected.length, 1);
    assert.deepEqual(after.outbox.map((m) => m.record_id), ['r2', 'r3']);
    break;
  }
  assert.ok(crashes >= 5, `only ${crashes} crash points: rejected, delete, clear, the re-adds and the counter are all writes`);
});
