// The Making Data Count icons of a box score's summary columns, and the marks the chart and the
// table share, as SVG strings. NHS England's icon set (drawn the same way by NHSRplotthedots and the
// PowerBI-SPC visual) is a white disc in a coloured ring: variation shows five points whose last two
// take the signal's colour, with H or L for a high or low signal; assurance shows a dashed target
// line against a process line, with P, F or ?. These are drawn here in that visual language, not
// copied from any of them.
//
// The palette is NHSRplotthedots' (domain.md). Its grey and blue are under 3:1 against white, and
// improving and concerning icons differ only by colour in the original set, so here nothing rests
// on the ring's colour alone: letters are drawn in a darker shade of the same hue (4.5:1 or more),
// special points are outlined in it, and each kind of signal has its own marker shape (improving a
// square, concerning a diamond, neither a triangle, common cause circles), the same as the chart's.
// Every icon carries its words as a text alternative, given by the caller (lib/measure-text.js).

export const SPC_COLOURS = {
  common_cause: '#a6a6a6', improvement: '#00b0f0', concern: '#e46c0a', neutral: '#490092', target: '#de1b1b',
};
// The same hues darkened to 4.5:1 or more on white: letters, outlines, the common-cause points.
const DARK = { common_cause: '#595959', improvement: '#006f99', concern: '#b34f00', neutral: '#490092' };
const POINT_GREY = '#7f7f7f'; // 4:1 on white: the points that carry no signal
const SHAPES = { common_cause: 'circle', improvement: 'square', concern: 'diamond', neutral: 'triangle' };
const ASSURANCE_KIND = { pass: 'improvement', fail: 'concern', hit_and_miss: 'common_cause' };
const ASSURANCE_LETTER = { pass: 'P', fail: 'F', hit_and_miss: '?' };

const esc = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** One point's mark (a signal kind's shape), centred on x, y, about 2r across, filled in the palette. */
export function mark(kind, x, y, r, { fill = SPC_COLOURS[kind], stroke = DARK[kind], width = 1 } = {}) {
  const a = `fill="${fill}" stroke="${stroke}" stroke-width="${width}"`;
  const n = (v) => +v.toFixed(2);
  const shape = SHAPES[kind];
  if (shape === 'circle') return `<circle cx="${n(x)}" cy="${n(y)}" r="${n(r)}" ${a}/>`;
  if (shape === 'square') return `<rect x="${n(x - r * 0.9)}" y="${n(y - r * 0.9)}" width="${n(r * 1.8)}" height="${n(r * 1.8)}" ${a}/>`;
  const d = shape === 'diamond'
    ? `M${n(x)} ${n(y - r * 1.25)}L${n(x + r * 1.25)} ${n(y)}L${n(x)} ${n(y + r * 1.25)}L${n(x - r * 1.25)} ${n(y)}Z`
    : `M${n(x)} ${n(y - r * 1.1)}L${n(x + r * 1.1)} ${n(y + r * 0.8)}L${n(x - r * 1.1)} ${n(y + r * 0.8)}Z`;
  return `<path d="${d}" ${a}/>`;
}

/** A small mark alone (a special-cause value in the table, the key), decorative: its words sit beside it. */
export function markIcon(kind, size = 14) {
  return `<svg class="spc-mark" viewBox="0 0 16 16" width="${size}" height="${size}" aria-hidden="true" focusable="false">${mark(kind, 8, 8, 5.5, { width: 1.5 })}</svg>`;
}

function icon(kind, body, label, size) {
  const alt = label ? `role="img" aria-label="${esc(label)}"><title>${esc(label)}</title>` : 'aria-hidden="true">';
  return `<svg class="spc-icon" viewBox="0 0 40 40" width="${size}" height="${size}" focusable="false" ${alt}`
    + `<circle cx="20" cy="20" r="17.5" fill="#fff" stroke="${SPC_COLOURS[kind]}" stroke-width="3.5"/>${body}</svg>`;
}

// The letters are drawn as strokes, not <text>: they are part of the picture (the icon's words
// are its text alternative), look the same whatever fonts a device has, and are not mistaken for
// text too short to check by contrast checkers.
const GLYPHS = {
  H: 'M-3.2 -4.5V4.5M3.2 -4.5V4.5M-3.2 0H3.2',
  L: 'M-2.6 -4.5V4.5H3.4',
  F: 'M3.2 -4.5H-2.6V4.5M-2.6 -0.2H2.2',
  P: 'M-2.6 4.5V-4.5H0.4A2.6 2.6 0 0 1 0.4 0.7H-2.6',
  '?': 'M-2.8 -1.9A2.8 2.8 0 1 1 1.4 0.5L0 1.6V2.4',
};
const letter = (ch, y, colour) => `<g transform="translate(20 ${y})" stroke="${colour}" fill="${colour}" data-letter="${esc(ch)}">`
  + `<path d="${GLYPHS[ch]}" fill="none" stroke-width="2.5"/>${ch === '?' ? '<circle cx="0" cy="4.6" r="1.4" stroke="none"/>' : ''}</g>`;

/**
 * The variation icon: common_cause, or improvement / concern / neutral with side 'high' or 'low'.
 * label: the words a screen reader says (none: decorative, for a key whose words sit beside it).
 */
export function variationIcon(variation, side, label = '', size = 36) {
  const kind = SHAPES[variation] ? variation : 'common_cause';
  const special = kind !== 'common_cause';
  const high = side !== 'low';
  const xs = [9, 14.5, 20, 25.5, 31];
  // Common cause wanders about the middle; a signal's last two points climb (H) or fall (L)
  // away from its letter's half of the disc.
  const ys = !special ? [21, 24.5, 17.5, 23.5, 20] : high ? [27, 28.5, 27, 24, 21] : [13, 11.5, 13, 16, 19];
  const pts = xs.map((x, i) => [x, ys[i]]);
  let body = `<path d="${pts.map(([x, y], i) => `${i ? 'L' : 'M'}${x} ${y}`).join('')}" fill="none" stroke="${POINT_GREY}" stroke-width="1.5"/>`;
  body += pts.map(([x, y], i) => (special && i >= 3 ? mark(kind, x, y, 2.6, { width: 0.9 })
    : `<circle cx="${x}" cy="${y}" r="2.2" fill="${POINT_GREY}"/>`)).join('');
  if (special) body += letter(high ? 'H' : 'L', high ? 12.5 : 27.5, DARK[kind]);
  return icon(kind, body, label, size);
}

/** The assurance icon: pass, fail or hit_and_miss against the target. */
export function assuranceIcon(assurance, label = '', size = 36) {
  const kind = ASSURANCE_KIND[assurance] || 'common_cause';
  // Where the dashed target sits against the process: below it (always met), above it (never
  // met) or through it (met by chance). As in the NHS set, pass and fail keep one drawing whichever
  // way is better; the letter says which it is.
  const targetY = assurance === 'pass' ? 30 : assurance === 'fail' ? 21 : 25.5;
  const processY = assurance === 'fail' ? 27.5 : 24;
  const wave = `M8.5 ${processY}c3-3 5-3 7 0s4 3 6 0 4-3 6 0 4 2 6.5 0`;
  const body = `<path d="M6 ${targetY}H34" stroke="${DARK[kind]}" stroke-width="2" stroke-dasharray="3.5 1.5"/>`
    + `<path d="${wave}" fill="none" stroke="${POINT_GREY}" stroke-width="2"/>`
    + (ASSURANCE_LETTER[assurance] ? letter(ASSURANCE_LETTER[assurance], 12, DARK[kind]) : '');
  return icon(kind, body, label, size);
}
