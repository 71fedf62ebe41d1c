// Sign in, sign out and the revoked-device wipe.
import { getMeta, setMeta, wipe } from './db.js';
import * as outbox from './sync/outbox.js';
import { META } from './meta-keys.js';
import { turnOffPush } from './push.js';

export function defaultDeviceName(ua = globalThis.navigator?.userAgent || '') {
  const browser = /Edg\//.test(ua) ? 'Edge' : /Firefox\//.test(ua) ? 'Firefox'
    : /Chrome\/|Chromium\//.test(ua) ? 'Chrome' : /Safari\//.test(ua) ? 'Safari' : 'Browser';
  const os = /Android/.test(ua) ? 'Android' : /iPhone/.test(ua) ? 'iPhone' : /iPad/.test(ua) ? 'iPad'
    : /Windows/.test(ua) ? 'Windows' : /Mac OS X/.test(ua) ? 'Mac' : /Linux/.test(ua) ? 'Linux' : 'this device';
  return `${browser} on ${os}`;
}

/** This browser's device key (META.DEVICE_KEY), made the first time it is needed: 256 random bits. */
export async function deviceKey(db) {
  const kept = await getMeta(db, META.DEVICE_KEY);
  if (kept) return kept;
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(32));
  const key = btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  await setMeta(db, META.DEVICE_KEY, key);
  return key;
}

/** Log in and register this device. */
export async function login(db, transport, { email, password, device_name }) {
  const res = await transport.request('POST', '/api/auth/login', { email, password, device_name, device_key: await deviceKey(db) });
  if (res.status !== 200) return { ok: false, res };
  return { ok: true, user: await adopt(db, transport, res.body) };
}

/**
 * Keep a sign-in the server answered (a person's, or a board display's made for this screen by a
 * lead). Queued changes kept from an earlier session of the same user are renumbered for the new
 * device id; another user's are discarded.
 */
async function adopt(db, transport, { token, device_id, user }) {
  const owner = await getMeta(db, META.OUTBOX_OWNER);
  const queued = await outbox.count(db);
  await wipe(db, { keepOutbox: queued > 0 && owner === user.id });
  await setMeta(db, META.SESSION, { token, device_id, user });
  if (queued > 0 && owner === user.id) {
    await outbox.renumber(db, 1, device_id);
  } else {
    await setMeta(db, META.NEXT_MUTATION_ID, 1);
  }
  await setMeta(db, META.OUTBOX_OWNER, user.id);
  await refreshMe(db, transport);
  return user;
}

/** Accept an invitation or a password-reset link: the server answers as a sign-in does. */
export async function acceptInvitation(db, transport, token, { password, device_name }) {
  const res = await transport.request('POST', `/api/invitations/${encodeURIComponent(token)}/accept`,
    { password, device_name, device_key: await deviceKey(db) });
  if (res.status !== 200) return { ok: false, res };
  return { ok: true, user: await adopt(db, transport, res.body) };
}

/** Hand this screen over to the board display's sign-in a lead made for it: the lead is signed
 * out here first (token revoked, their data wiped), so the display starts from nothing. */
export async function handOver(db, transport, displaySignIn) {
  await logout(db, transport);
  return adopt(db, transport, displaySignIn);
}

export async function refreshMe(db, transport) {
  const res = await transport.request('GET', '/api/me');
  if (res.status === 200) await setMeta(db, META.ME, res.body);
  return res;
}

/** Sign out: this device's push subscription goes first (deleting it on the server needs the token;
 * offline it is only unsubscribed here, without waiting long), then the token is revoked if the
 * server can be reached, then everything is wiped. */
export async function logout(db, transport) {
  await turnOffPush(db, transport);
  try {
    await transport.request('POST', '/api/auth/logout');
  } catch {
    /* offline: the device still forgets the token; an admin can revoke it later */
  }
  await wipe(db, { keepOutbox: false });
}

export async function currentSession(db) {
  return getMeta(db, META.SESSION);
}
