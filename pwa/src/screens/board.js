// The team's visual management board (issue 12): one landscape page for the ward TV, the lead's
// tablet at the huddle and the A3 print on the wall, worked out on this device from its copy of the
// team's records (offline too). `?kiosk=1` is the TV: nothing to press or type, nothing outside the
// screen, and how old its data is, kept current as time passes. Loaded by routes/board.js with
// import(); a sync that brings new data redraws it (app.js).
import { h, link, plural } from '../ui/h.js';
import { upsert, newId } from '../write.js';
import { getRecord } from '../records.js';
import { now, today } from '../lib/clock.js';
import { addDays, dayPhrase, timeAgo, longDay } from '../lib/dates.js';
import { renderSpcChart } from '../lib/spc-chart.js';
import { renderParetoChart, paretoRows } from '../lib/pareto-chart.js';
import { variationIcon, assuranceIcon } from '../lib/spc-icons.js';
import { variationText, ASSURANCE_WORDS, formatValue, unitOf, decimalsFor, shortWeek } from '../lib/measure-text.js';
import { FlashMessage } from '../ui/flash.js';
import { localBoxScore } from '../data/boxscore.js';
import { teamSettings, teamRole, canTakePart, canSetBoardAims, canEditMeasures, canChangeTeamSettings } from '../data/team.js';
import { openActions, teamNameOf, nextHuddleDay } from '../data/huddles.js';
import { ideasByStatus } from '../data/improvement.js';
import { timeLostByReason } from '../data/time-lost.js';
import { checkIdea } from '../data/huddle-rules.js';
import { ideas, IDEA_STATUSES, isOverdue } from '../collections/improvement.js';
import { boardSettings } from '../collections/board-settings.js';

export { TeamSettingsScreen } from './team-settings.js';

/** What fits on one landscape screen (and one A3 sheet) with type readable across a ward. */
const MAX_CHARTS = 4;
const TITLES_PER_STATUS = 3;
const MAX_ACTIONS = 6;
const PARETO_WEEKS = 4;
const SHORT_VARIATION = { improvement: 'Improving', concern: 'Concerning', neutral: 'Special cause', common_cause: 'Common cause' };
const SHORT_ASSURANCE = { pass: 'Passing', fail: 'Failing', hit_and_miss: 'Hit and miss' };
// The age ticks on by itself: a TV that lost its network must not go on saying "a minute ago".
const AGE_EVERY_MS = 15_000;
let stopTicking = () => {};

const svg = (html, cls) => {
  const span = h('span', { class: cls });
  span.innerHTML = html; // built by lib/ from constants and escaped words
  return span;
};
const hours = (minutes) => `${formatValue(Math.round(minutes / 6) / 10)} h`;

export async function BoardScreen(app) {
  stopTicking();
  const teamId = app.params[0];
  const kiosk = new URLSearchParams(location.search).get('kiosk') === '1';
  if (!teamRole(app, teamId)) {
    return h('div', null, h('h1', null, 'Board'), h('p', null, 'This board belongs to a team you are not in. ', link('/', 'Go to the home screen')));
  }
  const settings = await teamSettings(app, teamId, () => app.refreshUnlessBusy());
  const [score, aims, byStatus, open, timeLost] = await Promise.all([
    localBoxScore(app.db, teamId, { contractedHours: settings.contracted_hours_per_week }),
    getRecord(app.db, boardSettings.name, boardSettings.recordId(teamId)).then((r) => (r && !r.deleted ? r.data : {})),
    ideasByStatus(app.db, teamId),
    openActions(app.db, teamId),
    timeLostByReason(app.db, teamId, PARETO_WEEKS),
  ]);
  const here = `/teams/${teamId}/board`;
  const lead = canChangeTeamSettings(app, teamId);

  const age = h('p', { class: 'board__age', 'data-testid': 'board-age' });
  const showAge = () => {
    const at = app.status.lastSyncAt;
    const offline = !navigator.onLine;
    age.toggleAttribute('data-stale', offline || !at || now() - Date.parse(at) > 15 * 60_000);
    age.replaceChildren(offline ? h('strong', null, 'Offline. ') : '',
      ...(at ? ['Data from ', h('time', { datetime: at }, timeAgo(at))] : ['Not synced with the server yet']));
  };
  showAge();
  const timer = setInterval(() => (age.isConnected ? showAge() : stopTicking()), AGE_EVERY_MS);
  const onNetwork = () => showAge();
  window.addEventListener('online', onNetwork);
  window.addEventListener('offline', onNetwork);
  stopTicking = () => {
    clearInterval(timer);
    window.removeEventListener('online', onNetwork);
    window.removeEventListener('offline', onNetwork);
  };

  const board = h('div', { class: 'board', 'data-kiosk': kiosk ? '' : null, 'data-testid': 'board' },
    h('div', { class: 'board__top' },
      h('div', { class: 'board__title' },
        h('h1', null, `${teamNameOf(app, teamId)} board`),
        h('p', { class: 'board__vision', 'data-testid': 'vision' }, settings.vision_statement
          ? [h('strong', null, 'Our vision: '), settings.vision_statement] : 'No vision statement yet.')),
      h('div', { class: 'board__when' }, nextHuddle(settings), age)),
    scorePanel(score, aims),
    chartsPanel(score, kiosk),
    paretoPanel(timeLost),
    ideasPanel(app, teamId, byStatus, kiosk),
    actionsPanel(teamId, open, kiosk));
  if (kiosk) return board;
  return h('div', null, FlashMessage(app), board,
    h('section', { class: 'board__manage no-print', 'aria-labelledby': 'board-manage' },
      h('h2', { id: 'board-manage' }, 'Use the board'),
      h('ul', { class: 'links' },
        h('li', null, h('button', { type: 'button', class: 'link-button', onclick: () => window.print() }, 'Print the board on A3')),
        h('li', null, link(`${here}?kiosk=1`, 'Show it full screen on a TV (no buttons, keeps the last data offline)')),
        lead ? h('li', null, link(`/teams/${teamId}/team-settings`, 'Change the vision statement and the huddle day and time')) : '',
        lead ? h('li', null, link(`/teams/${teamId}/displays`, 'Sign a ward TV in as the board display, or sign one out')) : '',
        canSetBoardAims(app, teamId) ? h('li', null, link('/board-settings', 'Change the aims')) : '',
        canEditMeasures(app, teamId) ? h('li', null, link('/measures', `Choose the measures charted on the board (room for ${MAX_CHARTS})`)) : '')));
}

function nextHuddle(settings) {
  const { huddle_day: day, huddle_time: time } = settings;
  if (!day || !time) return h('p', { class: 'board__huddle', 'data-testid': 'next-huddle' }, 'No huddle day and time set yet.');
  const on = nextHuddleDay(day, time);
  const when = on === today() ? 'Today' : on === addDays(today(), 1) ? 'Tomorrow' : longDay(on, { withYear: false });
  return h('p', { class: 'board__huddle', 'data-testid': 'next-huddle' }, 'Next huddle: ', h('strong', null, `${when} at ${time}`));
}

function latest(m) {
  return [...m.series].reverse().find((s) => s.value !== null) || null;
}

function scorePanel(score, aims) {
  const groups = score.groups.filter((g) => g.measures.length || aims[`aim_${g.group}`]);
  const icon = (html, words) => [svg(html, 'board__icon'), h('span', { class: 'board__word', 'aria-hidden': 'true' }, words)];
  const row = (m) => {
    const a = m.analysis;
    const last = latest(m);
    return h('tr', { 'data-measure': m.id },
      h('th', { scope: 'row' }, m.name),
      h('td', { class: 'board__num' }, last ? [formatValue(last.value), unitOf(m) === '%' ? '%' : '',
        last.week_start !== score.this_week ? h('span', { class: 'board__sub' }, `w/c ${shortWeek(last.week_start)}`) : ''] : 'None yet'),
      h('td', { class: 'board__num' }, m.target == null ? 'None' : formatValue(m.target)),
      h('td', { 'data-testid': 'variation', 'data-signal': a.variation || '' }, a.variation
        ? icon(variationIcon(a.variation, a.variation_side, variationText(a)), SHORT_VARIATION[a.variation]) : 'Too few data'),
      h('td', { 'data-testid': 'assurance', 'data-signal': a.assurance || '' }, a.assurance
        ? icon(assuranceIcon(a.assurance, ASSURANCE_WORDS[a.assurance]), SHORT_ASSURANCE[a.assurance]) : '–'));
  };
  return h('section', { class: 'board__panel board__score', 'aria-labelledby': 'board-score' },
    h('h2', { id: 'board-score' }, 'Box score and aims'),
    groups.length ? h('table', { class: 'board__table' },
      h('caption', { class: 'visually-hidden' }, 'Each area’s aim and measures: the latest value, the target, variation and assurance'),
      h('thead', null, h('tr', null, ['Measure', 'Latest', 'Target', 'Variation', 'Assurance'].map((t) => h('th', { scope: 'col' }, t)))),
      groups.map((g) => h('tbody', { 'data-group': g.group },
        h('tr', { class: 'board__area' }, h('th', { scope: 'rowgroup', colspan: 5 }, g.label,
          h('span', { class: 'board__aim' }, aims[`aim_${g.group}`] ? `Aim: ${aims[`aim_${g.group}`]}` : 'No aim yet'))),
        g.measures.map(row))))
      : h('p', null, 'No measures or aims yet.'));
}

function chartsPanel(score, kiosk) {
  // Two charts abreast in the middle of a TV or an A3 sheet; one to a row, wider than tall, on a tablet.
  const abreast = kiosk || window.innerWidth >= 1400;
  const pinned = score.groups.flatMap((g) => g.measures).filter((m) => m.on_board !== false && m.series.some((s) => s.value !== null));
  const shown = pinned.slice(0, MAX_CHARTS);
  return h('section', { class: 'board__panel board__charts', 'aria-labelledby': 'board-charts' },
    h('h2', { id: 'board-charts' }, 'Charts'),
    pinned.length > MAX_CHARTS ? h('p', { class: 'board__note' }, `The first ${MAX_CHARTS} of the ${pinned.length} measures pinned to the board.`) : '',
    shown.length ? h('div', { class: 'board__chart-grid', 'data-count': shown.length }, shown.map((m) => {
      const a = m.analysis;
      const drawing = h('div', { class: 'board__drawing' });
      const el = h('div', { class: 'board__chart', 'data-measure': m.id }, h('h3', null, m.name), drawing);
      drawing.innerHTML = renderSpcChart(a, {
        title: m.name, unit: unitOf(m), weeks: a.points.map((p) => p.week_start),
        decimals: decimalsFor(m, a.points.map((p) => p.value)),
        ...(abreast ? { width: 360, height: 400, fontSize: 15 } : { width: 560, height: 300, fontSize: 15 }),
      });
      return el;
    })) : h('p', null, 'No measure with values is pinned to the board yet.'));
}

function paretoPanel({ from, reasons }) {
  const rows = paretoRows(reasons.map((r) => ({ name: r.name, value: r.minutes })), { other: (n) => `${n} other reasons` });
  const total = reasons.reduce((t, r) => t + r.minutes, 0);
  const title = `Time lost by reason, the last ${PARETO_WEEKS} weeks`;
  const chart = h('div', { class: 'board__pareto' });
  if (rows.length) chart.innerHTML = renderParetoChart(rows, { title, label: (v) => hours(v), width: 560, height: 270, fontSize: 15 });
  return h('section', { class: 'board__panel board__time', 'aria-labelledby': 'board-time' },
    h('h2', { id: 'board-time' }, title),
    h('p', { class: 'board__note' }, `From w/c ${shortWeek(from)} to today: ${hours(total)} in all.`),
    // A table will not shrink to a hidden box: the box holds it.
    rows.length ? [chart, h('div', { class: 'visually-hidden' }, h('table', null,
      h('caption', null, `${title}, the most first`),
      h('thead', null, h('tr', null, ['Reason', 'Hours', 'Running total'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', null, rows.map((r) => h('tr', null, h('th', { scope: 'row' }, r.name), h('td', null, hours(r.value)),
        h('td', null, `${Math.round(r.cumulative)}%`))))))]
      : h('p', null, 'No time lost logged in these weeks.'));
}

function ideasPanel(app, teamId, byStatus, kiosk) {
  return h('section', { class: 'board__panel board__ideas', 'aria-labelledby': 'board-ideas' },
    h('h2', { id: 'board-ideas' }, 'Ideas'),
    kiosk || !canTakePart(app, teamId) ? '' : ideaForm(app, teamId),
    h('div', { class: 'board__statuses' }, Object.entries(IDEA_STATUSES).map(([status, label]) => {
      const list = byStatus[status];
      return h('div', { class: 'board__status', 'data-status': status },
        h('h3', null, label, h('span', { class: 'board__count' }, ` ${list.length}`)),
        list.length ? h('ul', null, list.slice(0, TITLES_PER_STATUS).map((i) => h('li', null, i.title)),
          list.length > TITLES_PER_STATUS ? h('li', { class: 'board__more' }, `and ${list.length - TITLES_PER_STATUS} more`) : '') : '');
    })),
    kiosk ? '' : h('p', { class: 'no-print' }, link(`/teams/${teamId}/ideas`, 'All the ideas')));
}

function ideaForm(app, teamId) {
  const input = h('input', { class: 'input', id: 'idea-title', name: 'title', autocomplete: 'off', 'aria-describedby': 'idea-hint' });
  const error = h('p', { class: 'error-message', id: 'idea-error', hidden: true });
  const form = h('form', { class: 'board__form no-print', novalidate: true },
    h('label', { class: 'label', for: 'idea-title' }, 'Your idea'),
    h('p', { class: 'hint-text', id: 'idea-hint' }, 'Missed the huddle? Add it here. No patient-identifiable details.'),
    error,
    h('div', { class: 'board__form-row' }, input, h('button', { type: 'submit', class: 'button' }, 'Add idea')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const problem = checkIdea({ title: input.value }).title;
    error.hidden = !problem;
    error.textContent = problem || '';
    if (problem) input.setAttribute('aria-invalid', 'true');
    else input.removeAttribute('aria-invalid');
    input.setAttribute('aria-describedby', problem ? 'idea-error idea-hint' : 'idea-hint');
    if (problem) return input.focus();
    await upsert(app.db, app.session, ideas.name, newId(), { team_id: teamId, title: input.value.trim(), status: 'new', raised_on: today() });
    app.navigate(`/teams/${teamId}/board`, { replace: true, flash: 'Idea added under New. It syncs to the team’s board.' });
  });
  return form;
}

function actionsPanel(teamId, open, kiosk) {
  const overdue = open.filter((a) => isOverdue(a)).length;
  return h('section', { class: 'board__panel board__actions', 'aria-labelledby': 'board-actions' },
    h('h2', { id: 'board-actions' }, 'Actions'),
    h('p', { class: 'board__note', 'data-testid': 'action-counts' }, `${plural(open.length, 'open action')}, ${overdue} overdue.`),
    open.length ? h('ul', null, open.slice(0, MAX_ACTIONS).map((a) => {
      const late = isOverdue(a);
      return h('li', { class: late ? 'board__action board__action--overdue' : 'board__action', 'data-overdue': late ? '' : null },
        late ? [h('strong', { class: 'tag tag--overdue' }, 'Overdue'), ' '] : '',
        h('span', { class: 'board__sub' }, a.due_on ? `${late ? 'was due' : 'due'} ${dayPhrase(a.due_on)}: ` : 'no due date: '), a.title);
    }), open.length > MAX_ACTIONS ? h('li', { class: 'board__more' }, `and ${open.length - MAX_ACTIONS} more`) : '') : '',
    kiosk ? '' : h('p', { class: 'no-print' }, link(`/teams/${teamId}/actions`, 'All the actions')));
}
