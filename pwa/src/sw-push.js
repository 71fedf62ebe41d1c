// Web Push in the service worker: what a push shows, and where tapping it goes. sw.js only wires
// the `push` and `notificationclick` events to these; they take the worker's `registration` and
// `clients` as arguments so the unit tests can hand in fakes (test/sw-push.test.js).
//
// A push's payload is the server's JSON {type, team_id, code?, title, body, url[, id]} (issue 13);
// `url` is a path in the app. Only a path on this origin is ever opened: a payload is data from the
// network, and a notification that opened any address it named would be a phishing link.

const ICON = '/icons/icon-192.png';
const FALLBACK_TITLE = 'Valueboard';

/** The same-origin path (with its query and fragment) `url` names, or '/' for anything else. */
export function safePath(url, origin) {
  if (typeof url !== 'string' || !url) return '/';
  try {
    const u = new URL(url, origin);
    if (u.origin !== origin) return '/';
    return u.pathname + u.search + u.hash;
  } catch {
    return '/';
  }
}

/** The push's payload as an object; a push without one, or with text that is not JSON, shows its text. */
export function readPayload(data) {
  if (!data) return {};
  try {
    const value = data.json();
    return value && typeof value === 'object' ? value : {};
  } catch {
    const text = typeof data.text === 'function' ? data.text() : '';
    return text ? { body: text } : {};
  }
}

/**
 * showNotification's arguments for a payload. The tag is the event's own (type, team, measure or
 * milestone code), so the same event pushed again (a retry after quiet hours) replaces the one shown
 * instead of stacking a second copy.
 */
export function notificationFor(payload, origin) {
  const p = payload || {};
  const tag = ['vb', p.type, p.team_id, p.code].filter((x) => typeof x === 'string' && x).join(':');
  const data = { url: safePath(p.url, origin) };
  if (typeof p.id === 'string') data.id = p.id;
  return {
    title: typeof p.title === 'string' && p.title.trim() ? p.title : FALLBACK_TITLE,
    options: { body: typeof p.body === 'string' ? p.body : '', data, tag, icon: ICON },
  };
}

/** The push event: show it (a push the user cannot see is not allowed: userVisibleOnly), and tell
 * open pages so their inbox badge counts it without waiting for the next visit. */
export async function showPush(registration, clients, data, origin) {
  const { title, options } = notificationFor(readPayload(data), origin);
  await registration.showNotification(title, options);
  const open = await clients.matchAll({ type: 'window', includeUncontrolled: true });
  for (const client of open) client.postMessage({ type: 'PUSHED' });
}

/** Of the app's open windows, the one to bring forward: the focused one, else a visible one, else the first. */
export function pickClient(windows, origin) {
  const ours = windows.filter((c) => {
    try { return new URL(c.url).origin === origin; } catch { return false; }
  });
  return ours.find((c) => c.focused) || ours.find((c) => c.visibilityState === 'visible') || ours[0] || null;
}

/**
 * A tap on a notification: close it, then bring an open window of the app forward and have it open
 * the notification's path (the page routes it itself, keeping whatever it holds, see app.js's
 * OPEN_URL); with no window open, open one at that path.
 */
export async function openNotification(notification, clients, origin) {
  notification.close();
  const url = safePath(notification.data?.url, origin);
  const id = typeof notification.data?.id === 'string' ? notification.data.id : null;
  const client = pickClient(await clients.matchAll({ type: 'window', includeUncontrolled: true }), origin);
  if (client) {
    const focused = await client.focus().catch(() => client);
    (focused || client).postMessage({ type: 'OPEN_URL', url, id });
    return { focused: client, url };
  }
  await clients.openWindow(url);
  return { opened: url };
}
