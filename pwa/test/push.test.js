// This device's push subscription (src/push.js): which browsers can have one and why not, the VAPID
// key's bytes, and turning it off, which sign-out does before the token goes, without waiting on
// the network when offline.
import 'fake-indexeddb/auto';
import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { openDb, getMeta, setMeta } from '../src/db.js';
import { META } from '../src/meta-keys.js';
import { pushSupport, keyBytes, turnOffPush, pushIsOn } from '../src/push.js';
import { logout } from '../src/session.js';

const CHROME_ANDROID = 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36';
const IPHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';
const IPAD_AS_MAC = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15';
const facts = (over = {}) => ({
  userAgent: CHROME_ANDROID, platform: 'Linux armv8l', maxTouchPoints: 5, standalone: false,
  serviceWorker: true, pushManager: true, notification: true, permission: 'default', ...over,
});

test('a browser with the Push API can have pushes, unless the user blocked notifications', () => {
  assert.equal(pushSupport(facts()), 'ok');
  assert.equal(pushSupport(facts({ permission: 'granted' })), 'ok');
  assert.equal(pushSupport(facts({ permission: 'denied' })), 'denied');
  assert.equal(pushSupport(facts({ pushManager: false })), 'unsupported');
  assert.equal(pushSupport(facts({ serviceWorker: false })), 'unsupported');
  assert.equal(pushSupport(facts({ notification: false })), 'unsupported');
});

test('an iPhone or iPad gets pushes only in the app added to its home screen', () => {
  const iphone = { userAgent: IPHONE, platform: 'iPhone', pushManager: false, notification: false };
  assert.equal(pushSupport(facts(iphone)), 'ios-browser');
  assert.equal(pushSupport(facts({ ...iphone, standalone: true, pushManager: true, notification: true })), 'ok');
  // iPadOS says it is a Mac; its touch screen gives it away. A real Mac is not asked to install.
  assert.equal(pushSupport(facts({ userAgent: IPAD_AS_MAC, platform: 'MacIntel', maxTouchPoints: 5 })), 'ios-browser');
  assert.equal(pushSupport(facts({ userAgent: IPAD_AS_MAC, platform: 'MacIntel', maxTouchPoints: 0 })), 'ok');
});

test('the VAPID key (base64url, no padding) becomes its 65 bytes', () => {
  const bytes = new Uint8Array(65).map((_, i) => (i * 37 + 4) % 256);
  bytes[0] = 4;
  const b64url = Buffer.from(bytes).toString('base64url');
  assert.ok(!b64url.includes('=') && /[-_]/.test(b64url), 'the sample key uses the URL-safe letters');
  assert.deepEqual([...keyBytes(b64url)], [...bytes]);
});

// ---- turning off (and sign-out) with a fake browser ----

let n = 0;
const saved = {};
for (const k of ['navigator', 'PushManager']) saved[k] = Object.getOwnPropertyDescriptor(globalThis, k);
afterEach(() => {
  for (const [k, d] of Object.entries(saved)) {
    if (d) Object.defineProperty(globalThis, k, d);
    else delete globalThis[k];
  }
});

/** A browser holding `endpoint`'s subscription (or none); `ready: false`: the service worker never gets ready. */
function fakeBrowser({ onLine = true, endpoint = 'https://fcm.googleapis.com/fcm/send/abc', ready = true } = {}) {
  const state = { subscription: null, unsubscribed: 0 };
  if (endpoint) state.subscription = { endpoint, unsubscribe: async () => { state.unsubscribed += 1; state.subscription = null; return true; } };
  const reg = { pushManager: { getSubscription: async () => state.subscription } };
  Object.defineProperty(globalThis, 'navigator', {
    value: { onLine, serviceWorker: { ready: ready ? Promise.resolve(reg) : new Promise(() => {}) } }, configurable: true, writable: true,
  });
  globalThis.PushManager = function PushManager() {};
  return state;
}

function fakeTransport(answers = {}) {
  const calls = [];
  return {
    calls,
    async request(method, path) {
      calls.push(`${method} ${path}`);
      const answer = answers[`${method} ${path}`];
      if (answer === 'hang') return new Promise(() => {});
      if (answer === 'fail') throw new TypeError('Failed to fetch');
      return answer || { status: 204, body: null };
    },
  };
}

async function deviceWithPush() {
  const db = await openDb(`push-test-${process.pid}-${++n}`);
  await setMeta(db, META.SESSION, { token: 't', device_id: 'd1', user: { id: 'u1' } });
  await setMeta(db, META.PUSH_SUBSCRIPTION, { id: 's1', endpoint: 'https://fcm.googleapis.com/fcm/send/abc' });
  return db;
}

test('turning off deletes the subscription on the server and in the browser, and forgets its id', async () => {
  const browser = fakeBrowser();
  const db = await deviceWithPush();
  assert.equal(await pushIsOn(db), true);
  const transport = fakeTransport();
  assert.equal(await turnOffPush(db, transport), true);
  assert.deepEqual(transport.calls, ['DELETE /api/push/subscriptions/s1']);
  assert.equal(browser.unsubscribed, 1);
  assert.equal(await getMeta(db, META.PUSH_SUBSCRIPTION), null);
  assert.equal(await pushIsOn(db), false);
});

test('a server that cannot be reached keeps the id (to delete later) but the browser stops receiving', async () => {
  const browser = fakeBrowser();
  const db = await deviceWithPush();
  assert.equal(await turnOffPush(db, fakeTransport({ 'DELETE /api/push/subscriptions/s1': 'fail' })), false);
  assert.equal(browser.unsubscribed, 1);
  assert.deepEqual(await getMeta(db, META.PUSH_SUBSCRIPTION), { id: 's1', endpoint: 'https://fcm.googleapis.com/fcm/send/abc' });
});

test('sign-out deletes the push subscription before the token is revoked, then wipes', async () => {
  fakeBrowser();
  const db = await deviceWithPush();
  const transport = fakeTransport({ 'POST /api/auth/logout': { status: 204, body: null } });
  await logout(db, transport);
  assert.deepEqual(transport.calls, ['DELETE /api/push/subscriptions/s1', 'POST /api/auth/logout']);
  assert.equal(await getMeta(db, META.SESSION), undefined);
  assert.equal(await getMeta(db, META.PUSH_SUBSCRIPTION), undefined);
});

test('offline, sign-out sends nothing for the subscription and is not held up by it', async () => {
  const browser = fakeBrowser({ onLine: false });
  const db = await deviceWithPush();
  const transport = fakeTransport({ 'POST /api/auth/logout': 'fail' });
  await logout(db, transport);
  assert.deepEqual(transport.calls, ['POST /api/auth/logout']);
  assert.equal(browser.unsubscribed, 1);
  assert.equal(await getMeta(db, META.SESSION), undefined);
});

test('a service worker that never gets ready, or a server that never answers, does not hold turning off up', async () => {
  fakeBrowser({ ready: false });
  const db = await deviceWithPush();
  assert.equal(await turnOffPush(db, fakeTransport({ 'DELETE /api/push/subscriptions/s1': 'hang' }), { timeoutMs: 5 }), false);
});

test('with push never turned on, sign-out asks the server nothing about it', async () => {
  fakeBrowser({ endpoint: null });
  const db = await openDb(`push-test-${process.pid}-${++n}`);
  const transport = fakeTransport();
  await logout(db, transport);
  assert.deepEqual(transport.calls, ['POST /api/auth/logout']);
});
