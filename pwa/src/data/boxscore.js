// The team box score, offline: a port of server/measures/boxscore.py (`compute` and
// `compute_from_records`). The rules and their reasons are in that module's docstring; the
// shared vectors in tests/vectors/boxscore/ hold both to the same answers (pwa/test/boxscore.test.js).
// Keys stay snake_case so a local result compares as JSON with GET /api/teams/<id>/boxscore.
import { analyse } from '../lib/spc.js';
import { listRecords } from '../records.js';
import { GROUP_LABELS } from '../lib/measure-text.js';
import { localWeeklyMinutes, weeklyFromTotals } from './weekly-totals.js';
import { timeLostCategories } from '../collections/time-lost-categories.js';
import { measures as measuresCollection } from '../collections/measures.js';
import { measureValues } from '../collections/measure-values.js';
import { addDays, weekStart } from '../lib/dates.js';
import { londonDay, nowDate } from '../lib/clock.js';

export const GROUPS = ['performance', 'capacity', 'cost', 'staff_experience'];
export const DEFAULT_WEEKS = 12;
export const MAX_WEEKS = 104;
const ROW_FIELDS = ['name', 'group', 'subgroup', 'unit', 'direction', 'target', 'aim', 'operational_definition',
  'source', 'derived_kind', 'derived_category_id', 'derived_unit', 'status', 'on_board', 'rule_set', 'position'];
const ROW_DEFAULTS = { direction: 'neutral', source: 'manual', status: 'active', on_board: true, rule_set: 'mdc', position: 0 };

export const round6 = (x) => (x === null || x === undefined ? null : Math.floor(x * 1e6 + 0.5) / 1e6);
const weeksBetween = (a, b) => Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 604800000);

/** The n Mondays ending with `current`'s week, oldest first. */
export function lastWeeks(n, current) {
  const end = weekStart(current);
  return Array.from({ length: n }, (_, i) => addDays(end, -7 * (n - 1 - i)));
}

/** Capacity entries ({occurred_on, kind, minutes, category}) summed per week, kind and category. */
export function weeklyMinutes(entries) {
  const totals = new Map();
  for (const e of entries) {
    const key = `${weekStart(e.occurred_on)}\u0000${e.kind}\u0000${e.category || ''}`;
    totals.set(key, (totals.get(key) || 0) + Math.trunc(Number(e.minutes)));
  }
  return [...totals].map(([key, minutes]) => [...key.split('\u0000'), minutes]);
}

/**
 * The pure computation (boxscore.py `compute`). Returns {weeks, groups}.
 * measures: records; weekly: [week, kind, category, minutes]; values: [measure_id, week, value];
 * categories: {id: {name, former_names}}; contractedHours: number|null; currentWeek: a Monday.
 */
export function compute({ measures, weekly, values, categories, contractedHours, currentWeek, weeks = DEFAULT_WEEKS }) {
  currentWeek = weekStart(currentWeek);
  const window = lastWeeks(weeks, currentWeek);

  const minutes = Object.create(null); // kind -> category -> week -> minutes (user text as keys: no prototype)
  let firstCapacity = null;
  for (const [wk, kind, category, mins] of weekly) {
    if (wk > currentWeek) continue;
    const byCategory = (minutes[kind] ||= Object.create(null));
    const byWeek = (byCategory[category || ''] ||= Object.create(null));
    byWeek[wk] = (byWeek[wk] || 0) + Math.trunc(mins);
    if (firstCapacity === null || wk < firstCapacity) firstCapacity = wk;
  }

  const byMeasure = Object.create(null);
  for (const [measureId, wk, value] of values) {
    if (wk <= currentWeek && value !== null && value !== undefined) (byMeasure[measureId] ||= {})[wk] = Number(value);
  }

  const rowsByGroup = Object.fromEntries(GROUPS.map((g) => [g, []]));
  const cmp = (a, b) => (a < b ? -1 : a > b ? 1 : 0);
  const ordered = measures
    .filter((m) => m.status !== 'retired' && GROUPS.includes(m.group))
    .sort((a, b) => cmp(a.position || 0, b.position || 0) || cmp(a.name || '', b.name || '') || cmp(a.id, b.id));
  for (const m of ordered) {
    const history = (m.source ?? 'manual') === 'derived'
      ? derivedHistory(m, minutes, firstCapacity, categories, contractedHours, currentWeek)
      : byMeasure[m.id] || {};
    rowsByGroup[m.group].push(row(m, history, window, currentWeek));
  }
  return { weeks: window, groups: GROUPS.map((g) => ({ group: g, label: GROUP_LABELS[g], measures: rowsByGroup[g] })) };
}

function derivedHistory(m, minutes, firstCapacity, categories, contractedHours, currentWeek) {
  if (firstCapacity === null) return {};
  const perCategory = minutes[m.derived_kind] || Object.create(null);
  let sources;
  if (m.derived_kind === 'time_lost' && m.derived_category_id) {
    const category = categories.get(m.derived_category_id);
    if (!category) return {};
    const names = [...new Set([category.name, ...(category.former_names || [])])].sort();
    sources = names.filter((n) => n in perCategory).map((n) => perCategory[n]);
  } else {
    sources = Object.values(perCategory);
  }
  const percent = m.derived_unit === 'percent_of_contracted';
  if (percent && !contractedHours) return {};
  const history = {};
  for (let wk = firstCapacity; wk <= currentWeek; wk = addDays(wk, 7)) {
    let total = 0;
    for (const weekly of sources) total += weekly[wk] || 0;
    const hours = total / 60;
    history[wk] = percent ? round6((hours / contractedHours) * 100) : round6(hours);
  }
  return history;
}

function row(m, history, window, currentWeek) {
  const recorded = Object.keys(history).filter((wk) => history[wk] !== null && history[wk] !== undefined);
  const start = [window[0], ...recorded].reduce((a, b) => (b < a ? b : a));
  const span = weeksBetween(start, currentWeek) + 1;
  const weeksAll = Array.from({ length: span }, (_, i) => addDays(start, 7 * i));
  const seriesAll = weeksAll.map((wk) => history[wk] ?? null);
  const position = new Map(weeksAll.map((wk, i) => [wk, i]));
  const rebaseWeeks = (m.rebase_weeks || []).map(String);
  const rebaseAt = [...new Set(rebaseWeeks.filter((d) => position.has(d)).map((d) => position.get(d)))].sort((a, b) => a - b);

  const full = analyse(seriesAll, {
    direction: m.direction || 'neutral', target: m.target ?? null, rule_set: m.rule_set || 'mdc', rebase_at: rebaseAt,
  });
  const offset = span - window.length;
  const points = full.points.slice(offset).map((p) => ({ ...p, index: p.index - offset, week_start: weeksAll[p.index] }));
  const phases = full.phases.map((p) => ({
    ...p, start: p.start - offset, end: p.end - offset, start_week: weeksAll[p.start], end_week: weeksAll[p.end],
  }));
  const analysis = {
    ...full, points, phases, offset, history_start: start,
    window_special_count: points.filter((p) => p.special).length,
  };

  const out = { id: m.id };
  for (const key of ROW_FIELDS) out[key] = key in m ? m[key] : (ROW_DEFAULTS[key] ?? null);
  out.rebase_weeks = [...rebaseWeeks].sort();
  out.series = window.map((wk) => ({ week_start: wk, value: history[wk] ?? null }));
  out.this_week = history[currentWeek] ?? null;
  out.last_week = history[addDays(currentWeek, -7)] ?? null;
  out.analysis = analysis;
  return out;
}

/**
 * The shape of a tests/vectors/boxscore/*.json `input` -> {this_week, weeks, groups} (compute_from_records).
 * A device has weekly totals instead of entries: `capacity_weekly_totals` (and `pending_entry_changes`,
 * [before, after] pairs) take the place of `capacity_entries` when given.
 */
export function computeFromRecords(input) {
  const currentWeek = weekStart(londonDay(new Date(input.now)));
  const { weeks, groups } = compute({
    measures: input.measures,
    weekly: input.capacity_weekly_totals
      ? weeklyFromTotals(input.capacity_weekly_totals, input.pending_entry_changes || [])
      : weeklyMinutes(input.capacity_entries || []),
    values: (input.measure_values || []).map((v) => [v.measure_id, v.week_start, v.value]),
    categories: new Map((input.categories || []).map((c) => [c.id, c])),
    contractedHours: input.contracted_hours_per_week ?? null,
    currentWeek,
    weeks: input.weeks ?? DEFAULT_WEEKS,
  });
  return { this_week: currentWeek, weeks, groups };
}

/** The team's box score from this device's records (works offline). */
export async function localBoxScore(db, teamId, { weeks = DEFAULT_WEEKS, contractedHours = null, now = nowDate() } = {}) {
  const [measures, values, weekly, categories] = await Promise.all([
    listRecords(db, measuresCollection.name, teamId),
    listRecords(db, measureValues.name, teamId),
    localWeeklyMinutes(db, teamId),
    listRecords(db, timeLostCategories.name, teamId),
  ]);
  const currentWeek = weekStart(londonDay(now));
  const result = compute({
    measures: measures.map((r) => ({ ...r.data, id: r.id })),
    weekly,
    values: values.map((r) => r.data).filter((v) => v.measure_id && v.week_start).map((v) => [v.measure_id, v.week_start, v.value]),
    categories: new Map(categories.map((r) => [r.id, { ...r.data, id: r.id }])),
    contractedHours,
    currentWeek,
    weeks,
  });
  return { this_week: currentWeek, ...result };
}
