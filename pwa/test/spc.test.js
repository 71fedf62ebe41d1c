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
  assert.match(html, /<rect [^>]*fill="#005eb8"/, 'improvement drawn as a square');
  assert.match(html, /<path d="M[^"]*Z" fill="#ed8b00" stroke="#212b32"/, 'concern drawn as an outlined diamond');
  assert.match(html, /<circle [^>]*fill="#425563"/, 'common cause drawn as a circle');
  assert.match(html, /<desc>Special cause points: Week 13: 17 falls, special cause, improvement \(outside the process limits\)\. Week 15: 5 falls, special cause, concern/);
  const hidden = html.match(/<ul class="visually-hidden"[^>]*>(.*)<\/ul>/)[1];
  assert.equal(hidden.match(/<li>/g).length, 2);
  assert.match(hidden, /Week 15: 5 falls, special cause, concern \(outside the process limits\)/);
  assert.match(html, />Target<\/text>/);
  assert.match(html, />Concern<\/text>/);
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
