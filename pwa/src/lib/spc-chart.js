// Draws the result of analyse() (./spc.js) as an accessible SVG run/XmR chart, returned as an
// HTML string: <figure> with the SVG, a caption naming the rule set, and a visually hidden list of
// every special-cause point. Signals differ by marker shape as well as colour (the shapes and
// palette of ./spc-icons.js, so the chart reads like the box score's icons), and every point says
// what it means in text, so nothing depends on colour alone. The caption repeats the svg's
// aria-label for sighted readers, so it is hidden from screen readers to avoid reading it twice.
//
// What a reader needs at the board is written on the chart itself: the rule set, each line's name
// and value ("Upper process limit 118", "Mean 96", "Target 90") to the precision the measure is
// counted in, enough week dates along the bottom to find a week (with the year under the first
// week and each new year), and a labelled divider where the team re-based (each phase has its own
// limits). Labels sit inside the plot with a white halo and move off the data points they would hide.
import { SPC_COLOURS, mark } from './spc-icons.js';
import { longWeek, shortWeek } from './measure-text.js';

const INK = '#212b32';
const GRID = '#e8edee';
const LINE = '#425563';
const SIGNAL_TEXT = {
  improvement: 'special cause, improvement',
  concern: 'special cause, concern',
  neutral: 'special cause, neither better nor worse',
  common_cause: 'common cause',
};
const LEGEND = { common_cause: 'Common cause', improvement: 'Improvement', concern: 'Concern', neutral: 'Neither' };
const RULE_TEXT = {
  outside_limits: 'outside the process limits',
  shift: 'in a run on one side of the centre line',
  trend: 'in a run of rising or falling values',
  two_of_three: '2 of 3 values close to a limit',
  astronomical: 'an astronomical value',
};
const CHAR = 0.56; // average width of an Arial character per unit of font size, to place labels without measuring
const HALO = 'paint-order="stroke" stroke="#fff" stroke-width="3" stroke-linejoin="round"';

const esc = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const fmt = (x) => String(Math.round(x * 100) / 100);

/** A number as the measure counts it: `decimals` places, thousands separated (12,346; 45.3). */
export function formatLevel(x, decimals = 2) {
  return x.toLocaleString('en-GB', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

/** Tick values for an axis from lo to hi: steps of 1, 2 or 5 x 10^k, about `count` of them. */
function niceTicks(lo, hi, count) {
  const raw = (hi - lo) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw);
  const ticks = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) ticks.push(+v.toFixed(10));
  return { ticks, step };
}

/**
 * @param {ReturnType<import('./spc.js').analyse>} analysis
 * @param {{title?: string, unit?: string, weeks?: string[], labels?: string[], decimals?: number,
 *          width?: number, height?: number, fontSize?: number}} [options]
 *   weeks: the Monday (ISO date) of each point, for the axis and the words; labels: words for each
 *   point when there are no weeks (defaults to "Week 1", "Week 2", ...); decimals: the places the
 *   measure is counted in (0 for patients), used for the lines' values; fontSize: in the drawing's
 *   units (a phone draws narrower, so its text is not shrunk as far).
 */
export function renderSpcChart(analysis, {
  title = 'Measure', unit = '', weeks = null, labels = [], decimals = 2, width = 640, height = 300, fontSize = 12,
} = {}) {
  const fs = fontSize, charW = CHAR * fontSize;
  const { points, phases, target } = analysis;
  const label = (i) => (weeks ? `w/c ${longWeek(weeks[i])}` : labels[i] ?? `Week ${i + 1}`);
  const tick = (i) => (weeks ? shortWeek(weeks[i]) : labels[i] ?? String(i + 1));
  const withUnit = (x) => `${fmt(x)}${unit ? ` ${unit}` : ''}`;
  const level = (x) => `${formatLevel(x, decimals)}${unit === '%' ? '%' : ''}`;
  const special = points.filter((p) => p.special);
  const pointText = (p) => `${label(p.index)}: ${withUnit(p.value)}, ${SIGNAL_TEXT[p.signal]}`
    + (p.rules.length ? ` (${p.rules.map((r) => RULE_TEXT[r]).join('; ')})` : '');
  const description = special.length
    ? `Special cause points: ${special.map(pointText).join('. ')}.`
    : 'No special cause points.';

  const L = Math.round(fs * 4.6), R = 16, T = Math.round(fs * 3.4), B = Math.round(fs * (weeks ? 6.4 : 5));
  const ys = points.flatMap((p) => [p.value, p.upper, p.lower, p.centre]).filter((v) => v !== null);
  if (target !== null) ys.push(target);
  let lo = ys.length ? Math.min(...ys) : 0, hi = ys.length ? Math.max(...ys) : 1;
  if (hi === lo) { lo -= 1; hi += 1; }
  const pad = (hi - lo) * 0.1;
  lo -= pad; hi += pad;
  const plotW = width - L - R;
  const xOf = (i) => +(L + (points.length > 1 ? (i * plotW) / (points.length - 1) : plotW / 2)).toFixed(1);
  const yOf = (v) => +(T + ((hi - v) * (height - T - B)) / (hi - lo)).toFixed(1);
  const bottom = height - B;
  const hline = (v, x1, x2, dash, colour = LINE, w = 1.5) =>
    `<line x1="${x1}" x2="${x2}" y1="${yOf(v)}" y2="${yOf(v)}" stroke="${colour}" stroke-width="${w}"${dash ? ` stroke-dasharray="${dash}"` : ''}/>`;
  const text = (x, y, s, { anchor = 'start', size = fs, weight = '', halo = false } = {}) =>
    `<text x="${+x.toFixed(1)}" y="${+y.toFixed(1)}" font-size="${size}"${anchor === 'start' ? '' : ` text-anchor="${anchor}"`}`
    + `${weight ? ` font-weight="${weight}"` : ''} fill="${INK}"${halo ? ` ${HALO}` : ''}>${esc(s)}</text>`;

  const parts = [];
  parts.push(text(L, fs * 1.4, analysis.rule_set_label, { size: fs + 2, weight: 700 }));
  if (unit) parts.push(text(L - 8, T - fs, unit, { anchor: 'end' }));

  // Value axis: round numbers and faint grid lines behind everything.
  const { ticks, step } = niceTicks(lo, hi, Math.max(3, Math.round((height - T - B) / 45)));
  const tickPlaces = Math.max(0, Math.min(decimals, -Math.floor(Math.log10(step) + 1e-9)));
  for (const v of ticks) {
    parts.push(`<line x1="${L}" x2="${width - R}" y1="${yOf(v)}" y2="${yOf(v)}" stroke="${GRID}" stroke-width="1"/>`);
    parts.push(text(L - 8, yOf(v) + fs * 0.35, formatLevel(v, tickPlaces), { anchor: 'end' }));
  }

  // Week axis: as many dates as fit side by side, counted back from the latest week so that it is
  // always labelled; the year under the first labelled week and wherever a new year starts.
  if (points.length) {
    const widest = Math.max(...points.map((p) => tick(p.index).length)) * charW + fs * 0.6;
    const gap = points.length > 1 ? plotW / (points.length - 1) : plotW;
    const every = Math.max(1, Math.ceil(widest / gap));
    // A small tick for every week, so a reader can count on from the nearest date.
    if (every > 1) {
      parts.push(`<path d="${points.map((p) => `M${xOf(p.index)} ${bottom}v3`).join('')}" stroke="${INK}"/>`);
    }
    let lastYear = null;
    const shown = points.map((p) => p.index).filter((i) => (points.length - 1 - i) % every === 0);
    for (const i of shown) {
      const x = xOf(i);
      parts.push(`<line x1="${x}" x2="${x}" y1="${bottom}" y2="${bottom + 5}" stroke="${INK}"/>`);
      // The newest week sits on the plot's right edge: its date ends there rather than run off it.
      const half = (tick(i).length * charW) / 2;
      const [tx, anchor] = x + half > width - 2 ? [width - 2, 'end'] : x - half < 2 ? [2, 'start'] : [x, 'middle'];
      parts.push(text(tx, bottom + fs * 1.6, tick(i), { anchor }));
      const year = weeks ? weeks[i].slice(0, 4) : null;
      if (year && year !== lastYear) parts.push(text(x, bottom + fs * 2.8, year, { anchor: 'middle' }));
      lastYear = year;
    }
    parts.push(`<line x1="${L}" x2="${width - R}" y1="${bottom}" y2="${bottom}" stroke="${INK}"/>`);
    if (weeks) parts.push(text(L + plotW / 2, bottom + fs * 4.1, 'Week beginning', { anchor: 'middle' }));
  }

  // Lines: each phase its own centre line and limits; a labelled divider where a phase starts.
  for (const [n, ph] of phases.entries()) {
    if (n > 0 && ph.start <= ph.end) {
      const x = +((xOf(ph.start) + xOf(ph.start - 1)) / 2).toFixed(1);
      parts.push(`<line x1="${x}" x2="${x}" y1="${T - 8}" y2="${bottom}" stroke="${INK}" stroke-width="1.5" stroke-dasharray="4 3"/>`);
      const words = `Re-based${weeks ? ` w/c ${tick(ph.start)}` : ''}`;
      const fits = x + 4 + words.length * charW <= width - R;
      parts.push(text(fits ? x + 4 : x - 4, T - fs * 0.3, words, { anchor: fits ? 'start' : 'end', halo: true }));
    }
    if (ph.centre === null || ph.end < ph.start) continue;
    const x1 = xOf(ph.start), x2 = xOf(ph.end);
    parts.push(hline(ph.centre, x1, x2, ''));
    if (ph.upper != null) {
      const dash = ph.trial ? '2 3' : '6 4';
      parts.push(hline(ph.upper, x1, x2, dash), hline(ph.lower, x1, x2, dash));
    }
  }
  if (target !== null && points.length) parts.push(hline(target, L, width - R, '10 3 2 3', SPC_COLOURS.target, 2));

  let d = '', pen = false;
  for (const p of points) {
    if (p.value === null) { pen = false; continue; }
    d += `${pen ? 'L' : 'M'}${xOf(p.index)} ${yOf(p.value)}`;
    pen = true;
  }
  if (d) parts.push(`<path d="${d}" fill="none" stroke="${LINE}" stroke-width="1.5"/>`);
  for (const p of points) {
    if (p.value === null) continue;
    parts.push(`<g>${mark(p.signal, xOf(p.index), yOf(p.value), p.special ? 5 : 3.5, { stroke: INK })}<title>${esc(pointText(p))}</title></g>`);
  }

  // Line labels, placed last so they sit over the data with a halo, each where it hides no point
  // and no other label: just above or below its line at the right, the left or the middle, and
  // only if none of those is free a line's height further off.
  const boxes = points.filter((p) => p.value !== null).map((p) => [xOf(p.index) - 6, yOf(p.value) - 6, xOf(p.index) + 6, yOf(p.value) + 6]);
  const hits = (a) => boxes.some((b) => a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3]);
  const place = (s, v, x1, x2, preferBelow = false) => {
    const w = s.length * charW, y = yOf(v);
    const spots = [];
    for (let off = 0; off < 3; off++) {
      const sides = [y - fs * (0.35 + off), y + fs * (1.15 + off)];
      if (preferBelow) sides.reverse();
      for (const [x, anchor] of [[x2, 'end'], [x1, 'start'], [(x1 + x2 + w) / 2, 'end']]) {
        if (anchor === 'end' ? x - w >= L : x + w <= width - R) for (const ty of sides) spots.push([x, ty, anchor]);
      }
    }
    if (!spots.length) spots.push([width - R, y - fs * 0.35, 'end']);
    const box = ([x, ty, anchor]) => (anchor === 'end' ? [x - w, ty - fs * 0.85, x, ty + 2] : [x, ty - fs * 0.85, x + w, ty + 2]);
    const spot = spots.find((s2) => !hits(box(s2))) || spots[0];
    boxes.push(box(spot));
    parts.push(text(spot[0], spot[1], s, { anchor: spot[2], halo: true }));
  };
  const last = phases.length ? phases[phases.length - 1] : null;
  if (last && last.centre !== null && last.end >= last.start) {
    const x1 = xOf(last.start), x2 = xOf(last.end);
    if (last.upper != null && last.upper !== last.lower) {
      place(`Upper process limit ${level(last.upper)}`, last.upper, x1, x2);
      place(`Lower process limit ${level(last.lower)}`, last.lower, x1, x2, true);
    }
    const centre = analysis.rule_set === 'ihi' ? 'Median' : 'Mean';
    place(last.upper != null && last.upper === last.lower ? `${centre} and both limits ${level(last.centre)}` : `${centre} ${level(last.centre)}`,
      last.centre, x1, x2);
  }
  if (target !== null && points.length) place(`Target ${level(target)}`, target, L, width - R);

  // Key to the markers shown (common cause always, the signals that occur).
  const kinds = ['common_cause', ...['improvement', 'concern', 'neutral'].filter((k) => special.some((p) => p.signal === k))];
  let lx = L;
  for (const kind of kinds) {
    parts.push(mark(kind, lx + 6, height - fs * 0.85, kind === 'common_cause' ? 3.5 : 5, { stroke: INK }));
    parts.push(text(lx + 15, height - fs * 0.5, LEGEND[kind]));
    lx += 30 + LEGEND[kind].length * charW;
  }

  const heading = `${title}. ${analysis.summary}`;
  const list = special.length
    ? special.map((p) => `<li>${esc(pointText(p))}</li>`).join('')
    : '<li>No special cause points.</li>';
  return `<figure class="spc-chart">`
    + `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" role="img" aria-label="${esc(heading)}" font-family="Arial, sans-serif">`
    + `<title>${esc(`${title}: ${analysis.rule_set_label}`)}</title><desc>${esc(description)}</desc>`
    + parts.join('')
    + `</svg><figcaption aria-hidden="true">${esc(analysis.summary)}</figcaption>`
    + `<ul class="visually-hidden">${list}</ul></figure>`;
}
