// The one place that owns the IndexedDB schema and its upgrades.
//
// Stores
//   records    key [collection, id]  indexes: collection_team ([collection, team_id]) (and team, team_id, until version 5),
//              and each collection's own, declared in collections/ and named "<collection>/<index>"
//              (capacity_entries/owner_day: [collection, team_id, data.user_id, data.occurred_on]);
//              every index costs each write of a first sync, so one no screen reads is retired
//              { collection, id, team_id, data, deleted, pending, server: {record, hlcs, deleted} | null }
//              `data` is what the screens show: the server's record with pending local mutations over it.
//   outbox     key id (mutation id, consecutive per device: 1, 2, 3 …)  index record ([collection, record_id])
//              { id, collection, record_id, op, hlc, fields, user_id, queued_at }
//   meta       out-of-line string keys, every one named in meta-keys.js
//   rejected   key rid (auto)  mutations the server refused for good, kept until fixed or discarded
//   conflicts  key key         values of this user that another device's write replaced
//
// Compatibility: OUTBOX_FORMAT is the shape of an outbox entry plus the wire schema_version it
// is sent with. A new app version lists the outbox formats it can still send in
// READS_OUTBOX_FORMATS; the service worker update flow (register-sw.js) only activates a new
// version while changes are queued if that list contains the format of the queued changes.
import { openDB, deleteDB } from 'idb';

export const DB_NAME = 'valueboard';
import { DB_VERSION } from './db-versions.js';
import { KEPT_ALWAYS, KEPT_WITH_OUTBOX } from './meta-keys.js';
import { STORED_COLLECTIONS } from './collections/index.js';

export { DB_VERSION, OUTBOX_FORMAT, SYNC_SCHEMA_VERSION, READS_OUTBOX_FORMATS } from './db-versions.js';

const STORES = ['records', 'outbox', 'meta', 'rejected', 'conflicts'];

/** The name of a collection's index on the records store. */
export const recordIndex = (collection, index) => `${collection}/${index}`;

/** Open the database, upgrading it to `version` (older versions only for upgrade tests). */
export async function openDb(name = DB_NAME, { version = DB_VERSION } = {}) {
  const db = await openDB(name, version, {
    upgrade(db, oldVersion, newVersion, tx) {
      // Each step moves the schema from one version to the next; never edit a past step.
      if (oldVersion < 1) {
        const records = db.createObjectStore('records', { keyPath: ['collection', 'id'] });
        records.createIndex('team', 'team_id');
        records.createIndex('collection_team', ['collection', 'team_id']);
        // One person's records by day (capacity entries): home and "My entries" read a week.
        records.createIndex('owner_day', ['collection', 'team_id', 'data.user_id', 'data.occurred_on']);
        const outbox = db.createObjectStore('outbox', { keyPath: 'id' });
        outbox.createIndex('record', ['collection', 'record_id']);
        db.createObjectStore('meta');
        db.createObjectStore('rejected', { keyPath: 'rid', autoIncrement: true });
        db.createObjectStore('conflicts', { keyPath: 'key' });
      }
      if (oldVersion < 2 && newVersion >= 2) {
        // Collections declare their own indexes (collections/), each named after its collection so
        // two collections cannot take one name. Version 1's capacity index is made again below as
        // capacity_entries/owner_day; the records themselves stay as they are.
        tx.objectStore('records').deleteIndex('owner_day');
      }
      if (oldVersion < 5 && newVersion >= 5) {
        // No index on the team alone (drop_teams goes through collection_team): each index costs
        // every write of a first sync, 11 MB and a tenth of the time for 45,000 entries.
        tx.objectStore('records').deleteIndex('team');
      }
      // Every collection index the steps from oldVersion to newVersion added or retired: an index is
      // created by the version in its `since` and deleted by the one in its `retired`. A changed index
      // is a new one (new name, the next version); an index, once released, is never edited.
      const records = tx.objectStore('records');
      for (const c of STORED_COLLECTIONS) {
        for (const index of c.indexes) {
          const name = recordIndex(c.name, index.name);
          const wanted = index.since <= newVersion && !(index.retired <= newVersion);
          if (wanted && !records.indexNames.contains(name)) records.createIndex(name, index.keyPath);
          if (!wanted && records.indexNames.contains(name)) records.deleteIndex(name);
        }
      }
    },
    blocking() {
      // Another tab wants a newer schema: step aside so it can upgrade.
      db.close();
      globalThis.dispatchEvent?.(new Event('vb-db-closed'));
    },
  });
  return db;
}

export async function getMeta(db, key) {
  return db.get('meta', key);
}

export async function setMeta(db, key, value) {
  const tx = db.transaction('meta', 'readwrite', { durability: 'strict' });
  await tx.store.put(value, key);
  await tx.done;
}

/**
 * Wipe local data. With keepOutbox, the user's own queued changes (and the
 * counters they need) survive so a re-login by the same user can still send them;
 * everything read from the server (records, conflicts, cursor, session) goes. The browser's
 * device key always stays (KEPT_ALWAYS).
 */
export async function wipe(db, { keepOutbox = false } = {}) {
  const tx = db.transaction(STORES, 'readwrite', { durability: 'strict' });
  const keep = {};
  for (const k of [...KEPT_ALWAYS, ...(keepOutbox ? KEPT_WITH_OUTBOX : [])]) keep[k] = await tx.objectStore('meta').get(k);
  await Promise.all([
    tx.objectStore('records').clear(),
    tx.objectStore('meta').clear(),
    tx.objectStore('rejected').clear(),
    tx.objectStore('conflicts').clear(),
    keepOutbox ? Promise.resolve() : tx.objectStore('outbox').clear(),
  ]);
  for (const [k, v] of Object.entries(keep)) if (v !== undefined) await tx.objectStore('meta').put(v, k);
  await tx.done;
}

export async function destroyDb(name = DB_NAME) {
  await deleteDB(name);
}
