// Administration (issue 15): boards, teams, people, invitations and the audit log live on the
// server, not on the device, so the /admin screens read and write them online only. What they share:
// the request, a search over people that copes with thousands, and the words for roles (their
// controls: ui/admin.js).
import { errorMessage } from '../api.js';
import { rawFetch } from './team.js';

export const ROLE_WORDS = { staff: 'Staff', coach: 'Coach', board_lead: 'Board lead', admin: 'Administrator', display: 'Board display' };
export const TEAM_ROLE_WORDS = { member: 'Member', lead: 'Lead' };

/** Admins and board leads (for their own board) administer; the server checks every request again. */
export const administers = (app) => ['admin', 'board_lead'].includes(app.me?.role);
export const isAdmin = (app) => app.me?.role === 'admin';

/** {status, body} of a JSON request; a network failure is status 0 with the words for it. */
export async function call(app, method, path, body) {
  try {
    return await app.transport.request(method, path, body);
  } catch {
    return { status: 0, body: { error: { message: navigator.onLine ? 'Could not reach Valueboard. Try again in a moment.' : 'You are offline. Connect to the internet and try again.' } } };
  }
}

/** A request whose body is a file (CSV in), read back as JSON. */
export async function sendFile(app, path, file) {
  try {
    const body = new FormData();
    body.append('file', file);
    const res = await rawFetch(app, 'POST', path, body);
    let data = null;
    try { data = await res.json(); } catch { /* not JSON */ }
    return { status: res.status, body: data };
  } catch {
    return { status: 0, body: { error: { message: 'Could not reach Valueboard. Check the connection and try again.' } } };
  }
}

/** People whose name or email holds `q`, a page at a time (`cursor`: the previous page's next_cursor). */
export async function searchPeople(app, { q = '', role = '', cursor = '', limit = 25 } = {}) {
  const query = new URLSearchParams(Object.entries({ q, role, cursor, limit: String(limit) }).filter(([, v]) => v));
  const res = await call(app, 'GET', `/api/users?${query}`);
  return res.status === 200 ? { users: res.body.users, next: res.body.next_cursor || null } : { users: [], next: null, problem: errorMessage(res) };
}

