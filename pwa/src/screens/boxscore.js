// The box score (issue 5): every active measure by group, week by week, worked out on this
// device from its own records (offline too), with each measure's chart one tap away.
import { h, link, plural } from '../ui/h.js';
import { localBoxScore, DEFAULT_WEEKS, MAX_WEEKS } from '../data/boxscore.js';
import { renderSpcChart } from '../lib/spc-chart.js';
import { variationIcon, assuranceIcon, markIcon } from '../lib/spc-icons.js';
import { currentTeam, canEditMeasures, canEditCategories, teamSettings } from '../data/team.js';
import { downloadFrom } from '../ui/download.js';
import { categoryRecords } from '../data/categories.js';
import {
  variationText, assuranceText, formatValue, withUnit, unitOf, sourceText, shortWeek, longWeek, decimalsFor,
  SUBGROUP_LABELS, DIRECTION_LABELS, STATUS_LABELS, ASSURANCE_WORDS, VARIATION_WORDS,
} from '../lib/measure-text.js';
import { FlashMessage } from '../ui/flash.js';

const WEEK_CHOICES = [4, 8, 12, 26, 52];
// The words under each icon (its full words are its text alternative, from measure-text.js).
const SHORT_VARIATION = { improvement: 'Improving', concern: 'Concerning', neutral: 'Special cause', common_cause: 'Common cause' };
const SHORT_ASSURANCE = { pass: 'Passing', fail: 'Failing', hit_and_miss: 'Hit and miss' };
const VALUE_KEY = {
  improvement: 'improving: shaded blue, in bold, with a square',
  concern: 'concerning: shaded orange, in bold, with a diamond',
  neutral: 'neither better nor worse: shaded purple, in bold, with a triangle',
};
// Why a measure has no assurance icon, in as few words as fit its narrow column.
const NO_ASSURANCE = { target: 'No target', ihi: 'Run chart', neutral: 'Neutral', data: 'Too few data' };

/** An SVG string from lib/spc-icons.js (built from constants and escaped words) in a span. */
function svg(html, cls) {
  const span = h('span', { class: cls });
  span.innerHTML = html;
  return span;
}

function weeksParam() {
  const n = Number(new URLSearchParams(location.search).get('weeks'));
  return Number.isInteger(n) && n >= 1 && n <= MAX_WEEKS ? n : DEFAULT_WEEKS;
}

async function load(app, weeks) {
  const settings = await teamSettings(app, app.teamId, () => app.refreshUnlessBusy());
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
    measures.length ? h('p', { class: 'hint-text' }, `The last ${plural(weeks, 'week')}, ${shortWeek(score.weeks[0])} to this week. Each measure’s target, variation and assurance stay in view while the weeks scroll sideways.`) : '',
    measures.length ? table(score, weeks) : h('p', { class: 'inset' }, 'This team has no measures on its box score yet. ',
      editor ? link('/measures/new', 'Add the first measure') : 'Your team lead or coach adds them.'),
    measures.length ? key() : '',
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
  const weekHead = (wk, i) => {
    const label = i === nWeeks - 1 ? 'This week' : i === nWeeks - 2 ? 'Last week' : null;
    return h('th', { scope: 'col', class: i === nWeeks - 1 ? 'bs__now' : null },
      label ? [label, h('span', { class: 'bs__sub' }, shortWeek(wk))] : shortWeek(wk));
  };
  // A group heading is a row of its own: a header cell over the pinned columns (so it stays in
  // view) and an empty cell under the weeks, rather than one header cell spanning data cells it
  // does not head (axe's th-has-data-cells).
  const bodies = score.groups.map((g) => h('tbody', { 'data-group': g.group },
    h('tr', { class: 'bs__group' },
      h('th', { scope: 'rowgroup', colspan: 4, class: 'bs__pin bs__groupname' }, g.label),
      h('td', { colspan: nWeeks })),
    g.measures.length ? g.measures.map((m) => measureRow(m, nWeeks))
      : h('tr', null, h('td', { class: 'bs__empty bs__pin bs__groupname', colspan: 4 }, `No ${g.label.toLowerCase()} measures.`), h('td', { colspan: nWeeks }))));
  const region = h('div', { class: 'table-scroll bs-scroll', tabindex: '0', role: 'region', 'aria-labelledby': 'bs-caption', 'data-testid': 'boxscore' },
    h('table', { class: 'bs' },
      h('caption', { id: 'bs-caption', class: 'visually-hidden' }, `Box score, the last ${plural(weeks, 'week')} (${shortWeek(score.weeks[0])} to this week)`),
      h('thead', null, h('tr', null,
        h('th', { scope: 'col', class: 'bs__pin bs__measure' }, 'Measure'),
        h('th', { scope: 'col', class: 'bs__pin bs__target' }, 'Target'),
        // Soft hyphens let a phone's narrow columns break these words; wider screens never do.
        h('th', { scope: 'col', class: 'bs__pin bs__variation' }, 'Varia\u00adtion'),
        h('th', { scope: 'col', class: 'bs__pin bs__assurance' }, 'Assur\u00adance'),
        score.weeks.map(weekHead))),
      bodies));
  // The region scrolls right-to-left (boxscore.css), so it opens at the latest weeks with no script
  // racing the first layout; scrollLeft is 0 there and negative towards earlier weeks. Every sync
  // redraws the screen: someone who has scrolled back to earlier weeks is kept there.
  const before = document.querySelector('[data-testid=boxscore]');
  if (before && before.scrollLeft < -1) {
    const kept = before.scrollLeft;
    setTimeout(() => { region.scrollLeft = kept; }, 0);
  }
  return region;
}

function variationCell(a) {
  const cell = h('td', { class: 'bs__pin bs__variation', 'data-testid': 'variation', 'data-signal': a.variation || '', 'data-side': a.variation_side || '' });
  if (!a.variation) cell.append(h('span', { class: 'bs__why' }, 'Too few data'));
  else cell.append(svg(variationIcon(a.variation, a.variation_side, variationText(a)), 'bs__icon'), h('span', { class: 'bs__caption', 'aria-hidden': 'true' }, SHORT_VARIATION[a.variation]));
  return cell;
}

function assuranceCell(a, m) {
  const cell = h('td', { class: 'bs__pin bs__assurance', 'data-testid': 'assurance', 'data-signal': a.assurance || '' });
  if (a.assurance) {
    cell.append(svg(assuranceIcon(a.assurance, ASSURANCE_WORDS[a.assurance]), 'bs__icon'), h('span', { class: 'bs__caption', 'aria-hidden': 'true' }, SHORT_ASSURANCE[a.assurance]));
  } else {
    const why = m.target == null ? 'target' : m.rule_set === 'ihi' ? 'ihi' : m.direction === 'neutral' ? 'neutral' : 'data';
    cell.append(h('span', { class: 'bs__why' }, NO_ASSURANCE[why]));
  }
  return cell;
}

function measureRow(m, nWeeks) {
  const unit = unitOf(m);
  const sub = [unit === '%' ? 'percent' : unit, m.subgroup ? SUBGROUP_LABELS[m.subgroup] : '', m.status === 'less_frequent' ? 'watched less often' : ''].filter(Boolean).join(' · ');
  const points = m.analysis.points;
  return h('tr', { 'data-measure': m.id },
    h('th', { scope: 'row', class: 'bs__pin bs__measure' }, link(`/boxscore/${m.id}`, m.name), sub ? h('span', { class: 'bs__sub' }, sub) : ''),
    h('td', { class: 'bs__pin bs__target' }, m.target == null
      ? [h('span', { 'aria-hidden': 'true' }, '–'), h('span', { class: 'visually-hidden' }, 'No target')] : formatValue(m.target)),
    variationCell(m.analysis),
    assuranceCell(m.analysis, m),
    m.series.map((s, i) => {
      const p = points[i];
      const attrs = {
        'data-week': s.week_start, 'data-value': s.value ?? '', 'data-signal': p?.special ? p.signal : null,
        class: [i === nWeeks - 1 ? 'bs__now' : '', p?.special ? `is-special is-${p.signal}` : ''].filter(Boolean).join(' ') || null,
      };
      if (s.value === null) return h('td', attrs, h('span', { 'aria-hidden': 'true' }, '·'), h('span', { class: 'visually-hidden' }, 'no value'));
      if (!p?.special) return h('td', attrs, formatValue(s.value));
      // A special-cause value: its signal's colour, shape and weight, and the words for a screen reader.
      return h('td', attrs, svg(markIcon(p.signal), 'bs__mark'), formatValue(s.value),
        h('span', { class: 'visually-hidden' }, ` (${VARIATION_WORDS[p.signal].toLowerCase()})`));
    }));
}

/** What the icons, letters and marked values mean: always on the screen beside the table. */
function key() {
  const item = (icons, words) => h('li', null, h('span', { class: 'bs-key__icons' }, icons), h('span', null, words));
  const icon = (html) => svg(html, 'bs__icon');
  const pair = (kind) => [icon(variationIcon(kind, 'high')), icon(variationIcon(kind, 'low'))];
  return h('section', { class: 'bs-key', 'aria-labelledby': 'bs-key-title', 'data-testid': 'boxscore-key' },
    h('h2', { id: 'bs-key-title' }, 'Key'),
    h('div', { class: 'bs-key__groups' },
      h('div', null,
        h('h3', null, 'Variation'),
        h('ul', { class: 'bs-key__list' },
          item(icon(variationIcon('common_cause')), 'Common cause: grey, no letter. Only the variation the process always has.'),
          item(pair('improvement'), 'Special cause, improving: blue, squares.'),
          item(pair('concern'), 'Special cause, concerning: orange, diamonds.'),
          item(pair('neutral'), 'Special cause, neither better nor worse (a measure with no better direction): purple, triangles.')),
        h('p', null, h('strong', null, 'H'), ' a high signal: high values or a rising trend. ', h('strong', null, 'L'), ' a low signal: low values or a falling trend.')),
      h('div', null,
        h('h3', null, 'Assurance'),
        h('ul', { class: 'bs-key__list' },
          item(icon(assuranceIcon('pass')), [h('strong', null, 'P'), ' Consistently passing the target: blue.']),
          item(icon(assuranceIcon('fail')), [h('strong', null, 'F'), ' Consistently failing the target: orange.']),
          item(icon(assuranceIcon('hit_and_miss')), [h('strong', null, '?'), ' Hit and miss: the target may or may not be met: grey.'])),
        h('p', null, 'Only for a measure with a target and a better direction (not a neutral one), on an XmR chart.')),
      h('div', null,
        h('h3', null, 'Values'),
        h('ul', { class: 'bs-key__list bs-key__values' },
          Object.entries(VALUE_KEY).map(([kind, words]) => item(
            h('span', { class: `bs-key__value is-special is-${kind}` }, svg(markIcon(kind), 'bs__mark'), '12'),
            `A special-cause value, ${words}.`))),
        h('p', null, 'Each measure follows its own rule set (Making Data Count unless the team chose IHI run chart rules). Open a measure for its chart.'))));
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
        const name = await downloadFrom(app, `/api/teams/${encodeURIComponent(app.teamId)}/boxscore.${ext}?weeks=${weeks}`, `boxscore.${ext}`);
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
  const chart = h('div', { 'data-testid': 'chart' });
  // A phone gets a drawing about as wide as its screen, so the SVG (which scales to the width)
  // keeps its text near the size it was drawn at.
  const narrow = window.innerWidth < 600;
  chart.innerHTML = renderSpcChart(a, { // escaped by renderSpcChart
    title: m.name, unit: unitOf(m), weeks: a.points.map((p) => p.week_start),
    decimals: decimalsFor(m, a.points.map((p) => p.value)),
    width: narrow ? Math.max(300, window.innerWidth - 50) : 720, height: narrow ? 380 : 340, fontSize: narrow ? 13 : 12,
  });
  const facts = [
    ['Aim', m.aim], ['Target', m.target == null ? 'None' : withUnit(m.target, m)], ['Better', DIRECTION_LABELS[m.direction]],
    ['Group', [score.groups.find((g) => g.group === m.group)?.label, SUBGROUP_LABELS[m.subgroup]].filter(Boolean).join(', ')],
    ['Data', sourceText(m, categories)], ['Definition', m.operational_definition], ['Status', STATUS_LABELS[m.status]],
    ['Chart', a.rule_set_label], ['Re-based', m.rebase_weeks.length ? m.rebase_weeks.map((w) => `w/c ${longWeek(w)}`).join('; ') : ''],
  ].filter(([, v]) => v);
  return h('div', null,
    h('h1', null, m.name),
    // The icons as on the box score; the words beside them say what they show, so they are not read twice.
    h('div', { class: 'chart-signals' },
      a.variation ? svg(variationIcon(a.variation, a.variation_side), 'bs__icon') : '',
      a.assurance ? svg(assuranceIcon(a.assurance), 'bs__icon') : '',
      h('p', { class: 'lede', 'data-testid': 'chart-words' }, `${variationText(a)}. ${assuranceText(a, m)}.`)),
    chart,
    h('dl', { class: 'facts' }, facts.map(([k, v]) => [h('dt', null, k), h('dd', null, v)])),
    h('details', { class: 'details' }, h('summary', null, 'Values week by week'),
      h('table', { class: 'data-table' },
        h('caption', { class: 'visually-hidden' }, `${m.name}, week by week`),
        h('thead', null, h('tr', null, ['Week beginning', 'Value', 'Signal'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', null, [...a.points].reverse().map((p) => h('tr', null,
          h('td', null, longWeek(p.week_start)),
          h('td', null, p.value === null ? 'No value' : withUnit(p.value, m)),
          h('td', null, p.value === null ? '' : `${VARIATION_WORDS[p.signal]}${p.signal_side ? ` (${p.signal_side})` : ''}`)))))),
    h('ul', { class: 'links' },
      h('li', null, link('/boxscore', 'Back to the box score')),
      canEditMeasures(app) ? h('li', null, link(`/measures/${m.id}`, 'Edit this measure')) : '',
      m.source !== 'derived' ? h('li', null, link('/values', 'Enter this week’s values')) : ''));
}
