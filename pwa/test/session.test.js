// The browser's device key (issue 17): made once, sent with every sign-in, kept through sign-outs,
// so the server can tell this person's own device from someone guessing their password elsewhere.
import 'fake-indexeddb/auto';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openDb, getMeta } from '../src/db.js';
import { META } from '../src/meta-keys.js';
import { acceptInvitation, login, logout } from '../src/session.js';

let n = 0;

function fakeServer() {
  const sent = [];
  return {
    sent,
    async request(method, path, body) {
      if (body) sent.push({ path, body });
      if (path === '/api/auth/login' || path.endsWith('/accept')) {
        return { status: 200, body: { token: `t${sent.length}`, device_id: `d${sent.length}`, user: { id: 'u1' } } };
      }
      return path === '/api/me' ? { status: 200, body: { id: 'u1', teams: [] } } : { status: 204, body: null };
    },
  };
}

test('every sign-in sends the same device key, and signing out keeps it', async () => {
  const db = await openDb(`session-test-${process.pid}-${++n}`);
  const server = fakeServer();
  await login(db, server, { email: 'a@example.org', password: 'pw', device_name: 'Phone' });
  const key = server.sent[0].body.device_key;
  assert.match(key, /^[A-Za-z0-9_-]{43}$/);
  await logout(db, server);
  assert.equal(await getMeta(db, META.SESSION), undefined);
  assert.equal(await getMeta(db, META.DEVICE_KEY), key);
  await login(db, server, { email: 'b@example.org', password: 'pw', device_name: 'Phone' });
  await acceptInvitation(db, server, 'tok', { password: 'a long new password', device_name: 'Phone' });
  assert.deepEqual(server.sent.map((s) => s.body.device_key), [key, key, key]);
});

test('each browser has its own key', async () => {
  const keys = [];
  for (const _ of [1, 2]) {
    const db = await openDb(`session-test-${process.pid}-${++n}`);
    const server = fakeServer();
    await login(db, server, { email: 'a@example.org', password: 'pw', device_name: 'Phone' });
    keys.push(server.sent[0].body.device_key);
  }
  assert.notEqual(keys[0], keys[1]);
});
