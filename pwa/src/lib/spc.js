// Statistical process control for box score measures, offline.
// A line-for-line port of server/measures/spc.py: the choices and their reasons are in that
// module's docstring, and tests/vectors/spc/ holds both to the same answers. Keep them in step.
// Output keys stay snake_case so results compare as JSON with the server's.

export const RULE_SET_LABELS = {
  mdc: 'XmR chart, Making Data Count rules',
  ihi: 'Run chart, IHI rules',
};
const DIRECTIONS = ['up', 'down', 'neutral'];

const LIMIT_FACTOR = 2.66;
const NEAR_FACTOR = 1.773;
const MEDIAN_LIMIT_FACTOR = 3.145;
const MDC_SHIFT = 7, MDC_TREND = 7, IHI_SHIFT = 6, IHI_TREND = 5;

// Perla, Provost & Murray (2011), table 1: useful observations 10..60 -> [fewest, most] runs.
const RUNS_MIN = [3, 3, 3, 4, 4, 5, 5, 5, 6, 6, 6, 7, 7, 7, 8, 8, 9, 10, 10, 10, 11, 11, 11, 11, 12,
  13, 13, 13, 14, 14, 15, 15, 16, 16, 17, 17, 17, 18, 18, 19, 19, 20, 20, 21, 21, 22, 22, 23, 23, 24, 24];
const RUNS_MAX = [9, 10, 11, 11, 12, 12, 13, 13, 14, 15, 16, 16, 17, 17, 18, 18, 19, 19, 20, 20, 21,
  22, 22, 23, 23, 24, 24, 25, 26, 26, 27, 27, 28, 28, 29, 30, 30, 31, 31, 32, 32, 33, 33, 34, 35, 35,
  36, 36, 37, 38, 38];

/**
 * Analyse a weekly series (oldest first) and return a JSON-ready chart description.
 * @param {(number|null|undefined)[]} values
 * @param {{direction?: 'up'|'down'|'neutral', target?: number|null, rule_set?: 'mdc'|'ihi',
 *          rebase_at?: number[], baseline_points?: number}} [options]
 */
export function analyse(values, options = {}) {
  const {
    direction = 'up', target = null, rule_set: ruleSet = 'mdc', rebase_at: rebaseAt = [],
    baseline_points: baselinePoints = 12,
  } = options;
  if (!(ruleSet in RULE_SET_LABELS)) throw new RangeError('rule_set must be one of ihi, mdc');
  if (!DIRECTIONS.includes(direction)) throw new RangeError('direction must be up, down or neutral');
  if (!Number.isInteger(baselinePoints) || baselinePoints < 2) {
    throw new RangeError('baseline_points must be an integer of at least 2');
  }
  if (target !== null && target !== undefined && !present(target)) {
    throw new RangeError('target must be a finite number or null');
  }

  if (!rebaseAt.every(Number.isInteger)) throw new RangeError('rebase_at must contain integer positions');

  const n = values.length;
  const starts = [...new Set([0, ...rebaseAt.filter((k) => k > 0 && k < n)])].sort((a, b) => a - b);
  const points = [];
  const phases = [];
  starts.forEach((start, phaseNo) => {
    const stop = phaseNo + 1 < starts.length ? starts[phaseNo + 1] : n;
    const positions = [];
    for (let i = start; i < stop; i++) if (present(values[i])) positions.push(i);
    const xs = positions.map((i) => values[i]);
    const { phase, lines, rules, sides, trendDirs } = ruleSet === 'mdc'
      ? mdcPhase(xs, baselinePoints) : ihiPhase(xs, baselinePoints);
    phases.push({ start, end: stop - 1, ...phase });
    const found = new Map(positions.map((i, k) => [i, k]));
    for (let i = start; i < stop; i++) {
      const point = {
        index: i, value: null, phase: phaseNo, ...lines, rules: [], special: false, signal: null, signal_side: null,
      };
      if (found.has(i)) {
        const k = found.get(i);
        const moved = movedOf(rules[k], sides[k], trendDirs[k]);
        Object.assign(point, {
          value: round(xs[k]), rules: rules[k], special: rules[k].length > 0,
          signal: signalOf(rules[k], moved, direction),
          signal_side: moved === 0 ? null : moved > 0 ? 'high' : 'low',
        });
      }
      points.push(point);
    }
  });

  let latest = null;
  for (let i = points.length - 1; i >= 0 && latest === null; i--) if (points[i].value !== null) latest = points[i];
  const enough = latest !== null && phases[latest.phase].n >= 2;
  const variation = enough ? latest.signal : null;
  const variationSide = enough ? latest.signal_side : null;
  const assurance = ruleSet === 'mdc' && phases.length ? assuranceOf(phases[phases.length - 1], target, direction) : null;
  return {
    rule_set: ruleSet,
    rule_set_label: RULE_SET_LABELS[ruleSet],
    direction,
    target: round(target ?? null),
    baseline_points: baselinePoints,
    points,
    phases,
    variation,
    variation_side: variationSide,
    assurance,
    special_count: points.filter((p) => p.special).length,
    summary: summaryOf(ruleSet, points, phases, variation, variationSide, assurance, baselinePoints),
  };
}

function mdcPhase(xs, baselinePoints) {
  const base = xs.slice(0, baselinePoints);
  const centre = base.length ? mean(base) : null;
  const amr = base.length >= 2 ? mean(movingRanges(base)) : null;
  let upper = null, lower = null, upperNear = null, lowerNear = null;
  if (centre !== null && amr !== null) {
    upper = centre + LIMIT_FACTOR * amr; lower = centre - LIMIT_FACTOR * amr;
    upperNear = centre + NEAR_FACTOR * amr; lowerNear = centre - NEAR_FACTOR * amr;
  }
  const lines = {
    centre: round(centre), upper: round(upper), lower: round(lower),
    upper_near: round(upperNear), lower_near: round(lowerNear),
  };
  const phase = {
    n: xs.length, baseline_n: base.length, trial: xs.length < baselinePoints,
    ...lines, mean_moving_range: round(amr),
  };

  const sides = centre === null ? [] : xs.map((x) => sign(x - centre));
  const outside = xs.map((x) => upper !== null && (x > upper || x < lower));
  const inBand = xs.map((x, k) => upper !== null && !outside[k] && (x > upperNear || x < lowerNear));
  const shift = flagRuns(sides, MDC_SHIFT, false);
  const trendDirs = trendDirections(xs, MDC_TREND, false);
  const twoOfThree = flagTwoOfThree(inBand, sides);
  const rules = xs.map((_, k) => [
    ['outside_limits', outside[k]], ['shift', shift[k]], ['trend', trendDirs[k] !== 0],
    ['two_of_three', twoOfThree[k]],
  ].filter(([, fired]) => fired).map(([name]) => name));
  return { phase, lines, rules, sides, trendDirs };
}

function ihiPhase(xs, baselinePoints) {
  const base = xs.slice(0, baselinePoints);
  const centre = base.length ? median(base) : null;
  const mmr = base.length >= 2 ? median(movingRanges(base)) : null;
  let astroUpper = null, astroLower = null;
  if (centre !== null && mmr !== null) {
    astroUpper = centre + MEDIAN_LIMIT_FACTOR * mmr;
    astroLower = centre - MEDIAN_LIMIT_FACTOR * mmr;
  }
  const lines = { centre: round(centre), upper: null, lower: null, upper_near: null, lower_near: null };

  const sides = centre === null ? [] : xs.map((x) => sign(x - centre));
  const useful = sides.filter((s) => s !== 0);
  let runs = useful.length ? 1 : 0;
  for (let k = 1; k < useful.length; k++) if (useful[k] !== useful[k - 1]) runs++;
  const expected = runsLimits(useful.length);
  let verdict = null;
  if (expected !== null) verdict = runs < expected[0] ? 'too_few' : runs > expected[1] ? 'too_many' : 'as_expected';
  const phase = {
    n: xs.length, baseline_n: base.length, trial: xs.length < baselinePoints,
    centre: round(centre), median_moving_range: round(mmr),
    astronomical_upper: round(astroUpper), astronomical_lower: round(astroLower),
    useful_observations: useful.length, runs,
    runs_expected_min: expected ? expected[0] : null,
    runs_expected_max: expected ? expected[1] : null,
    runs_verdict: verdict,
  };

  const astronomical = xs.map((x) => Boolean(mmr) && (x > astroUpper || x < astroLower));
  const shift = flagRuns(sides, IHI_SHIFT, true);
  const trendDirs = trendDirections(xs, IHI_TREND, true);
  const rules = xs.map((_, k) => [
    ['astronomical', astronomical[k]], ['shift', shift[k]], ['trend', trendDirs[k] !== 0],
  ].filter(([, fired]) => fired).map(([name]) => name));
  return { phase, lines, rules, sides, trendDirs };
}

// Flag every point of a run of `length` or more points on one side of the centre line.
// A point on the centre line breaks the run (Making Data Count) or is skipped (IHI).
function flagRuns(sides, length, skipOnCentre) {
  const flags = sides.map(() => false);
  let run = [];
  const close = () => { if (run.length >= length) for (const j of run) flags[j] = true; };
  sides.forEach((side, k) => {
    if (side === 0 && skipOnCentre) return;
    if (!run.length || side === 0 || side !== sides[run[run.length - 1]]) {
      close();
      run = side === 0 ? [] : [k];
    } else {
      run.push(k);
    }
  });
  close();
  return flags;
}

// +1 or -1 for each point in a run of `length` or more rising or falling points, else 0.
// Equal neighbours break a trend (Making Data Count) or count once (IHI, mergeTies).
function trendDirections(xs, length, mergeTies) {
  const groups = [];
  xs.forEach((x, k) => {
    if (mergeTies && groups.length && xs[groups[groups.length - 1][0]] === x) groups[groups.length - 1].push(k);
    else groups.push([k]);
  });
  const dirs = xs.map(() => 0);
  const mark = (first, last, direction) => {
    if (direction === 0 || last - first + 1 < length) return;
    for (const group of groups.slice(first, last + 1)) for (const k of group) if (dirs[k] === 0) dirs[k] = direction;
  };
  let start = 0, direction = 0;
  for (let g = 1; g < groups.length; g++) {
    const step = sign(xs[groups[g][0]] - xs[groups[g - 1][0]]);
    if (step === 0 || step !== direction) {
      mark(start, g - 1, direction);
      [start, direction] = step !== 0 ? [g - 1, step] : [g, 0];
    }
  }
  mark(start, groups.length - 1, direction);
  return dirs;
}

// Flag band points in any 3 consecutive points on one side with 2 or more in the band.
function flagTwoOfThree(inBand, sides) {
  const flags = inBand.map(() => false);
  for (let s = 0; s + 2 < inBand.length; s++) {
    const inWindow = inBand[s] + inBand[s + 1] + inBand[s + 2];
    if (Math.abs(sides[s] + sides[s + 1] + sides[s + 2]) === 3 && inWindow >= 2) {
      for (let k = s; k < s + 3; k++) if (inBand[k]) flags[k] = true;
    }
  }
  return flags;
}

function runsLimits(useful) {
  if (useful < 10) return null;
  if (useful <= 60) return [RUNS_MIN[useful - 10], RUNS_MAX[useful - 10]];
  const m = useful / 2 + 1;
  const sd = Math.sqrt(useful * (useful - 2) / (4 * (useful - 1)));
  return [Math.ceil(m - 1.96 * sd), Math.floor(m + 1.96 * sd)];
}

// Which way a point's signal points: +1 (high), -1 (low), 0 for no signal. A trend point moves
// with its trend; any other special point by its side of the centre line (never 0 for it).
function movedOf(rules, side, trendDir) {
  if (!rules.length) return 0;
  return rules.includes('trend') ? trendDir : side;
}

function signalOf(rules, moved, direction) {
  if (!rules.length) return 'common_cause';
  if (direction === 'neutral') return 'neutral';
  return moved === (direction === 'up' ? 1 : -1) ? 'improvement' : 'concern';
}

function assuranceOf(phase, target, direction) {
  const { upper, lower } = phase;
  if (target === null || target === undefined || direction === 'neutral' || upper === null) return null;
  if (lower <= target && target <= upper) return 'hit_and_miss';
  return (target > upper) === (direction === 'up') ? 'fail' : 'pass';
}

const VARIATION_TEXT = {
  improvement: 'the latest value shows special cause variation of an improving nature',
  concern: 'the latest value shows special cause variation of a concerning nature',
  neutral: 'the latest value shows special cause variation',
  common_cause: 'the latest value shows common cause variation only',
};
const ASSURANCE_TEXT = {
  pass: 'the process is consistently passing the target',
  fail: 'the process is consistently failing the target',
  hit_and_miss: 'the process will hit and miss the target by chance',
};

function summaryOf(ruleSet, points, phases, variation, variationSide, assurance, baselinePoints) {
  const label = RULE_SET_LABELS[ruleSet];
  if (!points.some((p) => p.value !== null)) return `${label}: no data yet.`;
  if (variation === null) {
    return `${label}: not enough data yet (at least 2 values since the last re-base are needed).`;
  }
  let text = `${label}: ${VARIATION_TEXT[variation]}`;
  if (variationSide !== null) text += ` (${variationSide})`;
  if (assurance !== null) text += `; ${ASSURANCE_TEXT[assurance]}`;
  text += '.';
  const special = points.filter((p) => p.special).length;
  if (special) text += ` ${special} special cause point${special === 1 ? '' : 's'} in total.`;
  const last = phases[phases.length - 1];
  if (last.trial) {
    const what = ruleSet === 'mdc' ? 'Limits are trial limits' : 'The median is provisional';
    text += ` ${what} until there are ${baselinePoints} values.`;
  }
  if (ruleSet === 'ihi' && last.runs_verdict !== null) {
    const { runs, runs_expected_min: low, runs_expected_max: high } = last;
    if (last.runs_verdict === 'as_expected') {
      text += ` ${runs} runs, within the ${low} to ${high} expected.`;
    } else {
      const few = last.runs_verdict === 'too_few' ? 'few' : 'many';
      text += ` Too ${few} runs (${runs}; ${low} to ${high} expected): a sign of non-random variation.`;
    }
  }
  return text;
}

// True for a number, false for a missing week (null, undefined or NaN); anything else is a bug.
function present(value) {
  if (value === null || value === undefined) return false;
  if (typeof value !== 'number') throw new TypeError(`expected a number or null, got ${JSON.stringify(value)}`);
  return Number.isFinite(value);
}

function mean(xs) {
  let total = 0;
  for (const x of xs) total += x;
  return total / xs.length;
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

function movingRanges(xs) {
  return xs.slice(1).map((x, k) => Math.abs(x - xs[k]));
}

function sign(x) {
  return (x > 0) - (x < 0);
}

function round(x) {
  return x === null ? null : Math.floor(x * 1e6 + 0.5) / 1e6;
}
