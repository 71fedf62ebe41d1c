import { test } from 'node:test';
import assert from 'node:assert/strict';
import { beforeAfterText, renderBeforeAfterChart } from '../src/lib/before-after-chart.js';

const CHART = {
  measure_name: 'Falls <ward>', unit: null, direction: 'down', change_week: '2026-09-07',
  points: [
    { week_start: '2026-08-24', value: 6, phase: 'before' }, { week_start: '2026-08-31', value: 5, phase: 'before' },
    { week_start: '2026-09-07', value: 2, phase: 'after' }, { week_start: '2026-09-14', value: 2, phase: 'after' },
    { week_start: '2026-09-21', value: 1, phase: 'after' }],
  before_mean: 5.5, after_mean: 1.67,
};

test('the chart in words gives each side its average and its number of weeks', () => {
  assert.equal(beforeAfterText(CHART, (d) => `day ${d}`),
    'Falls <ward> (lower is better): 5.5 on average in the 2 weeks before the change began in the week of day 2026-09-07; '
    + '1.67 on average in the 3 weeks after.');
  assert.equal(beforeAfterText({ ...CHART, points: [], before_mean: null, after_mean: null }),
    'Falls <ward> (lower is better): no weekly values around the change yet.');
  assert.match(beforeAfterText({ ...CHART, points: CHART.points.slice(2), before_mean: null }), /: no values before the change/);
});

test('the drawing is a named picture with every word escaped, grey before the change and blue after', () => {
  const svg = renderBeforeAfterChart(CHART, { title: 'Falls <ward>', description: beforeAfterText(CHART), id: 'c1' });
  assert.match(svg, /^<svg [^>]*role="img"[^>]*aria-labelledby="c1-title c1-desc"/);
  assert.ok(svg.includes('<title id="c1-title">Falls &#60;ward&#62;</title>'));
  assert.ok(!svg.includes('<ward>'));
  assert.equal((svg.match(/<circle [^>]*fill="#768692"/g) || []).length, 2);
  assert.equal((svg.match(/<circle [^>]*fill="#005eb8"/g) || []).length, 4); // the line joins the last week before
  assert.equal((svg.match(/stroke-dasharray="4 3"/g) || []).length, 1); // where the change began
});
