// A Pareto chart as an SVG string: bars from the largest to the smallest, and the running total as
// a percentage on its own axis, so the bars that make up most of the whole (where the team's next
// idea should aim) stand first. Bars past `max` are summed into one last "Other" bar so every name
// stays legible. The drawing is one picture with a name; its figures are for the caller to give as
// a table beside it (paretoRows), so nothing is known from the drawing alone.
import { SPC_COLOURS } from './spc-icons.js';

const INK = '#212b32';
const BAR = '#005eb8';
const GRID = '#d8dde0';
const CHAR = 0.56; // average width of an Arial character per unit of font size (as in spc-chart.js)
const HALO = 'paint-order="stroke" stroke="#fff" stroke-width="4" stroke-linejoin="round"';
const esc = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const n = (v) => +v.toFixed(1);

/**
 * [{name, value}] -> [{name, value, percent, cumulative}] sorted by value, largest first; after
 * `max` rows the rest are one row named `other(count)`. Percentages are of the total, 0-100.
 */
export function paretoRows(items, { max = 8, other = (count) => `Other (${count})` } = {}) {
  const sorted = items.filter((x) => x.value > 0).sort((a, b) => b.value - a.value || String(a.name).localeCompare(String(b.name)));
  const rows = sorted.length > max
    ? [...sorted.slice(0, max - 1), { name: other(sorted.length - max + 1), value: sorted.slice(max - 1).reduce((t, x) => t + x.value, 0) }]
    : sorted;
  const total = rows.reduce((t, x) => t + x.value, 0);
  let running = 0;
  return rows.map(({ name, value }) => {
    running += value;
    return { name, value, percent: (value / total) * 100, cumulative: (running / total) * 100 };
  });
}

/** Words into at most `lines` lines of about `width` characters, the last cut with an ellipsis. */
function wrap(text, width, lines) {
  const out = [];
  let line = '';
  for (const word of String(text).split(/\s+/)) {
    if (line && (line + ' ' + word).length > width) {
      out.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  out.push(line);
  if (out.length > lines) out.splice(lines - 1, out.length, `${out.slice(lines - 1).join(' ').slice(0, Math.max(1, width - 1))}…`);
  return out.map((l) => (l.length > width ? `${l.slice(0, Math.max(1, width - 1))}…` : l));
}

/**
 * rows: paretoRows(...). label(value): a bar's value in words ("12.5 h"). title: the chart's name
 * (its text alternative, with the caller's table). Drawn at width × height, text at fontSize.
 */
export function renderParetoChart(rows, { title, label = String, width = 640, height = 320, fontSize = 14 } = {}) {
  const fs = fontSize;
  const L = fs * 3.2, R = fs * 3.2, T = fs * 1.8, B = fs * 4.4;
  const plotW = width - L - R, plotH = height - T - B;
  const top = Math.max(...rows.map((r) => r.value), 1);
  const slot = plotW / rows.length;
  const x = (i) => L + slot * (i + 0.5);
  const yValue = (v) => T + plotH * (1 - v / top);
  const yPercent = (p) => T + plotH * (1 - p / 100);
  const text = (tx, ty, s, anchor = 'middle', extra = '') => `<text x="${n(tx)}" y="${n(ty)}" text-anchor="${anchor}" ${extra}>${esc(s)}</text>`;

  let body = `<path d="M${n(L)} ${n(T + plotH)}H${n(L + plotW)}M${n(L)} ${n(T)}V${n(T + plotH)}M${n(L + plotW)} ${n(T)}V${n(T + plotH)}" stroke="${INK}" stroke-width="1.5"/>`;
  // The right axis: the running total's percentage, with the 80% mark a Pareto chart is read by.
  for (const p of [0, 50, 80, 100]) {
    body += `<path d="M${n(L)} ${n(yPercent(p))}H${n(L + plotW)}" stroke="${p === 80 ? SPC_COLOURS.common_cause : GRID}"${p === 80 ? ' stroke-dasharray="6 4"' : ''}/>`;
    body += text(L + plotW + fs * 0.4, yPercent(p) + fs * 0.35, `${p}%`, 'start');
  }
  body += text(L - fs * 0.4, T + plotH + fs * 0.35, label(0), 'end') + text(L - fs * 0.4, T + fs * 0.35, label(top), 'end');
  const barW = Math.min(slot * 0.72, fs * 6);
  const chars = Math.max(4, Math.floor(slot / (CHAR * fs * 0.9)));
  rows.forEach((r, i) => {
    const y = yValue(r.value);
    body += `<rect x="${n(x(i) - barW / 2)}" y="${n(y)}" width="${n(barW)}" height="${n(T + plotH - y)}" fill="${BAR}"/>`;
    // The value inside the top of its bar, or above a bar too short to hold it.
    const inside = T + plotH - y >= fs * 1.6;
    body += text(x(i), inside ? y + fs * 1.2 : y - fs * 0.3, label(r.value), 'middle', `font-weight="700"${inside ? ' fill="#fff"' : ` ${HALO}`}`);
    wrap(r.name, chars, 3).forEach((line, k) => {
      body += text(x(i), T + plotH + fs * (1.3 + k * 1.1), line, 'middle', `font-size="${n(fs * 0.9)}"`);
    });
  });
  const line = rows.map((r, i) => `${i ? 'L' : 'M'}${n(x(i))} ${n(yPercent(r.cumulative))}`).join('');
  body += `<path d="${line}" fill="none" stroke="${INK}" stroke-width="2.5"/>`;
  rows.forEach((r, i) => {
    body += `<circle cx="${n(x(i))}" cy="${n(yPercent(r.cumulative))}" r="${n(fs * 0.3)}" fill="${INK}"/>`;
    if (i < rows.length - 1) body += text(x(i) + fs * 0.3, yPercent(r.cumulative) - fs * 0.5, `${Math.round(r.cumulative)}%`, 'end', HALO);
  });
  return `<svg class="pareto" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" role="img" aria-label="${esc(title)}" font-family="Arial, sans-serif" font-size="${fs}" fill="${INK}">${body}</svg>`;
}
