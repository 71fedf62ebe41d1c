// Background Sync in the service worker: the page's sync client, run from here when no
// page is open. A failure rejects, so the browser retries later with its own backoff.
import { openDb } from './db.js';
import { createTransport } from './api.js';
import { SyncClient } from './sync/client.js';

export async function backgroundSync() {
  const windows = await self.clients.matchAll({ type: 'window' });
  if (windows.length) return; // an open page runs its own scheduler
  const db = await openDb();
  try {
    const client = new SyncClient({ db, transport: createTransport(db) });
    const result = await client.sync('background-sync');
    if (!result.ok && result.retry) throw new Error('sync failed; retry later');
  } finally {
    db.close();
  }
}
