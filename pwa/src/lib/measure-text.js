// Words for measures and their signals: what the box score, chart and forms show.
export const GROUP_LABELS = { performance: 'Performance', capacity: 'Capacity', cost: 'Cost', staff_experience: 'Staff experience' };
export const SUBGROUP_LABELS = { quality: 'Quality', safety: 'Safety', experience: 'Patient experience', access: 'Access', flow: 'Flow', other: 'Other' };
export const DIRECTION_LABELS = { up: 'Higher is better', down: 'Lower is better', neutral: 'Neither (just watch it)' };
export const STATUS_LABELS = { active: 'Active', less_frequent: 'Watched less often', retired: 'Retired' };
export const RULE_SET_TEXT = { mdc: 'XmR chart, Making Data Count rules (default)', ihi: 'Run chart, IHI rules' };
export const KIND_TEXT = { time_lost: 'time lost', meeting: 'time in meetings', admin: 'time on admin' };
export const DERIVED_UNIT_TEXT = { hours: 'hours', percent_of_contracted: '% of contracted hours' };

export const VARIATION_WORDS = {
  improvement: 'Special cause: improving',
  concern: 'Special cause: concerning',
  neutral: 'Special cause: neither better nor worse',
  common_cause: 'Common cause',
};
export const ASSURANCE_WORDS = {
  pass: 'Consistently passing the target',
  fail: 'Consistently failing the target',
  hit_and_miss: 'Hit and miss: the target may or may not be met',
};

// H or L on the icons: which way the latest value's signal points (the analysis's variation_side).
export const SIDE_WORDS = { high: 'high', low: 'low' };
export const variationText = (a) => (!a?.variation ? 'Not enough data yet'
  : `${VARIATION_WORDS[a.variation]}${a.variation_side ? ` (${SIDE_WORDS[a.variation_side]})` : ''}`);
export const assuranceText = (a, m) => (a?.assurance ? ASSURANCE_WORDS[a.assurance]
  : m.target == null ? 'No target set' : m.rule_set === 'ihi' ? 'Not assessed on a run chart' : m.direction === 'neutral' ? 'No better direction' : 'Not enough data yet');

/** The unit a value is shown in. */
export function unitOf(m) {
  if (m.source === 'derived') return m.derived_unit === 'percent_of_contracted' ? '%' : 'hours';
  return m.unit || '';
}

/**
 * How many decimal places a measure's levels (mean, limits, target) are worth: percentages and
 * hours worked out from minutes to one place; anything typed in, as many places as its values use
 * (none for patients counted in whole numbers), at most two.
 */
export function decimalsFor(m, values) {
  if (unitOf(m) === '%' || m.source === 'derived') return 1;
  let places = 0;
  for (const v of values) {
    if (v === null || v === undefined) continue;
    const [, fraction = ''] = String(Math.round(v * 100) / 100).split('.');
    places = Math.max(places, fraction.length);
  }
  return Math.min(places, 2);
}

export function formatValue(v) {
  if (v === null || v === undefined) return '';
  const r = Math.round(v * 100) / 100;
  return r.toLocaleString('en-GB', { maximumFractionDigits: 2 });
}

export function withUnit(v, m) {
  const unit = unitOf(m);
  return unit === '%' ? `${formatValue(v)}%` : `${formatValue(v)}${unit ? ` ${unit}` : ''}`;
}

/** "Derived: time lost to IT problems, in hours" or "Entered weekly". */
export function sourceText(m, categoriesById = new Map()) {
  if (m.source !== 'derived') return 'Entered each week';
  let what = KIND_TEXT[m.derived_kind] || 'capacity';
  if (m.derived_kind === 'time_lost' && m.derived_category_id) {
    const c = categoriesById.get(m.derived_category_id);
    what = `time lost to ${c ? `“${c.name}”` : 'a category that no longer exists'}`;
  }
  return `Worked out from capacity entries: ${what}, in ${DERIVED_UNIT_TEXT[m.derived_unit] || 'hours'}`;
}

export function shortWeek(iso) {
  return new Date(`${iso}T12:00:00Z`).toLocaleDateString('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' });
}
export function longWeek(iso) {
  return new Date(`${iso}T12:00:00Z`).toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
}
