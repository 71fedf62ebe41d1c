// This device's Web Push subscription (issue 13): whether the browser can have one, turning it on
// (permission asked only then, from the tap on "Turn on notifications on this device") and off.
// The server's id for it is kept in meta, so sign-out (session.js) can delete it on the server
// before the token goes. The inbox (data/inbox.js) does not need any of this: it is read from the
// server, so it works in browsers that cannot receive pushes.
import { getMeta, setMeta } from './db.js';
import { META } from './meta-keys.js';

/** What the page can tell about the browser, read from it (pushSupport takes these, so tests can hand in others). */
export function browserFacts(g = globalThis) {
  const nav = g.navigator || {};
  return {
    userAgent: nav.userAgent || '',
    platform: nav.platform || '',
    maxTouchPoints: nav.maxTouchPoints || 0,
    standalone: !!(nav.standalone || g.matchMedia?.('(display-mode: standalone)').matches),
    serviceWorker: 'serviceWorker' in nav,
    pushManager: 'PushManager' in g,
    notification: 'Notification' in g,
    permission: g.Notification?.permission || 'default',
  };
}

/**
 * Whether this browser can receive pushes here, and if not, why (each reason has its words on the
 * settings screen): 'ios-browser' (an iPhone or iPad receives them only in the app added to its home
 * screen), 'unsupported' (no Push API), 'denied' (the user blocked notifications for the site), or
 * 'ok'.
 */
export function pushSupport(f = browserFacts()) {
  // iPadOS asks for desktop pages and says it is a Mac: a Mac with a touch screen is an iPad.
  const ios = /iPhone|iPad|iPod/.test(f.userAgent) || (f.platform === 'MacIntel' && f.maxTouchPoints > 1);
  if (ios && !f.standalone) return 'ios-browser';
  if (!f.serviceWorker || !f.pushManager || !f.notification) return 'unsupported';
  if (f.permission === 'denied') return 'denied';
  return 'ok';
}

/** The server's VAPID public key (base64url of the uncompressed P-256 point) as the bytes subscribe() takes. */
export function keyBytes(base64url) {
  const b64 = base64url.replace(/-/g, '+').replace(/_/g, '/');
  const raw = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  return Uint8Array.from(raw, (c) => c.charCodeAt(0));
}

function withTimeout(promise, ms, fallback) {
  let timer;
  const late = new Promise((resolve) => { timer = setTimeout(() => resolve(fallback), ms); });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

async function browserSubscription(ms = 3000) {
  if (!('serviceWorker' in navigator) || !('PushManager' in globalThis)) return null;
  const reg = await withTimeout(navigator.serviceWorker.ready, ms, null);
  return reg ? reg.pushManager.getSubscription() : null;
}

/** On when the server knows this device's subscription and the browser still has it. */
export async function pushIsOn(db) {
  const kept = await getMeta(db, META.PUSH_SUBSCRIPTION);
  if (!kept) return false;
  const sub = await browserSubscription().catch(() => null);
  return !!sub && sub.endpoint === kept.endpoint;
}

/**
 * Turn pushes on for this device: ask for permission (only ever from a tap), subscribe with the
 * server's key, and send the subscription. {ok: true} or {ok: false, problem} where problem is one
 * of 'dismissed', 'denied', 'offline', 'push_service' (the browser's push service could not be
 * reached) or 'server' (with the server's answer in `res`, or none if the request failed).
 */
export async function turnOnPush(db, transport) {
  const permission = await Notification.requestPermission();
  if (permission !== 'granted') return { ok: false, problem: permission === 'denied' ? 'denied' : 'dismissed' };
  if (!navigator.onLine) return { ok: false, problem: 'offline' };
  const key = await transport.request('GET', '/api/push/vapid-public-key').catch(() => null);
  if (key?.status !== 200 || !key.body?.public_key) return { ok: false, problem: 'server', res: key };
  const applicationServerKey = keyBytes(key.body.public_key);
  const reg = await navigator.serviceWorker.ready;
  let sub;
  try {
    sub = await subscribe(reg, applicationServerKey);
  } catch (err) {
    console.warn('push subscribe failed', err);
    return { ok: false, problem: 'push_service' };
  }
  const res = await transport.request('POST', '/api/push/subscriptions', sub.toJSON()).catch(() => null);
  if (res?.status !== 201 && res?.status !== 200) return { ok: false, problem: 'server', res };
  await setMeta(db, META.PUSH_SUBSCRIPTION, { id: res.body.id, endpoint: res.body.endpoint || sub.endpoint });
  return { ok: true };
}

async function subscribe(reg, applicationServerKey) {
  try {
    return await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey });
  } catch (err) {
    // Subscribed before with another key (the server's key was replaced): start again with this one.
    if (err?.name !== 'InvalidStateError') throw err;
    await (await reg.pushManager.getSubscription())?.unsubscribe();
    return reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey });
  }
}

/**
 * Turn pushes off for this device: delete the subscription on the server (when online) and in the
 * browser. Never throws and never waits long (sign-out must go ahead offline): the server also drops
 * a subscription whose push service answers that it is gone. True if the server forgot it (or never
 * knew it).
 */
export async function turnOffPush(db, transport, { timeoutMs = 3000 } = {}) {
  const kept = await getMeta(db, META.PUSH_SUBSCRIPTION).catch(() => null);
  let forgotten = !kept;
  if (kept && navigator.onLine) {
    const res = await withTimeout(
      transport.request('DELETE', `/api/push/subscriptions/${encodeURIComponent(kept.id)}`).catch(() => null), timeoutMs, null);
    forgotten = res?.status === 204 || res?.status === 404;
  }
  if (forgotten) await setMeta(db, META.PUSH_SUBSCRIPTION, null).catch(() => {});
  await withTimeout(browserSubscription(timeoutMs).then((sub) => sub?.unsubscribe()).catch(() => null), timeoutMs, null);
  return forgotten;
}
