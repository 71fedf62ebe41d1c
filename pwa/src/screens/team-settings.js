// The team's vision statement and huddle day and time, shown on its board. They are settings of
// the team on the server (PATCH /api/teams/<id>, leads and admins), not synced records, so changing
// them needs a connection; every device keeps the copy it last read (data/team.js) to show offline.
// Loaded with the board (screens/board.js).
import { h, link } from '../ui/h.js';
import { errorMessage } from '../api.js';
import { teamSettings, keepTeamSettings, canChangeTeamSettings } from '../data/team.js';
import { teamNameOf, HUDDLE_DAYS } from '../data/huddles.js';

const VISION_MAX = 2000;
const FIELDS = { vision_statement: 'Vision statement', huddle_day: 'Huddle day', huddle_time: 'Huddle time' };

export async function TeamSettingsScreen(app) {
  const teamId = app.params[0];
  const title = 'Vision and huddle time';
  const board = `/teams/${teamId}/board`;
  const back = h('p', null, link(board, 'Back to the board'));
  const current = await teamSettings(app, teamId, () => app.refreshUnlessBusy());
  if (!canChangeTeamSettings(app, teamId)) {
    return h('div', null, h('h1', null, title),
      h('p', null, 'Your team lead sets the vision statement and the huddle day and time.'), back);
  }
  const vision = h('textarea', { class: 'textarea', id: 'vision_statement', name: 'vision_statement', rows: 3, 'aria-describedby': 'vision_statement-hint' }, current.vision_statement || '');
  const day = h('select', { class: 'select', id: 'huddle_day', name: 'huddle_day' },
    h('option', { value: '' }, 'Not set'),
    HUDDLE_DAYS.map((d) => h('option', { value: d, selected: d === current.huddle_day }, d[0].toUpperCase() + d.slice(1))));
  const time = h('input', { class: 'input input--width-4', type: 'time', id: 'huddle_time', name: 'huddle_time', value: current.huddle_time || '' });
  const problem = h('div', { class: 'error-message', role: 'alert', 'data-testid': 'settings-problem' });
  const save = h('button', { type: 'submit', class: 'button' }, 'Save');
  const offline = h('p', { class: 'warning', 'data-testid': 'needs-connection' });
  const stop = () => {
    window.removeEventListener('online', showNetwork);
    window.removeEventListener('offline', showNetwork);
  };
  function showNetwork(event) {
    if (event && !save.isConnected) return stop();
    offline.textContent = navigator.onLine
      ? 'These are saved on the server straight away, so saving needs a connection.'
      : 'You are offline. These are saved on the server, not on this device: connect to the internet to save them.';
    save.disabled = !navigator.onLine;
  }
  showNetwork();
  window.addEventListener('online', showNetwork);
  window.addEventListener('offline', showNetwork);

  const form = h('form', { novalidate: true },
    offline,
    h('div', { class: 'form-group' },
      h('label', { class: 'label', for: 'vision_statement' }, FIELDS.vision_statement),
      h('p', { class: 'hint-text', id: 'vision_statement-hint' }, `What the team is working towards, in its own words. Up to ${VISION_MAX.toLocaleString('en-GB')} characters.`),
      vision),
    h('div', { class: 'board__form-row' },
      h('div', { class: 'form-group' }, h('label', { class: 'label', for: 'huddle_day' }, FIELDS.huddle_day), day),
      h('div', { class: 'form-group' }, h('label', { class: 'label', for: 'huddle_time' }, FIELDS.huddle_time), time)),
    problem, save);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const changes = { vision_statement: vision.value.trim() || null, huddle_day: day.value || null, huddle_time: time.value || null };
    const n = [...(changes.vision_statement || '')].length;
    if (n > VISION_MAX) {
      problem.textContent = `Vision statement: use ${VISION_MAX.toLocaleString('en-GB')} characters or fewer (this is ${n.toLocaleString('en-GB')}).`;
      return vision.focus();
    }
    problem.textContent = '';
    save.disabled = true;
    const res = await app.transport.request('PATCH', `/api/teams/${encodeURIComponent(teamId)}`, changes).catch(() => null);
    save.disabled = !navigator.onLine;
    if (res?.status === 200) {
      await keepTeamSettings(app, res.body);
      return app.navigate(board, { replace: true, flash: 'Saved. Every device shows them once it is online.' });
    }
    const fields = Object.entries(res?.body?.error?.fields || {}).map(([k, v]) => `${FIELDS[k] || k}: ${[v].flat().join(' ')}`);
    problem.textContent = res ? [errorMessage(res), ...fields].join(' ') : 'The server could not be reached. Check the connection and try again.';
  });
  return h('div', { class: 'narrow' }, h('h1', null, title),
    h('p', null, `Shown at the top of ${teamNameOf(app, teamId)}’s board.`), form,
    h('p', null, link(`/teams/${teamId}/rota`, 'Weekly rota: who updates the box score and the board and runs the huddle', { class: 'block-link' })), back);
}
