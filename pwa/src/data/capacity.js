// Capacity entries (issue 5) for the screens: quick picks, the team's time-lost categories, my
// entries by day and their totals. What an entry is and how it reads: collections/capacity-entries.js.
import { listRecords } from '../records.js';
import { recordIndex } from '../db.js';
import { capacityEntries } from '../collections/capacity-entries.js';
import { timeLostCategories } from '../collections/time-lost-categories.js';
import { addDays, weekStart } from '../lib/dates.js';
import { today } from '../lib/clock.js';
import { DEFAULT_CATEGORIES } from './categories.js';

export const QUICK_MINUTES = [5, 10, 15, 30, 60];

export async function teamCategories(db, teamId) {
  const rows = teamId ? await listRecords(db, timeLostCategories.name, teamId) : [];
  const active = rows.map((r) => r.data).filter((c) => c.name && !c.archived && c.status !== 'retired');
  if (!active.length) return [...DEFAULT_CATEGORIES]; // a copy: callers may add to it
  active.sort((a, b) => (a.position ?? 0) - (b.position ?? 0) || a.name.localeCompare(b.name));
  return active.map((c) => c.name);
}

/** My entries of one team dated from..to (inclusive), through the owner_day index. */
export async function myEntries(db, teamId, userId, from = '0000-00-00', to = '9999-99-99') {
  if (!teamId || !userId) return [];
  const { name } = capacityEntries;
  const range = IDBKeyRange.bound([name, teamId, userId, from], [name, teamId, userId, to]);
  const rows = await db.getAllFromIndex('records', recordIndex(name, 'owner_day'), range);
  return rows.filter((r) => !r.deleted);
}

/** The days the home and "My entries" screens need: this week and yesterday (and tomorrow). */
export function recentRange(ref = today()) {
  const yesterday = addDays(ref, -1);
  const start = weekStart(ref);
  return [yesterday < start ? yesterday : start, addDays(start, 7)];
}

/** Yesterday's most common entry (kind, minutes, category), for one-tap repeat. */
export function mostCommonYesterday(entries, ref = today()) {
  const day = addDays(ref, -1);
  const counts = new Map();
  for (const r of entries) {
    const e = r.data;
    if (e.occurred_on !== day) continue;
    const key = JSON.stringify([e.kind, e.minutes, e.category || null]);
    counts.set(key, (counts.get(key) || 0) + 1);
  }
  let best = null;
  for (const [key, n] of counts) if (!best || n > best.n) best = { key, n };
  if (!best) return null;
  const [kind, minutes, category] = JSON.parse(best.key);
  return { kind, minutes, category };
}

export function groupTotals(entries, ref = today()) {
  const start = weekStart(ref);
  const end = addDays(start, 6);
  const todays = entries.filter((r) => r.data.occurred_on === ref);
  const week = entries.filter((r) => r.data.occurred_on >= start && r.data.occurred_on <= end);
  const sum = (list) => list.reduce((t, r) => t + (Number(r.data.minutes) || 0), 0);
  return { todays, week, todayMinutes: sum(todays), weekMinutes: sum(week), start, end };
}

