// The PWA's SPC must give the server's answers: every vector in tests/vectors/spc/ (written from
// server/measures/spc.py) is replayed here. Run with: node --test pwa/test/spc.test.js
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { analyse } from '../src/lib/spc.js';
import { renderSpcChart } from '../src/lib/spc-chart.js';

const dir = fileURLToPath(new URL('../../tests/vectors/spc/', import.meta.url));
const vectors = readdirSync(dir).filter((f) => f.endsWith('.json') && f !== 'runs_table.json').sort()
  .map((f) => JSON.parse(readFileSync(dir + f, 'utf8')));
const runsTable = JSON.parse(readFileSync(`${dir}runs_table.json`, 'utf8')).expected;

// Numbers to 6 decimals, recursively: the agreed precision for comparing the two implementations.
const rounded = (v) => {
  if (typeof v === 'number') return Math.round(v * 1e6) / 1e6;
  if (Array.isArray(v)) return v.map(rounded);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, rounded(x)]));
  return v;
};

test('the shared vectors are there to replay', () => {
  assert.ok(vectors.length >= 50, `only ${vectors.length} vectors found in ${dir}`);
});

for (const vector of vectors) {
  test(`PWA analysis matches the server: ${vector.name}`, () => {
    assert.deepStrictEqual(rounded(analyse(vector.values, vector.options)), rounded(vector.expected));
  });
}

test('the runs table agrees with the server for 0 to 80 useful observations', () => {
  for (const [n, expected] of Object.entries(runsTable)) {
    const series = Array.from({ length: Number(n) }, (_, i) => (i % 2 ? 3 : 1));
    const phase = analyse(series, { rule_set: 'ihi', baseline_points: Math.max(Number(n), 2) }).phases[0];
    const got = phase.runs_expected_min === null ? null : [phase.runs_expected_min, phase.runs_expected_max];
    assert.deepStrictEqual(got, expected, `${n} useful observations`);
  }
});

test('a missing week is kept in place and skipped by the maths', () => {
  const result = analyse([10, undefined, 20, Number.NaN]);
  assert.deepEqual(result.points.map((p) => p.value), [10, null, 20, null]);
  assert.equal(result.phases[0].mean_moving_range, 10);
});

test('bad options are refused', () => {
  assert.throws(() => analyse([1, 2], { rule_set: 'lifeqi' }), RangeError);
  assert.throws(() => analyse([1, 2], { direction: 'sideways' }), RangeError);
  assert.throws(() => analyse([1, 2], { baseline_points: 1 }), RangeError);
  assert.throws(() => analyse([1, 2], { rebase_at: [1.5] }), RangeError);
  assert.throws(() => analyse([1, '2']), TypeError);
});

const B = [10, 12, 11, 13, 9, 11, 12, 10, 11, 13, 12, 10];

test('the chart names its rule set, in view and to screen readers', () => {
  for (const ruleSet of ['mdc', 'ihi']) {
    const svg = renderSpcChart(analyse(B, { rule_set: ruleSet }), { title: 'Patients seen' });
    const label = ruleSet === 'mdc' ? 'XmR chart, Making Data Count rules' : 'Run chart, IHI rules';
    assert.match(svg, new RegExp(`<text[^>]*>${label}</text>`));
    assert.match(svg, new RegExp(`<title>Patients seen: ${label}</title>`));
    assert.match(svg, /role="img" aria-label="Patients seen\. (XmR|Run) chart/);
  }
});

test('special causes differ by shape and are described in text, not colour alone', () => {
  const analysis = analyse([...B, 17, 11, 5], { target: 20 });
  const html = renderSpcChart(analysis, { title: 'Falls', unit: 'falls' });
  // Making Data Count's palette, each kind its own shape, outlined in ink for contrast.
  assert.match(html, /<rect [^>]*fill="#00b0f0" stroke="#212b32"/, 'improvement drawn as a square');
  assert.match(html, /<path d="M[^"]*Z" fill="#e46c0a" stroke="#212b32"/, 'concern drawn as an outlined diamond');
  assert.match(html, /<circle [^>]*fill="#a6a6a6" stroke="#212b32"/, 'common cause drawn as a circle');
  assert.match(html, /<desc>Special cause points: Week 13: 17 falls, special cause, improvement \(outside the process limits\)\. Week 15: 5 falls, special cause, concern/);
  const hidden = html.match(/<ul class="visually-hidden"[^>]*>(.*)<\/ul>/)[1];
  assert.equal(hidden.match(/<li>/g).length, 2);
  assert.match(hidden, /Week 15: 5 falls, special cause, concern \(outside the process limits\)/);
  assert.match(html, />Concern<\/text>/);
});

const texts = (html) => [...html.matchAll(/<text ([^>]*)>([^<]*)<\/text>/g)].map(([, attrs, t]) => ({
  t, x: Number(/x="([^"]+)"/.exec(attrs)[1]), y: Number(/y="([^"]+)"/.exec(attrs)[1]), anchor: /text-anchor="(\w+)"/.exec(attrs)?.[1] || 'start',
}));

test('the lines are named with their values, in the places the measure is counted in', () => {
  // B: mean 11.1667, limits 6.3303 to 16.0031.
  const whole = texts(renderSpcChart(analyse(B, { target: 5 }), { title: 'Patients seen', unit: 'patients', decimals: 0 })).map((x) => x.t);
  for (const label of ['Upper process limit 16', 'Mean 11', 'Lower process limit 6', 'Target 5']) assert.ok(whole.includes(label), `${label} in ${whole}`);
  const tenths = texts(renderSpcChart(analyse(B.map((x) => x * 4.1)), { unit: '%', decimals: 1 })).map((x) => x.t);
  for (const label of ['Upper process limit 65.6%', 'Mean 45.8%', 'Lower process limit 26.0%']) assert.ok(tenths.includes(label), `${label} in ${tenths}`);
  const median = texts(renderSpcChart(analyse(B, { rule_set: 'ihi' }), { decimals: 1 })).map((x) => x.t);
  assert.ok(median.includes('Median 11.0'), median);
  assert.ok(!median.some((t) => t.startsWith('Upper process limit')), 'a run chart has no process limits');
  const flat = texts(renderSpcChart(analyse([5, 5, 5]), { decimals: 0 })).map((x) => x.t);
  assert.ok(flat.includes('Mean and both limits 5'), flat);
});

test('the target is a red line with its value; no target, no line', () => {
  const html = renderSpcChart(analyse(B, { target: 12.5 }), { decimals: 1 });
  assert.match(html, /<line [^>]*stroke="#de1b1b"/);
  assert.ok(texts(html).some((x) => x.t === 'Target 12.5'));
  assert.doesNotMatch(renderSpcChart(analyse(B), { decimals: 1 }), /#de1b1b|>Target/);
});

test('line labels hide neither a point nor each other', () => {
  // Limits close together and points at the right-hand end of every line.
  const analysis = analyse([...B, 16, 11, 6.5, 11.2], { target: 11.5 });
  const html = renderSpcChart(analysis, { decimals: 1, width: 380, fontSize: 13 });
  const boxes = texts(html).filter((x) => /^(Upper|Lower|Mean|Target)/.test(x.t)).map((x) => {
    const w = x.t.length * 0.56 * 13;
    const left = x.anchor === 'end' ? x.x - w : x.x;
    return { t: x.t, box: [left, x.y - 11, left + w, x.y + 2] };
  });
  assert.equal(boxes.length, 4);
  const overlap = (a, b) => a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];
  for (const [i, a] of boxes.entries()) for (const b of boxes.slice(i + 1)) assert.ok(!overlap(a.box, b.box), `${a.t} overlaps ${b.t}`);
  const marks = [...html.matchAll(/<g><(?:circle cx="([\d.]+)" cy="([\d.]+)"|rect x="([\d.]+)" y="([\d.]+)"|path d="M([\d.]+) ([\d.]+))/g)]
    .map((m) => (m[1] ? [+m[1], +m[2]] : m[3] ? [+m[3] + 4.5, +m[4] + 4.5] : [+m[5], +m[6] + 6.25]));
  for (const { t, box } of boxes) for (const [x, y] of marks) assert.ok(!overlap(box, [x - 3, y - 3, x + 3, y + 3]), `${t} covers the point at ${x}, ${y}`);
});

test('the week axis dates enough weeks to read one, newest always, with the year', () => {
  const weeks = Array.from({ length: 30 }, (_, i) => new Date(Date.UTC(2025, 9, 6 + 7 * i)).toISOString().slice(0, 10));
  const values = weeks.map((_, i) => 10 + (i % 3));
  for (const width of [340, 720]) {
    const all = texts(renderSpcChart(analyse(values), { weeks, width }));
    const ticks = all.filter((x) => /^\d{1,2} [A-Z][a-z]+$/.test(x.t));
    assert.ok(ticks.length >= (width < 400 ? 5 : 10), `${ticks.length} dates at ${width}`);
    assert.equal(ticks[ticks.length - 1].t, '27 Apr', 'the newest week (w/c 27 April 2026) is dated');
    const gaps = ticks.slice(1).map((x, i) => x.x - ticks[i].x);
    assert.ok(Math.min(...gaps) >= 6 * 0.56 * 12, `dates ${gaps} apart do not overlap`);
    assert.ok(ticks.every((x) => x.x <= width), 'no date runs off the drawing');
    assert.deepEqual(all.filter((x) => /^20\d\d$/.test(x.t)).map((x) => x.t), ['2025', '2026'], 'the year under the first date and the new year');
    assert.ok(all.some((x) => x.t === 'Week beginning'));
  }
});

test('a re-based chart draws each phase its own lines after a labelled divider', () => {
  const weeks = Array.from({ length: 19 }, (_, i) => new Date(Date.UTC(2026, 5, 15 + 7 * i)).toISOString().slice(0, 10));
  const analysis = analyse([...B, 20, 22, 21, 19, 21, 22, 20], { rebase_at: [12] });
  const html = renderSpcChart(analysis, { weeks, decimals: 0 });
  assert.ok(texts(html).some((x) => x.t === 'Re-based w/c 7 Sept'), texts(html).map((x) => x.t));
  assert.equal(html.match(/stroke-dasharray="4 3"/g).length, 1, 'one divider');
  // Two centre lines (one a phase), each only across its own weeks; the labels name the latest.
  const centres = [...html.matchAll(/<line x1="([\d.]+)" x2="([\d.]+)" y1="[\d.]+" y2="[\d.]+" stroke="#425563" stroke-width="1.5"\/>/g)];
  assert.equal(centres.length, 2);
  assert.ok(Number(centres[0][2]) < Number(centres[1][1]), 'the first phase ends before the second starts');
  assert.ok(texts(html).some((x) => x.t === 'Mean 21'), 'the latest phase: mean 145 / 7');
});

test('the chart breaks its line at a missing week and copes with no data', () => {
  const html = renderSpcChart(analyse([1, 2, null, 3, 4]), { labels: ['a', 'b', 'c', 'd', 'e'] });
  assert.equal(html.match(/<path d="M[^"]*" fill="none"/)[0].match(/M/g).length, 2);
  assert.match(renderSpcChart(analyse([])), /no data yet/);
  assert.match(renderSpcChart(analyse([], { rule_set: 'ihi' })), /<li>No special cause points\.<\/li>/);
});

test('text from the team is escaped', () => {
  const html = renderSpcChart(analyse([1, 2, 3]), { title: '<b>A&E</b>', labels: ['"x"'] });
  assert.ok(!html.includes('<b>'));
  assert.match(html, /&#60;b&#62;A&#38;E/);
});
