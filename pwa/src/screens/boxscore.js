// The box score (issue 5): every active measure by group, week by week, worked out on this
// device from its own records (offline too), with each measure's chart one tap away.
import { h, link, plural } from '../ui/h.js';
import { localBoxScore, DEFAULT_WEEKS, MAX_WEEKS } from '../data/boxscore.js';
import { renderSpcChart } from '../lib/spc-chart.js';
import { currentTeam, canEditMeasures, canEditCategories, teamSettings, rawFetch } from '../data/team.js';
import { categoryRecords } from '../data/categories.js';
import {
  variationText, assuranceText, formatValue, withUnit, unitOf, sourceText, shortWeek, longWeek,
  SUBGROUP_LABELS, DIRECTION_LABELS, STATUS_LABELS,
} from '../lib/measure-text.js';
import { FlashMessage } from '../ui/flash.js';

const WEEK_CHOICES = [4, 8, 12, 26, 52];
const SHORT_VARIATION = { improvement: 'Improving', concern: 'Concerning', neutral: 'Special cause', common_cause: 'Common cause' };
const SHORT_ASSURANCE = { pass: 'Passing', fail: 'Failing', hit_and_miss: 'Hit and miss' };

function weeksParam() {
  const n = Number(new URLSearchParams(location.search).get('weeks'));
  return Number.isInteger(n) && n >= 1 && n <= MAX_WEEKS ? n : DEFAULT_WEEKS;
}

async function load(app, weeks) {
  const settings = await teamSettings(app, app.teamId, () => app.refresh());
  return localBoxScore(app.db, app.teamId, { weeks, contractedHours: settings.contracted_hours_per_week });
}

function noTeam(title) {
  return h('div', null, h('h1', null, title), h('p', null, 'You are not in a team yet.'));
}

export async function BoxScoreScreen(app) {
  if (!app.teamId) return noTeam('Box score');
  const weeks = weeksParam();
  const team = currentTeam(app);
  const [score, pending] = await Promise.all([load(app, weeks), app.db.count('outbox')]);
  const measures = score.groups.flatMap((g) => g.measures);
  const editor = canEditMeasures(app);

  const select = h('select', {
    class: 'select', id: 'weeks', name: 'weeks',
    onchange: () => app.navigate(`/boxscore?weeks=${select.value}`, { replace: true }),
  }, [...new Set([...WEEK_CHOICES, weeks])].sort((a, b) => a - b).map((n) => h('option', { value: n, selected: n === weeks }, `${n} weeks`)));

  const manual = measures.some((m) => m.source !== 'derived');
  return h('div', { class: 'bs-page' },
    FlashMessage(app),
    h('h1', null, 'Box score'),
    h('p', null, `${team?.name || 'Your team'}, week beginning ${longWeek(score.this_week)}. `,
      h('span', { class: 'hint-text', 'data-testid': 'boxscore-source' },
        pending ? `Worked out on this device, including ${plural(pending, 'change')} not yet synced.` : 'Worked out on this device from its copy of the team’s data.')),
    h('div', { class: 'toolbar' },
      h('div', { class: 'form-group' }, h('label', { class: 'label', for: 'weeks' }, 'Weeks shown'), select),
      manual ? link('/values', 'Enter this week’s values', { class: 'button button--secondary' }) : ''),
    measures.length ? h('p', { class: 'hint-text' }, `The last ${plural(weeks, 'week')}, ${shortWeek(score.weeks[0])} to this week. On a small screen, scroll the table sideways for earlier weeks.`) : '',
    measures.length ? table(score, weeks) : h('p', { class: 'inset' }, 'This team has no measures on its box score yet. ',
      editor ? link('/measures/new', 'Add the first measure') : 'Your team lead or coach adds them.'),
    measures.length ? h('p', { class: 'hint-text' }, 'Variation: common cause, or a special cause that is improving or concerning. Assurance: whether the target is consistently passed, failed, or hit and miss. Each follows the rule set its measure uses (Making Data Count unless the team chose IHI run chart rules). Open a measure for its chart.') : '',
    h('h2', null, 'Manage'),
    h('ul', { class: 'links' },
      h('li', null, link('/measures', editor ? 'Add or change measures' : 'About the measures')),
      h('li', null, link('/board-settings', 'The board’s aims')),
      h('li', null, link('/categories', canEditCategories(app) ? 'Edit time-lost reasons' : 'Time-lost reasons')),
      editor ? h('li', null, link('/import', 'Import values from a file')) : ''),
    downloads(app, weeks));
}

function table(score, weeks) {
  const nWeeks = score.weeks.length;
  const cols = nWeeks + 4;
  const weekHead = (wk, i) => {
    const label = i === nWeeks - 1 ? 'This week' : i === nWeeks - 2 ? 'Last week' : null;
    return h('th', { scope: 'col', class: i === nWeeks - 1 ? 'bs__now' : null },
      label ? [label, h('span', { class: 'bs__sub' }, shortWeek(wk))] : shortWeek(wk));
  };
  const bodies = score.groups.map((g) => h('tbody', { 'data-group': g.group },
    h('tr', { class: 'bs__group' }, h('th', { scope: 'rowgroup', colspan: cols }, h('span', null, g.label))),
    g.measures.length ? g.measures.map((m) => measureRow(m, nWeeks))
      : h('tr', null, h('td', { class: 'bs__empty bs__measure' }, `No ${g.label.toLowerCase()} measures.`), h('td', { colspan: cols - 1 }))));
  const region = h('div', { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-labelledby': 'bs-caption', 'data-testid': 'boxscore' },
    h('table', { class: 'bs' },
      h('caption', { id: 'bs-caption', class: 'visually-hidden' }, `Box score, the last ${plural(weeks, 'week')} (${shortWeek(score.weeks[0])} to this week)`),
      h('thead', null, h('tr', null,
        h('th', { scope: 'col', class: 'bs__measure' }, 'Measure'),
        h('th', { scope: 'col' }, 'Target'),
        h('th', { scope: 'col', class: 'bs__words' }, 'Variation'),
        h('th', { scope: 'col', class: 'bs__words' }, 'Assurance'),
        score.weeks.map(weekHead))),
      bodies));
  // Show the latest weeks first on a narrow screen (the measure column stays put).
  setTimeout(() => { region.scrollLeft = region.scrollWidth; }, 0);
  return region;
}

function measureRow(m, nWeeks) {
  const unit = unitOf(m);
  const sub = [unit === '%' ? 'percent' : unit, m.subgroup ? SUBGROUP_LABELS[m.subgroup] : '', m.status === 'less_frequent' ? 'watched less often' : ''].filter(Boolean).join(' · ');
  const points = m.analysis.points;
  return h('tr', { 'data-measure': m.id },
    h('th', { scope: 'row', class: 'bs__measure' }, link(`/boxscore/${m.id}`, m.name), sub ? h('span', { class: 'bs__sub' }, sub) : ''),
    h('td', null, m.target == null ? h('span', { 'aria-label': 'No target' }, '–') : formatValue(m.target)),
    h('td', { class: 'bs__words', 'data-testid': 'variation', 'data-signal': m.analysis.variation || '' },
      h('span', { class: `signal signal--${m.analysis.variation || 'none'}` }, SHORT_VARIATION[m.analysis.variation] || 'Too few data')),
    h('td', { class: 'bs__words', 'data-testid': 'assurance', 'data-signal': m.analysis.assurance || '' },
      h('span', { class: `signal signal--${m.analysis.assurance || 'none'}` }, SHORT_ASSURANCE[m.analysis.assurance] || (m.target == null ? 'No target' : '–'))),
    m.series.map((s, i) => {
      const special = points[i]?.special;
      const attrs = { 'data-week': s.week_start, 'data-value': s.value ?? '', class: [i === nWeeks - 1 ? 'bs__now' : '', special ? 'is-special' : ''].filter(Boolean).join(' ') || null };
      if (s.value === null) return h('td', attrs, h('span', { 'aria-hidden': 'true' }, '·'), h('span', { class: 'visually-hidden' }, 'no value'));
      return h('td', attrs, formatValue(s.value), special ? h('span', { class: 'visually-hidden' }, ' (special cause)') : '');
    }));
}

function downloads(app, weeks) {
  const online = navigator.onLine;
  const msg = h('p', { role: 'status', class: 'hint-text', 'data-testid': 'download-status' },
    online ? '' : 'You are offline. Downloads come from the server, so connect to the internet to download the box score. The table above works offline.');
  const button = (ext, text) => h('button', {
    type: 'button', class: 'button button--secondary', disabled: !online, 'data-testid': `download-${ext}`,
    onclick: async () => {
      msg.textContent = 'Preparing the download…';
      try {
        const res = await rawFetch(app, 'GET', `/api/teams/${encodeURIComponent(app.teamId)}/boxscore.${ext}?weeks=${weeks}`);
        if (!res.ok) throw new Error(String(res.status));
        const name = /filename="([^"]+)"/.exec(res.headers.get('Content-Disposition') || '')?.[1] || `boxscore.${ext}`;
        const url = URL.createObjectURL(await res.blob());
        const a = h('a', { href: url, download: name, hidden: true });
        document.body.append(a);
        a.click();
        a.remove();
        setTimeout(() => URL.revokeObjectURL(url), 10000);
        msg.textContent = `Downloaded ${name}. It holds the server’s box score: changes still waiting to sync are not in it.`;
      } catch {
        msg.textContent = navigator.onLine ? 'The download failed. Try again in a moment.' : 'You are offline. Connect to the internet to download the box score.';
      }
    },
  }, text);
  return h('section', { class: 'section', 'aria-labelledby': 'download-title' },
    h('h2', { id: 'download-title' }, 'Download'),
    h('div', { class: 'button-group' }, button('csv', 'Download CSV'), button('xlsx', 'Download Excel (.xlsx)')),
    msg);
}

// ---- one measure's chart ----------------------------------------------------------------------
export async function MeasureChartScreen(app) {
  if (!app.teamId) return noTeam('Measure');
  const id = app.params[0];
  let score = await load(app, DEFAULT_WEEKS);
  let m = score.groups.flatMap((g) => g.measures).find((x) => x.id === id);
  if (!m) {
    return h('div', null, h('h1', null, 'Measure not found'),
      h('p', null, 'It may have been retired or deleted. ', link('/boxscore', 'Back to the box score')));
  }
  // The chart shows the whole history (limits come from its first 12 points).
  if (m.analysis.offset > 0) {
    score = await load(app, Math.min(DEFAULT_WEEKS + m.analysis.offset, 520));
    m = score.groups.flatMap((g) => g.measures).find((x) => x.id === id);
  }
  const a = m.analysis;
  const categories = new Map((await categoryRecords(app.db, app.teamId)).map((c) => [c.id, c]));
  const labels = a.points.map((p) => `w/c ${shortWeek(p.week_start)}`);
  const chart = h('div', { 'data-testid': 'chart' });
  // A narrower drawing on a phone keeps its text readable (the SVG scales to the screen's width).
  const narrow = window.innerWidth < 600;
  chart.innerHTML = renderSpcChart(a, { title: m.name, unit: unitOf(m), labels, width: narrow ? 380 : 640, height: narrow ? 280 : 260 }); // escaped by renderSpcChart
  const facts = [
    ['Aim', m.aim], ['Target', m.target == null ? 'None' : withUnit(m.target, m)], ['Better', DIRECTION_LABELS[m.direction]],
    ['Group', [score.groups.find((g) => g.group === m.group)?.label, SUBGROUP_LABELS[m.subgroup]].filter(Boolean).join(', ')],
    ['Data', sourceText(m, categories)], ['Definition', m.operational_definition], ['Status', STATUS_LABELS[m.status]],
    ['Chart', a.rule_set_label], ['Re-based', m.rebase_weeks.length ? m.rebase_weeks.map((w) => `w/c ${longWeek(w)}`).join('; ') : ''],
  ].filter(([, v]) => v);
  return h('div', null,
    h('h1', null, m.name),
    h('p', { class: 'lede', 'data-testid': 'chart-words' }, `${variationText(a)}. ${assuranceText(a, m)}.`),
    chart,
    h('dl', { class: 'facts' }, facts.map(([k, v]) => [h('dt', null, k), h('dd', null, v)])),
    h('details', { class: 'details' }, h('summary', null, 'Values week by week'),
      h('table', { class: 'data-table' },
        h('caption', { class: 'visually-hidden' }, `${m.name}, week by week`),
        h('thead', null, h('tr', null, ['Week beginning', 'Value', 'Signal'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', null, [...a.points].reverse().map((p) => h('tr', null,
          h('td', null, longWeek(p.week_start)),
          h('td', null, p.value === null ? 'No value' : withUnit(p.value, m)),
          h('td', null, p.value === null ? '' : p.special ? (p.signal === 'improvement' ? 'Special cause, improving' : p.signal === 'concern' ? 'Special cause, concerning' : 'Special cause') : 'Common cause')))))),
    h('ul', { class: 'links' },
      h('li', null, link('/boxscore', 'Back to the box score')),
      canEditMeasures(app) ? h('li', null, link(`/measures/${m.id}`, 'Edit this measure')) : '',
      m.source !== 'derived' ? h('li', null, link('/values', 'Enter this week’s values')) : ''));
}
