// A team's weekly rota (issue 14): who updates the box score, who updates the board and who runs the
// huddle, taking turns week by week, so the lead shares the role and sets it up once. Everyone sees
// who is on this week (done or not, by the same rule as fidelity) and the next four; the team's leads
// choose the people, their order and the reminder day and time. The rota lives on the server (PUT
// /api/teams/<id>/rota): changing it needs a connection; the copy last read is kept for offline
// reading (data/kept.js). Loaded with import().
import { h, link } from '../ui/h.js';
import { errorMessage } from '../api.js';
import { longDay, weekStart } from '../lib/dates.js';
import { today } from '../lib/clock.js';
import { readKept } from '../data/kept.js';
import { teamRotaKey } from '../meta-keys.js';
import { setMeta } from '../db.js';
import { nowIso } from '../lib/clock.js';
import { teamsOf } from '../data/team.js';
import { HUDDLE_DAYS } from '../data/huddles.js';
import { keptNotice } from '../ui/kept-notice.js';
import { FlashMessage } from '../ui/flash.js';

const HEADINGS = { box_score: 'Box score', board: 'Board', huddle: 'Huddle' };
const capital = (text) => text[0].toUpperCase() + text.slice(1);

function doneText(done) {
  if (done === true) return h('span', { class: 'rota__done' }, ' — done');
  if (done === false) return h('span', { class: 'rota__todo' }, ' — not done yet');
  return '';
}

function whoIsOn(rota) {
  return h('div', { class: 'rota__scroll', role: 'region', 'aria-label': 'Who is on, week by week', tabindex: '0' }, h('table', { class: 'data-table rota__weeks', 'data-testid': 'rota-weeks' },
    h('caption', { class: 'visually-hidden' }, 'Who is on the rota this week and the next four weeks'),
    h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Week of'),
      rota.tasks.map((t) => h('th', { scope: 'col' }, HEADINGS[t.task])))),
    h('tbody', null, rota.weeks.map((w, i) => h('tr', { 'data-week': w.week_start },
      h('th', { scope: 'row' }, i === 0 ? ['This week', h('br'), longDay(w.week_start, { withYear: false })] : longDay(w.week_start, { withYear: false })),
      w.assignments.map((a) => h('td', { 'data-task': a.task },
        a.person ? [a.person.name, a.person.member ? '' : ' (left the team)'] : h('span', { class: 'hint-text' }, 'Nobody'),
        doneText(a.done))))))));
}

/** Each task's people in the order they take their turns, starting with whoever is on this week. */
function turnsFromThisWeek(rota, task) {
  const people = task.people;
  if (!people.length || !rota.start_week) return [...people];
  const weeks = Math.round((Date.parse(weekStart(today())) - Date.parse(rota.start_week)) / (7 * 86400000));
  const k = ((weeks % people.length) + people.length) % people.length;
  return [...people.slice(k), ...people.slice(0, k)];
}

function editor(app, teamId, rota, onSaved) {
  const chosen = {};
  const left = [];
  for (const task of rota.tasks) {
    const turns = turnsFromThisWeek(rota, task);
    left.push(...turns.filter((p) => !p.member).map((p) => p.name));
    chosen[task.task] = turns.filter((p) => p.member).map((p) => p.user_id);
  }
  const nameOf = Object.fromEntries(rota.members.map((m) => [m.user_id, m.name]));
  const problem = h('div', { class: 'error-message', role: 'alert', 'data-testid': 'rota-problem' });
  const lists = {};

  function drawTask(task) {
    const box = lists[task];
    const people = chosen[task];
    const label = rota.tasks.find((t) => t.task === task).label;
    // Which person and task a button is for, for screen readers (each list has the same buttons).
    const hidden = (uid) => h('span', { class: 'visually-hidden' }, ` for ${nameOf[uid]} (${label})`);
    const move = (from, to) => {
      const [p] = people.splice(from, 1);
      people.splice(to, 0, p);
      drawTask(task);
      box.querySelector(`[data-person="${p}"] button[data-move="${to < from ? 'up' : 'down'}"]`)?.focus();
    };
    const list = people.length
      ? h('ol', { class: 'rota__turns' }, people.map((uid, i) => h('li', { 'data-person': uid },
        h('span', { class: 'rota__name' }, nameOf[uid] || uid, i === 0 ? h('span', { class: 'hint-text' }, ' (this week)') : ''),
        h('span', { class: 'button-group' },
          i > 0 ? h('button', { type: 'button', class: 'button button--small button--secondary', 'data-move': 'up', onclick: () => move(i, i - 1) }, 'Move up', hidden(uid)) : '',
          i < people.length - 1 ? h('button', { type: 'button', class: 'button button--small button--secondary', 'data-move': 'down', onclick: () => move(i, i + 1) }, 'Move down', hidden(uid)) : '',
          h('button', {
            type: 'button', class: 'button button--small button--warning',
            onclick: () => { people.splice(i, 1); drawTask(task); box.querySelector('select')?.focus(); },
          }, 'Remove', hidden(uid))))))
      : h('p', { class: 'hint-text' }, 'Nobody yet.');
    const free = rota.members.filter((m) => !people.includes(m.user_id));
    const pick = h('select', { class: 'select', id: `add-${task}`, name: `add-${task}` },
      free.map((m) => h('option', { value: m.user_id }, m.name)));
    const add = free.length ? h('div', { class: 'rota__add' },
      h('label', { class: 'label', for: `add-${task}` }, `Add a person to “${label}”`),
      pick,
      h('button', {
        type: 'button', class: 'button button--small button--secondary', 'data-testid': `add-${task}`,
        onclick: () => { people.push(pick.value); drawTask(task); box.querySelector(`#add-${task}`)?.focus(); },
      }, 'Add')) : '';
    box.replaceChildren(list, add);
  }

  const fieldsets = rota.tasks.map((t) => {
    lists[t.task] = h('div', { 'data-testid': `turns-${t.task}` });
    drawTask(t.task);
    return h('fieldset', { class: 'fieldset rota__task' }, h('legend', { class: 'legend' }, `Who will ${t.label}`), lists[t.task]);
  });
  const day = h('select', { class: 'select', id: 'remind_day', name: 'remind_day' },
    HUDDLE_DAYS.map((d) => h('option', { value: d, selected: d === (rota.remind_day || 'monday') }, capital(d))));
  const time = h('input', { class: 'input input--width-4', type: 'time', id: 'remind_time', name: 'remind_time', value: rota.remind_time || '09:00', required: true });
  const save = h('button', { type: 'submit', class: 'button' }, 'Save the rota');
  const offline = h('p', { class: 'warning', 'data-testid': 'needs-connection' });
  const showNetwork = () => {
    offline.textContent = navigator.onLine ? 'The rota is saved on the server straight away, so saving needs a connection.'
      : 'You are offline: connect to the internet to save the rota.';
    save.disabled = !navigator.onLine;
  };
  showNetwork();
  window.addEventListener('online', showNetwork);
  window.addEventListener('offline', showNetwork);

  const form = h('form', { novalidate: true, 'aria-labelledby': 'rota-edit-title', 'data-testid': 'rota-form' },
    h('h2', { id: 'rota-edit-title' }, 'Set the rota'),
    h('p', null, 'The first person in each list is on this week, the next one next week, and so on in turn.'),
    left.length ? h('p', { class: 'warning', 'data-testid': 'rota-left' },
      `${[...new Set(left)].join(', ')} left the team and ${left.length === 1 ? 'is' : 'are'} taken off: save to confirm.`) : '',
    fieldsets,
    h('div', { class: 'board__form-row' },
      h('div', { class: 'form-group' }, h('label', { class: 'label', for: 'remind_day' }, 'Reminder day'), day),
      h('div', { class: 'form-group' }, h('label', { class: 'label', for: 'remind_time' }, 'Reminder time'), time)),
    h('p', { class: 'hint-text' }, 'On this day, from this time (UK time), whoever is on for a task not yet done that week gets a reminder in their notifications.'),
    offline, problem, save);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(time.value)) {
      problem.textContent = 'Reminder time: give a time such as 09:30.';
      return time.focus();
    }
    problem.textContent = '';
    save.disabled = true;
    const body = { remind_day: day.value, remind_time: time.value, start_week: weekStart(today()), tasks: chosen };
    const res = await app.transport.request('PUT', `/api/teams/${encodeURIComponent(teamId)}/rota`, body).catch(() => null);
    save.disabled = !navigator.onLine;
    if (res?.status === 200) {
      await onSaved(res.body);
      return;
    }
    const fields = Object.values(res?.body?.error?.fields || {}).flat();
    problem.textContent = res ? [errorMessage(res), ...fields].join(' ') : 'The server could not be reached. Check the connection and try again.';
  });
  return form;
}

export async function TeamRotaScreen(app) {
  const teamId = app.params[0];
  const name = teamsOf(app.me).find((t) => t.id === teamId)?.name || 'The team';
  const key = teamRotaKey(teamId);
  const kept = await readKept(app, key, `/api/teams/${encodeURIComponent(teamId)}/rota`);
  const title = h('h1', null, `${name}: weekly rota`);
  if (kept.refused) return h('div', null, title, h('p', null, kept.refused.message));
  const rota = kept.body;
  if (!rota) return h('div', null, title, keptNotice(kept, 'the rota'));
  const onSaved = async (saved) => {
    await setMeta(app.db, key, { body: saved, fetched_at: nowIso() });
    app.navigate(`/teams/${teamId}/rota`, { replace: true, flash: 'Rota saved. The people on it see their turns.' });
  };
  return h('div', { class: 'rota', 'data-testid': 'team-rota' },
    FlashMessage(app),
    title,
    keptNotice(kept, 'the rota'),
    h('p', null, 'Sharing the lead’s role helps a team keep Value Management going: each week someone updates the box score, someone updates the board and someone runs the huddle.'),
    rota.set_up ? h('p', { 'data-testid': 'rota-reminder' }, `Reminders go on ${capital(rota.remind_day)}s from ${rota.remind_time} to whoever is on for a task not yet done.`)
      : h('p', { 'data-testid': 'rota-not-set' }, rota.can_edit ? 'There is no rota yet: choose who takes turns below.' : 'Your team lead has not set up a rota yet.'),
    h('h2', null, 'Who is on'),
    whoIsOn(rota),
    rota.can_edit && kept.fresh ? editor(app, teamId, rota, onSaved) : '',
    h('p', null, link('/', 'Back to the home screen')));
}
