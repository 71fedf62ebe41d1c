// The audit log (issue 15, administrators): every administrative change and security event, newest
// first, filtered by kind, person and date, a page at a time, and downloadable as CSV with the same
// filters. Read only: nobody can change or delete an event. Loaded with import().
import { errorMessage } from '../api.js';
import { h, link } from '../ui/h.js';
import { call, isAdmin } from '../data/admin.js';
import { downloadFrom } from '../ui/download.js';
import { adminGate, adminPage, textField, selectField } from './admin.js';
import { formatTime } from '../lib/dates.js';

// The families of actions, as the server names them (server/audit/operations.py ACTIONS).
const FAMILIES = [['', 'Everything'], ['user.', 'People'], ['membership.', 'Team memberships'], ['coach.', 'Coach assignments'],
  ['board.', 'Boards'], ['board_lead.', 'Board leads'], ['team.', 'Teams'], ['device.', 'Devices'], ['display.', 'Board displays'],
  ['sign_in.', 'Sign-ins'], ['password.', 'Passwords'], ['invitation.', 'Invitations']];

const detailText = (details) => Object.entries(details || {}).filter(([, v]) => v !== null && v !== '')
  .map(([k, v]) => `${k.replaceAll('_', ' ')}: ${typeof v === 'object' ? JSON.stringify(v) : v}`).join('; ');

export async function AuditScreen(app) {
  const title = 'Audit log';
  const gate = adminGate(app, title);
  if (gate) return gate;
  if (!isAdmin(app)) return adminPage(app, title, h('p', null, 'Only administrators read the audit log.'));
  const query = new URLSearchParams(location.search);
  const filters = new URLSearchParams();
  for (const key of ['action', 'since', 'actor_id']) if (query.get(key)) filters.set(key, key === 'since' ? `${query.get(key)}T00:00:00Z` : query.get(key));
  const page = new URLSearchParams(filters);
  if (query.get('before_id')) page.set('before_id', query.get('before_id'));
  page.set('limit', '100');
  const res = await call(app, 'GET', `/api/audit?${page}`);

  const form = h('form', { class: 'form admin-filters', 'aria-label': 'Filters', method: 'get', action: '/admin/audit' },
    h('div', { class: 'board__form-row' },
      selectField('audit-action', 'What', FAMILIES, query.get('action') || '', { name: 'action' }),
      textField('audit-since', 'Since', query.get('since') || '', { name: 'since', type: 'date', class: 'input input--date' }),
      textField('audit-actor', 'Who (the id on their page)', query.get('actor_id') || '', { name: 'actor_id', spellcheck: 'false' })),
    h('button', { type: 'submit', class: 'button button--secondary' }, 'Show'));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const chosen = new URLSearchParams();
    for (const [k, v] of new FormData(form)) if (v) chosen.set(k, String(v).trim());
    app.navigate(`/admin/audit${chosen.size ? `?${chosen}` : ''}`);
  });

  const status = h('p', { class: 'hint-text', role: 'status' });
  const download = h('button', {
    type: 'button', class: 'button button--secondary', 'data-testid': 'download-audit',
    onclick: async () => {
      status.textContent = 'Preparing the download…';
      try {
        status.textContent = `Downloaded ${await downloadFrom(app, `/api/audit.csv${filters.size ? `?${filters}` : ''}`, 'audit-log.csv')}.`;
      } catch {
        status.textContent = 'The download failed. Try again in a moment.';
      }
    },
  }, 'Download CSV');

  if (res.status !== 200) return adminPage(app, title, form, h('p', { class: 'error-message' }, errorMessage(res, 'The log could not be read.')));
  const { events, next_before_id: older } = res.body;
  // The people named on this page (a page holds a handful), by their details.
  const ids = [...new Set(events.flatMap((e) => [e.actor_id, e.target_type === 'user' ? e.target_id : null]).filter(Boolean))].slice(0, 40);
  const names = new Map((await Promise.all(ids.map((id) => call(app, 'GET', `/api/users/${id}`))))
    .filter((r) => r.status === 200).map((r) => [r.body.id, r.body.name]));
  const person = (id) => link(`/admin/people/${id}`, names.get(id) || 'Unknown');
  const olderQuery = new URLSearchParams(query);
  if (older) olderQuery.set('before_id', String(older));
  return adminPage(app, title,
    h('p', null, 'Every administrative change and security event, newest first. Kept for at least two years; nobody can change or delete it.'),
    form, h('div', { class: 'button-group' }, download), status,
    events.length ? h('div', { class: 'table-scroll' }, h('table', { class: 'table', 'data-testid': 'audit-events' },
      h('caption', { class: 'visually-hidden' }, 'Events'),
      h('thead', null, h('tr', null, ['When', 'What', 'Who', 'About', 'Details'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', null, events.map((e) => h('tr', { 'data-action': e.action },
        h('td', null, h('time', { datetime: e.at }, formatTime(e.at))),
        h('th', { scope: 'row' }, e.action),
        h('td', null, e.actor_id ? person(e.actor_id) : 'Nobody signed in'),
        h('td', null, e.target_type === 'user' && e.target_id ? person(e.target_id) : e.target_type),
        h('td', { class: 'audit__details' }, detailText(e.details)))))))
      : h('p', null, 'No events match.'),
    older ? h('p', null, link(`/admin/audit?${olderQuery}`, 'Older events', { class: 'block-link' })) : '');
}
