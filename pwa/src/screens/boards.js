// Board and national views and the bi-monthly board report (issue 14), for admins and board leads:
// how many teams are doing all three elements, some or none, over a chosen period and month by
// month for a year; milestones reached; teams with improvement signals; drilling down from the
// nation to a board to a team. The server puts the figures together (they span teams no device
// keeps); each page is kept for offline reading with the time it was read. Loaded with import().
import { h, link, plural } from '../ui/h.js';
import { longDay, formatMinutes } from '../lib/dates.js';
import { readKept } from '../data/kept.js';
import { downloadFrom } from '../ui/download.js';
import { overviewKey, boardPageKey } from '../meta-keys.js';
import { keptNotice } from '../ui/kept-notice.js';

const STATUS = { all_three: 'All three', some: 'Some', none: 'None' };
const STATUS_LONG = {
  all_three: 'doing all three (box score, board and huddle in at least 3 weeks in 4)',
  some: 'using some of the three',
  none: 'using none yet',
};
const STEP_WORDS = {
  data: 'The box score’s new signals', tests_of_change: 'Tests of change', celebrations: 'Celebrations', ideas: 'New ideas',
  actions: 'Actions and next steps', barriers: 'Barriers and escalations', questions: 'Questions',
};
const shortDay = (iso) => longDay(iso, { withYear: false });

/** The period asked for in the address (?from=&to=), or none (the server's default: the last two complete months). */
function periodQuery() {
  const q = new URLSearchParams(location.search);
  const from = q.get('from'); const to = q.get('to');
  return from && to ? `from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}` : '';
}
const withQuery = (path, query) => (query ? `${path}?${query}` : path);
/** A wide table scrolls sideways on a phone: a region the keyboard can reach and scroll. */
const scroller = (label, table) => h('div', { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-label': label }, table);

function refusedPage(title, kept) {
  return h('div', { class: 'narrow' }, h('h1', null, title), h('p', null, kept.refused.message));
}

function periodWords(p) {
  return `${longDay(p.from)} to ${longDay(p.to)} (${plural(p.weeks, 'week')} from ${shortDay(p.first_week)})`;
}

/** The from/to form: changing the period reloads the page's figures for it. */
function periodForm(app, path, period) {
  const from = h('input', { type: 'date', id: 'period-from', name: 'from', class: 'input input--date', value: period?.from || '', required: true });
  const to = h('input', { type: 'date', id: 'period-to', name: 'to', class: 'input input--date', value: period?.to || '', required: true });
  const form = h('form', { class: 'period-form no-print', 'aria-label': 'Period' },
    h('div', { class: 'form-group' }, h('label', { class: 'label', for: 'period-from' }, 'From'), from),
    h('div', { class: 'form-group' }, h('label', { class: 'label', for: 'period-to' }, 'To'), to),
    h('button', { type: 'submit', class: 'button button--secondary' }, 'Show this period'));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (!from.value || !to.value) return;
    app.navigate(`${path}?from=${from.value}&to=${to.value}`);
  });
  return form;
}

function countsText(s) {
  return `${s.all_three} all three, ${s.some} some, ${s.none} none`;
}

// ---- the nation -------------------------------------------------------------------------------
export async function BoardsScreen(app) {
  const query = periodQuery();
  const [kept, trend] = await Promise.all([
    readKept(app, overviewKey(query), withQuery('/api/overview', query)),
    readKept(app, overviewKey('trend'), '/api/fidelity/trend'),
  ]);
  if (kept.refused) return refusedPage('Boards', kept);
  const o = kept.body;
  const title = h('h1', null, 'Boards: teams doing all three');
  if (!o) return h('div', null, title, keptNotice(kept, 'this page'));
  return h('div', { class: 'boards-page', 'data-testid': 'boards' },
    title, keptNotice(kept, 'this page'),
    h('p', { 'data-testid': 'period' }, periodWords(o.period)),
    periodForm(app, '/boards', o.period),
    h('p', { 'data-testid': 'national-summary' },
      `Of ${plural(o.teams, 'team')}: ${countsText(o.summary)}. `
      + `${plural(o.milestones_reached, 'milestone')} reached; ${plural(o.teams_with_improvement_signals, 'team')} with improvement signals.`),
    scroller('Each board over the period', h('table', { 'data-testid': 'board-rows' },
      h('caption', null, 'Each board over the period'),
      h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Board'),
        ['Teams', 'All three', 'Some', 'None', 'Milestones', 'Teams with signals'].map((c) => h('th', { scope: 'col', class: 'num' }, c)))),
      h('tbody', null, o.boards.map((b) => h('tr', { 'data-board': b.board_id },
        h('th', { scope: 'row' }, link(withQuery(`/boards/${b.board_id}`, query), b.board_name)),
        h('td', { class: 'num' }, String(b.teams)), h('td', { class: 'num' }, String(b.summary.all_three)),
        h('td', { class: 'num' }, String(b.summary.some)), h('td', { class: 'num' }, String(b.summary.none)),
        h('td', { class: 'num' }, String(b.milestones_reached)), h('td', { class: 'num' }, String(b.teams_with_improvement_signals)))))))
    , trendSection(trend));
}

/** The 12-month trend: a picture (SVG, three lines) and the same figures as a table. */
function trendSection(kept) {
  const t = kept.body;
  if (!t || kept.refused) return '';
  const months = t.months;
  const W = 640; const H = 220; const left = 36; const bottom = 28; const top = 12; const right = 12;
  const max = Math.max(1, ...months.flatMap((m) => [m.summary.all_three, m.summary.some, m.summary.none]));
  const x = (i) => left + (i * (W - left - right)) / Math.max(1, months.length - 1);
  const y = (v) => top + (H - top - bottom) * (1 - v / max);
  const NS = 'http://www.w3.org/2000/svg';
  const el = (tag, attrs, ...kids) => {
    const e = document.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
    e.append(...kids);
    return e;
  };
  const series = [['all_three', 'trend__all', ''], ['some', 'trend__some', '6 4'], ['none', 'trend__none', '2 3']];
  const label = `Teams each month, ${months[0].month} to ${months[months.length - 1].month}: `
    + months.map((m) => `${m.month}: ${countsText(m.summary)}`).join('; ');
  const svg = el('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': label, class: 'trend__chart' },
    el('line', { x1: left, x2: W - right, y1: y(0), y2: y(0), class: 'trend__axis' }),
    el('text', { x: 4, y: y(max) + 4, class: 'trend__tick' }, String(max)),
    el('text', { x: 4, y: y(0) + 4, class: 'trend__tick' }, '0'),
    ...months.map((m, i) => el('text', { x: x(i), y: H - 8, class: 'trend__tick', 'text-anchor': 'middle' }, m.month.slice(5))),
    ...series.map(([key, cls, dash]) => el('polyline', {
      class: cls, fill: 'none', 'stroke-dasharray': dash || 'none',
      points: months.map((m, i) => `${x(i)},${y(m.summary[key])}`).join(' ') })),
    ...series.flatMap(([key, cls]) => months.map((m, i) => el('circle', { cx: x(i), cy: y(m.summary[key]), r: 3, class: cls }))));
  return h('section', { class: 'section trend', 'aria-labelledby': 'trend-title', 'data-testid': 'trend' },
    h('h2', { id: 'trend-title' }, 'The last 12 months'),
    h('p', { class: 'hint-text' }, 'Each complete calendar month’s weeks, counted as for the period above.'),
    h('ul', { class: 'trend__key' },
      h('li', null, h('span', { class: 'trend__swatch trend__all', 'aria-hidden': 'true' }), 'All three (solid line)'),
      h('li', null, h('span', { class: 'trend__swatch trend__some', 'aria-hidden': 'true' }), 'Some (dashed line)'),
      h('li', null, h('span', { class: 'trend__swatch trend__none', 'aria-hidden': 'true' }), 'None (dotted line)')),
    svg,
    h('details', { class: 'details' }, h('summary', null, 'The trend as a table'),
      scroller('Teams each month', h('table', { 'data-testid': 'trend-table' },
        h('caption', null, 'Teams each month'),
        h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Month'),
          ['All three', 'Some', 'None'].map((c) => h('th', { scope: 'col', class: 'num' }, c)))),
        h('tbody', null, months.map((m) => h('tr', null, h('th', { scope: 'row' }, m.month),
          h('td', { class: 'num' }, String(m.summary.all_three)), h('td', { class: 'num' }, String(m.summary.some)),
          h('td', { class: 'num' }, String(m.summary.none)))))))));
}

// ---- one board --------------------------------------------------------------------------------
export async function BoardOverviewScreen(app) {
  const boardId = app.params[0];
  const query = periodQuery();
  const kept = await readKept(app, boardPageKey(boardId, 'overview', query),
    withQuery(`/api/boards/${encodeURIComponent(boardId)}/overview`, query));
  if (kept.refused) return refusedPage('Board', kept);
  const b = kept.body;
  if (!b) return h('div', null, h('h1', null, 'Board'), keptNotice(kept, 'this page'));
  return h('div', { class: 'board-overview', 'data-testid': 'board-overview' },
    h('p', { class: 'no-print' }, link(withQuery('/boards', query), 'All boards')),
    h('h1', null, b.board.name),
    keptNotice(kept, 'this page'),
    h('p', { 'data-testid': 'period' }, periodWords(b.period)),
    periodForm(app, `/boards/${boardId}`, b.period),
    h('p', { 'data-testid': 'board-summary' }, `Of ${plural(b.teams.length, 'team')}: ${countsText(b.summary)}.`),
    h('p', null, link(withQuery(`/boards/${boardId}/report`, query), 'Open the bi-monthly report', { class: 'button', 'data-testid': 'open-report' })),
    teamsTable(b, { report: false }),
    milestonesSection(b.milestones),
    signalsSection(b.signals, { charts: false }));
}

function teamsTable(b, { report }) {
  const weeks = b.period.weeks;
  return scroller('Each team', h('table', { 'data-testid': 'team-rows', class: 'report__table' },
    h('caption', null, `Each team: weeks with each element, of ${weeks}`),
    h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Team'),
      ['Box score', 'Board', 'Huddle'].map((c) => h('th', { scope: 'col', class: 'num' }, c)), h('th', { scope: 'col' }, 'Status'),
      report ? h('th', { scope: 'col', class: 'num' }, 'Value Management a week') : [
        h('th', { scope: 'col', class: 'num' }, 'Milestones'), h('th', { scope: 'col', class: 'num' }, 'Signals')])),
    h('tbody', null, b.teams.map((t) => h('tr', { 'data-team': t.team_id },
      h('th', { scope: 'row' }, report ? t.team_name : link(`/teams/${t.team_id}/fidelity`, t.team_name)),
      h('td', { class: 'num' }, String(t.box_score_weeks)), h('td', { class: 'num' }, String(t.board_weeks)),
      h('td', { class: 'num' }, String(t.huddle_weeks)),
      h('td', null, h('span', { class: `tag tag--${t.status}` }, STATUS[t.status])),
      report ? h('td', { class: 'num' }, formatMinutes(Math.round(t.protected_minutes.per_week)))
        : [h('td', { class: 'num' }, String(t.milestones_reached)), h('td', { class: 'num' }, String(t.improvement_signals))])))));
}

function milestonesSection(milestones) {
  return h('section', { class: 'section report__section', 'aria-labelledby': 'milestones-title' },
    h('h2', { id: 'milestones-title' }, 'Milestones reached'),
    milestones.length ? h('ul', { 'data-testid': 'milestones' }, milestones.map((m) => h('li', null,
      h('strong', null, m.team_name), `: ${m.label}, ${longDay(m.reached_at.slice(0, 10))}`)))
      : h('p', null, 'None in this period.'));
}

function signalsSection(signals, { charts }) {
  return h('section', { class: 'section report__section', 'aria-labelledby': 'signals-title' },
    h('h2', { id: 'signals-title' }, 'Improvement signals'),
    signals.length ? h('ul', { class: charts ? 'report__charts' : null, 'data-testid': 'signals' }, signals.map((s) => h('li', { class: charts ? 'report__chart' : null },
      h('strong', null, s.team_name), `: ${s.measure_name}, improving in the week${s.weeks.length === 1 ? '' : 's'} of `
        + s.weeks.map(shortDay).join(', '),
      charts ? signalChart(s) : '')))
      : h('p', null, 'No box score measure showed special-cause improvement in this period.'));
}

/** A measure's chart over the period: its values, the centre line and process limits, the improving points ringed. */
function signalChart(s) {
  const pts = s.points;
  const values = pts.flatMap((p) => [p.value, p.upper, p.lower, p.centre]).filter((v) => v != null);
  if (!values.length) return '';
  const W = 320; const H = 120; const pad = 8;
  let lo = Math.min(...values); let hi = Math.max(...values);
  if (hi === lo) { hi += 1; lo -= 1; }
  const x = (i) => pad + (i * (W - 2 * pad)) / Math.max(1, pts.length - 1);
  const y = (v) => pad + (H - 2 * pad) * (1 - (v - lo) / (hi - lo));
  const NS = 'http://www.w3.org/2000/svg';
  const el = (tag, attrs) => { const e = document.createElementNS(NS, tag); for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v)); return e; };
  const line = (key, cls) => {
    const seg = pts.map((p, i) => (p[key] == null ? null : `${x(i)},${y(p[key])}`)).filter(Boolean);
    return seg.length > 1 ? el('polyline', { points: seg.join(' '), class: cls, fill: 'none' }) : '';
  };
  const svg = el('svg', {
    viewBox: `0 0 ${W} ${H}`, role: 'img', class: 'report__spark',
    'aria-label': `${s.measure_name}${s.unit ? ` (${s.unit})` : ''}, ${s.rule_set_label}: `
      + pts.filter((p) => p.value != null).map((p) => `${shortDay(p.week_start)} ${p.value}${p.signal === 'improvement' ? ' (improvement)' : ''}`).join(', '),
  });
  svg.append(...[line('upper', 'spark__limit'), line('lower', 'spark__limit'), line('centre', 'spark__centre'), line('value', 'spark__value')].filter(Boolean));
  pts.forEach((p, i) => {
    if (p.value == null) return;
    svg.append(el('circle', { cx: x(i), cy: y(p.value), r: p.signal === 'improvement' ? 5 : 2.5, class: p.signal === 'improvement' ? 'spark__improvement' : 'spark__point' }));
  });
  return svg;
}

// ---- the bi-monthly report --------------------------------------------------------------------
export async function BoardReportScreen(app) {
  const boardId = app.params[0];
  const query = periodQuery();
  const kept = await readKept(app, boardPageKey(boardId, 'report', query),
    withQuery(`/api/boards/${encodeURIComponent(boardId)}/report`, query));
  if (kept.refused) return refusedPage('Board report', kept);
  const r = kept.body;
  if (!r) return h('div', null, h('h1', null, 'Board report'), keptNotice(kept, 'this report'));
  const total = r.protected_minutes;
  return h('article', { class: 'report', 'data-testid': 'board-report' },
    h('p', { class: 'no-print' }, link(withQuery(`/boards/${boardId}`, query), `Back to ${r.board.name}`)),
    h('h1', null, `${r.board.name}: bi-monthly report`),
    keptNotice(kept, 'this report'),
    h('p', { 'data-testid': 'period' }, periodWords(r.period)),
    periodForm(app, `/boards/${boardId}/report`, r.period),
    downloads(app, boardId, query),
    h('section', { class: 'report__section', 'aria-labelledby': 'fidelity-title' },
      h('h2', { id: 'fidelity-title' }, 'Fidelity to the three elements'),
      h('p', { 'data-testid': 'report-summary' }, `Of ${plural(r.teams.length, 'team')}: `
        + ['all_three', 'some', 'none'].map((k) => `${r.summary[k]} ${STATUS_LONG[k]}`).join('; ') + '.'),
      teamsTable(r, { report: true }),
      h('p', { class: 'hint-text' }, `Value Management took ${formatMinutes(total.huddle)} of huddles and `
        + `${formatMinutes(total.box_score_and_board)} on box scores and boards across the board’s teams.`)),
    milestonesSection(r.milestones),
    signalsSection(r.signals, { charts: true }),
    h('section', { class: 'report__section', 'aria-labelledby': 'highlights-title' },
      h('h2', { id: 'highlights-title' }, 'Highlights the teams chose'),
      r.highlights.length ? h('ul', { class: 'report__highlights', 'data-testid': 'highlights' }, r.highlights.map((x) => h('li', null,
        h('p', null, h('strong', null, x.team_name), ', ',
          x.kind === 'idea' ? `adopted ${longDay(x.on)}` : `huddle of ${longDay(x.on)} (${STEP_WORDS[x.step] || x.step})`),
        x.title ? h('p', null, h('strong', null, x.title)) : '',
        x.text ? h('p', { class: 'prose' }, x.text) : '')))
        : h('p', null, 'No team marked a huddle note or an adopted idea “Share in the board report” in this period.')),
    h('p', { class: 'hint-text' }, `Generated ${longDay(r.generated_at.slice(0, 10))}. Figures equal the fidelity view’s for the same dates.`));
}

function downloads(app, boardId, query) {
  const online = navigator.onLine;
  const msg = h('p', { role: 'status', class: 'hint-text', 'data-testid': 'download-status' },
    online ? '' : 'You are offline. Downloads come from the server: connect to the internet to download the figures.');
  const button = (ext, text) => h('button', {
    type: 'button', class: 'button button--secondary', disabled: !online, 'data-testid': `download-${ext}`,
    onclick: async () => {
      msg.textContent = 'Preparing the download…';
      try {
        const name = await downloadFrom(app, withQuery(`/api/boards/${encodeURIComponent(boardId)}/report.${ext}`, query), `board-report.${ext}`);
        msg.textContent = `Downloaded ${name}.`;
      } catch {
        msg.textContent = 'The download failed. Try again in a moment.';
      }
    },
  }, text);
  return h('div', { class: 'no-print' },
    h('div', { class: 'button-group' }, button('csv', 'Download CSV'), button('xlsx', 'Download Excel (.xlsx)'),
      h('button', { type: 'button', class: 'button button--secondary', onclick: () => window.print() }, 'Print')),
    msg);
}
