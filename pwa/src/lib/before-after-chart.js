// A shared change's measure before and after it was first tested, as a small SVG string: the weekly
// values as a line, greyed before the change and blue after, a dashed line where the change began and
// each side's average as a level line. The drawing is one named picture (role img); `beforeAfterText`
// says the same in words for its text alternative, so nothing is known from the drawing alone.
const INK = '#212b32';
const BEFORE = '#768692';
const AFTER = '#005eb8';
const esc = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const n = (v) => +v.toFixed(1);
const figure = (v) => (Number.isInteger(v) ? String(v) : String(+v.toFixed(2)));
const DIRECTION = { up: 'higher is better', down: 'lower is better', neutral: '' };

/** The chart in words: "Falls (lower is better): 6 on average in the 8 weeks before the change began in
 * the week of 7 Sep 2026, 2 in the 7 weeks after." */
export function beforeAfterText(chart, day = (iso) => iso) {
  const before = chart.points.filter((p) => p.phase === 'before');
  const after = chart.points.filter((p) => p.phase === 'after');
  const unit = chart.unit ? ` ${chart.unit}` : '';
  const name = `${chart.measure_name}${DIRECTION[chart.direction] ? ` (${DIRECTION[chart.direction]})` : ''}`;
  if (!chart.points.length) return `${name}: no weekly values around the change yet.`;
  const side = (pts, mean, words) => (pts.length
    ? `${figure(mean)}${unit} on average in the ${pts.length === 1 ? 'week' : `${pts.length} weeks`} ${words}`
    : `no values ${words}`);
  return `${name}: ${side(before, chart.before_mean, 'before')} the change began in the week of ${day(chart.change_week)}; `
    + `${side(after, chart.after_mean, 'after')}.`;
}

/** The SVG (a string; every word escaped). `title` names the picture; `description` is its text alternative. */
export function renderBeforeAfterChart(chart, { title, description, width = 320, height = 120, id = 'chart' } = {}) {
  const pts = chart.points;
  const pad = { l: 8, r: 8, t: 10, b: 10 };
  const values = pts.map((p) => p.value);
  const lo = Math.min(...values, 0);
  const hi = Math.max(...values, 1);
  const span = hi - lo || 1;
  const count = Math.max(pts.length - 1, 1);
  const x = (i) => pad.l + ((width - pad.l - pad.r) * i) / count;
  const y = (v) => pad.t + (height - pad.t - pad.b) * (1 - (v - lo) / span);
  const firstAfter = pts.findIndex((p) => p.phase === 'after');
  const line = (from, to, colour) => {
    const seg = pts.slice(from, to).map((p, i) => `${n(x(from + i))},${n(y(p.value))}`).join(' ');
    return seg ? `<polyline points="${seg}" fill="none" stroke="${colour}" stroke-width="2"/>`
      + pts.slice(from, to).map((p, i) => `<circle cx="${n(x(from + i))}" cy="${n(y(p.value))}" r="2.5" fill="${colour}"/>`).join('') : '';
  };
  const level = (mean, from, to, colour) => (mean == null || from >= to ? ''
    : `<line x1="${n(x(from))}" x2="${n(x(Math.max(to - 1, from)))}" y1="${n(y(mean))}" y2="${n(y(mean))}" stroke="${colour}" stroke-width="1" stroke-dasharray="2 2"/>`);
  const split = firstAfter < 0 ? pts.length : firstAfter;
  const marker = firstAfter > 0
    ? `<line x1="${n((x(firstAfter - 1) + x(firstAfter)) / 2)}" x2="${n((x(firstAfter - 1) + x(firstAfter)) / 2)}" y1="${pad.t - 6}" y2="${height - pad.b + 6}" stroke="${INK}" stroke-width="1" stroke-dasharray="4 3"/>`
    : '';
  return `<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 ${width} ${height}" width="100%" `
    + `preserveAspectRatio="xMidYMid meet" aria-labelledby="${esc(id)}-title ${esc(id)}-desc" class="before-after">`
    + `<title id="${esc(id)}-title">${esc(title)}</title><desc id="${esc(id)}-desc">${esc(description)}</desc>`
    + marker + level(chart.before_mean, 0, split, BEFORE) + level(chart.after_mean, split, pts.length, AFTER)
    + line(0, split, BEFORE) + (firstAfter > 0 ? line(firstAfter - 1, pts.length, AFTER) : line(split, pts.length, AFTER))
    + '</svg>';
}
