// The team's capacity minutes per week, kind and category on this device (offline too): the
// server's weekly totals (the read-only collection capacity_weekly_totals, written by the push that
// changes the entries) plus this device's own entries still waiting to be confirmed. The box score
// and the board's Pareto chart read these, never the entries: a device keeps only 16 weeks of
// entries (its sync window), and only its user's own unless they lead the team.
import { listRecords } from '../records.js';
import { capacityEntries, capacityWeeklyTotals } from '../collections/capacity-entries.js';
import { weekStart } from '../lib/dates.js';

/**
 * Weekly rows for `compute` from the server's weekly totals (records of capacity_weekly_totals:
 * {week_start, kind, category, minutes, entries}) and the entries changed on this device that the
 * totals cannot include yet: `changes` are [before, after] pairs of entries (null for none), the
 * server's copy and what the screen shows. A bucket counts while it holds an entry, as on the server.
 */
export function weeklyFromTotals(totals, changes = []) {
  const buckets = new Map();
  const add = (week, kind, category, minutes, entries) => {
    const key = `${week}\u0000${kind}\u0000${category || ''}`;
    const b = buckets.get(key) || { minutes: 0, entries: 0 };
    b.minutes += minutes;
    b.entries += entries;
    buckets.set(key, b);
  };
  for (const t of totals) add(t.week_start, t.kind, t.category, Math.trunc(Number(t.minutes)), Math.trunc(Number(t.entries)));
  const counts = (e) => e && e.occurred_on && e.kind && Number.isFinite(Number(e.minutes));
  for (const [before, after] of changes) {
    if (counts(before)) add(weekStart(before.occurred_on), before.kind, before.category, -Math.trunc(Number(before.minutes)), -1);
    if (counts(after)) add(weekStart(after.occurred_on), after.kind, after.category, Math.trunc(Number(after.minutes)), 1);
  }
  return [...buckets].filter(([, b]) => b.entries > 0).map(([key, b]) => [...key.split('\u0000'), b.minutes]);
}

/**
 * The team's capacity minutes per week, kind and category as this device knows them (offline too):
 * the server's weekly totals plus this device's entries still waiting to be confirmed.
 */
export async function localWeeklyMinutes(db, teamId) {
  const [totals, changes] = await Promise.all([
    listRecords(db, capacityWeeklyTotals.name, teamId),
    pendingEntryChanges(db, teamId),
  ]);
  return weeklyFromTotals(totals.map((r) => r.data), changes);
}

/** [server copy, shown copy] of each of the team's entries with changes in the outbox. */
async function pendingEntryChanges(db, teamId) {
  const tx = db.transaction(['records', 'outbox']);
  const ids = new Set();
  let cursor = await tx.objectStore('outbox').index('record').openKeyCursor(
    IDBKeyRange.bound([capacityEntries.name], [capacityEntries.name, []]));
  while (cursor) {
    ids.add(cursor.key[1]);
    cursor = await cursor.continue();
  }
  const out = [];
  for (const id of ids) {
    const r = await tx.objectStore('records').get([capacityEntries.name, id]);
    if (!r || r.team_id !== teamId) continue;
    const before = r.server && !r.server.deleted ? r.server.record : null;
    out.push([before, r.deleted ? null : r.data]);
  }
  return out;
}
