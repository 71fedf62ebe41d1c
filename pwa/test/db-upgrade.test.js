// The IndexedDB schema's upgrades: a device that has used the app at an older version keeps its
// queued changes, records and everything else, and ends with the same schema as a new install.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import 'fake-indexeddb/auto';
import { openDb, getMeta, setMeta, recordIndex, DB_VERSION } from '../src/db.js';
import { META } from '../src/meta-keys.js';
import { upsert, remove } from '../src/write.js';
import * as outbox from '../src/sync/outbox.js';
import { myEntries } from '../src/data/capacity.js';
import { COLLECTIONS } from '../src/collections/index.js';

const session = { device_id: 'dev-a', user: { id: 'u1' } };
let k = 0;
const name = () => `upgrade-${process.pid}-${++k}`;
const entry = (minutes, day) => ({ team_id: 't1', kind: 'time_lost', minutes, occurred_on: day, category: 'Waiting' });

function schema(db) {
  const tx = db.transaction([...db.objectStoreNames]);
  return Object.fromEntries([...db.objectStoreNames].map((s) => {
    const store = tx.objectStore(s);
    return [s, {
      keyPath: store.keyPath, autoIncrement: store.autoIncrement,
      indexes: Object.fromEntries([...store.indexNames].map((i) => [i, store.index(i).keyPath])),
    }];
  }));
}

async function everything(db) {
  const out = {};
  for (const s of db.objectStoreNames) out[s] = { keys: await db.getAllKeys(s), values: await db.getAll(s) };
  return out;
}

test('every index a collection declares is made by some version up to the current one, unless retired', async () => {
  const db = await openDb(name());
  const indexes = [...db.transaction('records').store.indexNames];
  for (const c of COLLECTIONS) {
    for (const index of c.indexes) {
      assert.ok(Number.isInteger(index.since) && index.since >= 2 && index.since <= DB_VERSION, `${c.name}/${index.name}: since ${index.since}`);
      const retired = index.retired !== undefined;
      assert.ok(!retired || (Number.isInteger(index.retired) && index.retired > index.since && index.retired <= DB_VERSION));
      assert.equal(indexes.includes(recordIndex(c.name, index.name)), !retired, `${c.name}/${index.name}`);
    }
  }
});

test('an index made by one version and retired by a later one goes on upgrade', async () => {
  const dbName = name();
  const v3 = await openDb(dbName, { version: 3 });
  assert.ok([...v3.transaction('records').store.indexNames].includes('capacity_entries/team_day'));
  v3.close();
  const db = await openDb(dbName);
  assert.deepEqual(schema(db), schema(await openDb(name())), 'the same schema as a new install');
  assert.ok(![...db.transaction('records').store.indexNames].includes('capacity_entries/team_day'));
});

test('a version 1 database upgrades with its outbox, records, meta, refusals and conflicts intact', async () => {
  const db1Name = name();
  const v1 = await openDb(db1Name, { version: 1 });
  assert.equal(v1.version, 1);
  // What a device has after using version 1: a synced entry, queued changes (one acked), a
  // refused change, a conflict, and its counters.
  await upsert(v1, session, 'capacity_entries', 'synced', entry(15, '2026-11-23'));
  await outbox.confirm(v1, 1, [{ id: 1, status: 'applied' }]);
  await upsert(v1, session, 'capacity_entries', 'queued', entry(30, '2026-11-24'));
  await upsert(v1, session, 'capacity_entries', 'synced', { minutes: 20 });
  await remove(v1, session, 'capacity_entries', 'queued');
  await upsert(v1, session, 'capacity_entries', 'later', entry(10, '2026-11-25'));
  await outbox.confirm(v1, 2, [], { fromPush: false });
  await v1.add('rejected', { mutation: { collection: 'capacity_entries', record_id: 'x', op: 'upsert', fields: { minutes: 5000 }, original_id: 9 }, error: { code: 'validation_error', message: 'No.' }, rejected_at: '2026-11-26T10:00:00.000Z' });
  await v1.put('conflicts', { key: 'k1', collection: 'capacity_entries', record_id: 'synced', field: 'note', kept_value: 'sling', lost_value: 'hoist', seen: false });
  await setMeta(v1, META.CURSOR, 'c-42');
  await setMeta(v1, META.SESSION, { token: 't', device_id: 'dev-a', user: session.user });
  const before = await everything(v1);
  assert.equal(before.outbox.keys.length, 4);
  assert.ok(before.outbox.values[0].acked, 'an acked entry waiting to be sent once more');
  v1.close();

  const db = await openDb(db1Name);
  assert.equal(db.version, DB_VERSION);
  assert.deepEqual(await everything(db), before, 'no store lost or changed a thing');
  assert.deepEqual(schema(db), schema(await openDb(name())), 'the same schema as a new install');
  assert.ok(![...db.transaction('records').store.indexNames].includes('owner_day'), "version 1's index is gone");

  // The rebuilt index finds the old records, and the queue carries on where it was.
  const mine = await myEntries(db, 't1', 'u1', '2026-11-23', '2026-11-29');
  assert.deepEqual(mine.map((r) => [r.id, r.data.minutes]).sort(), [['later', 10], ['synced', 20]]);
  await upsert(db, session, 'capacity_entries', 'after', entry(5, '2026-11-26'));
  assert.deepEqual((await outbox.peek(db, 10)).map((m) => m.id), [2, 3, 4, 5, 6]);
  assert.equal(await getMeta(db, META.NEXT_MUTATION_ID), 7);
});
