// Draws the result of analyse() (./spc.js) as an accessible SVG run/XmR chart, returned as an
// HTML string: <figure> with the SVG, a caption naming the rule set, and a visually hidden list of
// every special-cause point. Signals differ by marker shape as well as colour, and every point
// says what it means in text, so nothing depends on colour alone.
// Orange (#ed8b00) is only 2.5:1 against white, so orange markers carry a dark outline (WCAG
// 1.4.11 asks 3:1 of graphics); no text is drawn in orange. The caption repeats the svg's
// aria-label for sighted readers, so it is hidden from screen readers to avoid reading it twice.

const INK = '#212b32';
const GREY = '#425563';
const STYLE = {
  improvement: { fill: '#005eb8', shape: 'square', text: 'special cause, improvement' },
  concern: { fill: '#ed8b00', shape: 'diamond', text: 'special cause, concern' },
  neutral: { fill: '#330072', shape: 'triangle', text: 'special cause, neither better nor worse' },
  common_cause: { fill: GREY, shape: 'circle', text: 'common cause' },
};
const RULE_TEXT = {
  outside_limits: 'outside the process limits',
  shift: 'in a run on one side of the centre line',
  trend: 'in a run of rising or falling values',
  two_of_three: '2 of 3 values close to a limit',
  astronomical: 'an astronomical value',
};
const HIDDEN = 'position:absolute;width:1px;height:1px;margin:-1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap';

const esc = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const fmt = (x) => String(Math.round(x * 100) / 100);

function marker(shape, x, y, fill) {
  const a = `fill="${fill}" stroke="${INK}" stroke-width="1"`;
  if (shape === 'circle') return `<circle cx="${x}" cy="${y}" r="3.5" ${a}/>`;
  if (shape === 'square') return `<rect x="${x - 4.5}" y="${y - 4.5}" width="9" height="9" ${a}/>`;
  if (shape === 'diamond') return `<path d="M${x} ${y - 6}L${x + 6} ${y}L${x} ${y + 6}L${x - 6} ${y}Z" ${a}/>`;
  return `<path d="M${x} ${y - 6}L${x + 6} ${y + 5}L${x - 6} ${y + 5}Z" ${a}/>`;
}

/**
 * @param {ReturnType<import('./spc.js').analyse>} analysis
 * @param {{title?: string, unit?: string, labels?: string[], width?: number, height?: number}} [options]
 *   labels: one per point (e.g. week starting dates); defaults to "Week 1", "Week 2", ...
 */
export function renderSpcChart(analysis, { title = 'Measure', unit = '', labels = [], width = 640, height = 260 } = {}) {
  const { points, phases, target } = analysis;
  const label = (i) => labels[i] ?? `Week ${i + 1}`;
  const withUnit = (x) => `${fmt(x)}${unit ? ` ${unit}` : ''}`;
  const special = points.filter((p) => p.special);
  const pointText = (p) => `${label(p.index)}: ${withUnit(p.value)}, ${STYLE[p.signal].text}`
    + (p.rules.length ? ` (${p.rules.map((r) => RULE_TEXT[r]).join('; ')})` : '');
  const description = special.length
    ? `Special cause points: ${special.map(pointText).join('. ')}.`
    : 'No special cause points.';

  const L = 52, R = 64, T = 30, B = 40;
  const ys = points.flatMap((p) => [p.value, p.upper, p.lower, p.centre]).filter((v) => v !== null);
  if (target !== null) ys.push(target);
  let lo = ys.length ? Math.min(...ys) : 0, hi = ys.length ? Math.max(...ys) : 1;
  if (hi === lo) { lo -= 1; hi += 1; }
  const pad = (hi - lo) * 0.08;
  lo -= pad; hi += pad;
  const xOf = (i) => +(L + (points.length > 1 ? (i * (width - L - R)) / (points.length - 1) : (width - L - R) / 2)).toFixed(1);
  const yOf = (v) => +(T + ((hi - v) * (height - T - B)) / (hi - lo)).toFixed(1);
  const hline = (v, x1, x2, dash, colour = GREY, w = 1.5) =>
    `<line x1="${x1}" x2="${x2}" y1="${yOf(v)}" y2="${yOf(v)}" stroke="${colour}" stroke-width="${w}"${dash ? ` stroke-dasharray="${dash}"` : ''}/>`;

  const parts = [];
  parts.push(`<text x="${L}" y="16" font-size="12" fill="${INK}">${esc(analysis.rule_set_label)}</text>`);
  for (const v of [hi - pad, (hi + lo) / 2, lo + pad]) {
    parts.push(`<text x="${L - 6}" y="${yOf(v) + 4}" font-size="11" text-anchor="end" fill="${INK}">${esc(fmt(v))}</text>`);
  }
  if (points.length) {
    parts.push(`<text x="${L}" y="${height - 8}" font-size="11" fill="${INK}">${esc(label(0))}</text>`);
    parts.push(`<text x="${width - R}" y="${height - 8}" font-size="11" text-anchor="end" fill="${INK}">${esc(label(points.length - 1))}</text>`);
  }
  for (const ph of phases) {
    if (ph.centre === null || ph.end < ph.start) continue;
    const x1 = xOf(ph.start), x2 = xOf(ph.end);
    parts.push(hline(ph.centre, x1, x2, ''));
    if (ph.upper != null) {
      const dash = ph.trial ? '2 3' : '6 4';
      parts.push(hline(ph.upper, x1, x2, dash), hline(ph.lower, x1, x2, dash));
    }
  }
  if (target !== null && points.length) {
    parts.push(hline(target, L, width - R, '10 3 2 3', '#005eb8', 2));
    parts.push(`<text x="${width - R + 4}" y="${yOf(target) + 4}" font-size="11" fill="${INK}">Target</text>`);
  }
  const last = phases.length ? phases[phases.length - 1] : null;
  if (last && last.centre !== null && last.end >= last.start) {
    const centreName = analysis.rule_set === 'ihi' ? 'Median' : 'Mean';
    parts.push(`<text x="${width - R + 4}" y="${yOf(last.centre) + 4}" font-size="11" fill="${INK}">${centreName}</text>`);
  }
  let d = '', pen = false;
  for (const p of points) {
    if (p.value === null) { pen = false; continue; }
    d += `${pen ? 'L' : 'M'}${xOf(p.index)} ${yOf(p.value)}`;
    pen = true;
  }
  if (d) parts.push(`<path d="${d}" fill="none" stroke="${GREY}" stroke-width="1.5"/>`);
  for (const p of points) {
    if (p.value === null) continue;
    const s = STYLE[p.signal];
    parts.push(`<g>${marker(s.shape, xOf(p.index), yOf(p.value), s.fill)}<title>${esc(pointText(p))}</title></g>`);
  }
  const shown = ['common_cause', ...['improvement', 'concern', 'neutral'].filter((k) => special.some((p) => p.signal === k))];
  let lx = L;
  for (const key of shown) {
    const name = key === 'common_cause' ? 'Common cause' : key[0].toUpperCase() + key.slice(1);
    parts.push(marker(STYLE[key].shape, lx + 6, height - 26, STYLE[key].fill));
    parts.push(`<text x="${lx + 15}" y="${height - 22}" font-size="11" fill="${INK}">${name}</text>`);
    lx += 30 + name.length * 6.5;
  }

  const heading = `${title}. ${analysis.summary}`;
  const list = special.length
    ? special.map((p) => `<li>${esc(pointText(p))}</li>`).join('')
    : '<li>No special cause points.</li>';
  return `<figure class="spc-chart">`
    + `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" role="img" aria-label="${esc(heading)}">`
    + `<title>${esc(`${title}: ${analysis.rule_set_label}`)}</title><desc>${esc(description)}</desc>`
    + parts.join('')
    + `</svg><figcaption aria-hidden="true">${esc(analysis.summary)}</figcaption>`
    + `<ul class="visually-hidden" style="${HIDDEN}">${list}</ul></figure>`;
}
