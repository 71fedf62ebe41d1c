// The in-app inbox (issue 13): the notifications the server keeps for the user, newest first, whether
// or not this browser can receive pushes. It lives on the server (GET /api/notifications), so reading
// it and marking one read need a connection; the list as last read is kept in meta to show offline
// and to count the unread for the home screen's badge without waiting for the network.
import { getMeta, setMeta } from '../db.js';
import { META } from '../meta-keys.js';
import { nowIso } from '../lib/clock.js';

/** Notifications go to the coaches and leads of a team (server: team_recipients), and rota reminders
 * to whichever member is on the rota (server: rota/reminders.py): the teams whose notifications the
 * user can choose, in the order of /api/me, a team they only belong to marked `rota_only`. */
export function notifiableTeams(me) {
  const mine = me?.teams || [];
  const teams = [...(me?.coached_teams || []).map((t) => (mine.some((u) => u.id === t.id) ? t : { ...t, coach_only: true })),
    ...mine.filter((t) => t.role === 'lead')];
  const full = teams.filter((t, i) => teams.findIndex((u) => u.id === t.id) === i);
  const member = mine.filter((t) => !full.some((u) => u.id === t.id)).map((t) => ({ ...t, rota_only: true }));
  return [...full, ...member];
}

/** The kinds of notification a team of notifiableTeams can send this user: only members are on its rota. */
export const ROTA_TYPE = 'rota_reminder';
export function typesFor(team, types) {
  if (team.rota_only) return types.filter((t) => t.type === ROTA_TYPE);
  return team.coach_only ? types.filter((t) => t.type !== ROTA_TYPE) : types;
}

export const unreadCount = (notifications) => (notifications || []).filter((n) => !n.read_at).length;

const byNewest = (list) => [...list].sort((a, b) => String(b.created_at).localeCompare(String(a.created_at)));

async function keep(app, notifications) {
  const kept = { notifications: byNewest(notifications), fetched_at: nowIso() };
  await setMeta(app.db, META.INBOX, kept);
  app.unread = unreadCount(kept.notifications);
  return kept;
}

/** The inbox as last read: {notifications, fetched_at} (fetched_at null: never read on this device). */
export async function cachedInbox(app) {
  const kept = (await getMeta(app.db, META.INBOX)) || { notifications: [], fetched_at: null };
  app.unread = unreadCount(kept.notifications);
  return kept;
}

let reading = null;
/** Read the inbox from the server and keep it; null if offline or the server did not answer. One
 * request at a time: a home screen drawn twice while it is under way waits for the same one. */
export function fetchInbox(app) {
  if (!navigator.onLine || !app.transport) return Promise.resolve(null);
  reading ||= app.transport.request('GET', '/api/notifications')
    .then((res) => (res.status === 200 && Array.isArray(res.body?.notifications) ? keep(app, res.body.notifications) : null))
    .catch(() => null)
    .finally(() => { reading = null; });
  return reading;
}

/** The inbox as kept, refreshed in the background when online; `onChange` runs if the server's differs. */
export async function inboxInBackground(app, onChange) {
  const kept = await cachedInbox(app);
  fetchInbox(app).then((fresh) => {
    if (fresh && JSON.stringify(fresh.notifications) !== JSON.stringify(kept.notifications)) onChange?.(fresh);
  });
  return kept;
}

/** Mark one read on the server and in the kept list; false if the server could not be told (offline). */
export async function markRead(app, id) {
  const res = navigator.onLine
    ? await app.transport.request('POST', `/api/notifications/${encodeURIComponent(id)}/read`).catch(() => null)
    : null;
  if (res?.status !== 200) return false;
  const kept = await cachedInbox(app);
  const read = res.body?.read_at || nowIso();
  await keep(app, kept.notifications.map((n) => (n.id === id ? { ...n, ...(res.body || {}), read_at: n.read_at || read } : n)));
  return true;
}
