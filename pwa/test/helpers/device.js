// A simulated device: its own IndexedDB (fake-indexeddb), a session and a sync client.
import 'fake-indexeddb/auto';
import { openDb, setMeta } from '../../src/db.js';
import { SyncClient } from '../../src/sync/client.js';
import { fakeTransport } from './fake-server.js';
import { META } from '../../src/meta-keys.js';

let n = 0;

export async function makeDevice(server, { userId = 'u1', clientId, teams = [{ id: 't1', name: 'Ward 1' }], ...opts } = {}) {
  const name = `test-db-${process.pid}-${++n}`;
  const db = await openDb(name);
  const device_id = clientId || `dev-${n}`;
  const token = `tok-${device_id}`;
  server.tokens.set(token, { client_id: device_id, user_id: userId });
  const session = { token, device_id, user: { id: userId, name: 'Test', email: 't@x', role: 'staff' } };
  await setMeta(db, META.SESSION, session);
  await setMeta(db, META.ME, { id: userId, teams, coached_teams: [] });
  await setMeta(db, META.OUTBOX_OWNER, userId);
  const transport = fakeTransport(server, async () => token);
  const statuses = [];
  const client = new SyncClient({ db, transport, onStatus: (s) => statuses.push(s.state), ...opts });
  return { db, session, token, transport, client, statuses, name };
}
