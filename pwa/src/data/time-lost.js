// The team's time lost by reason over recent weeks (the board's Pareto chart), from the team's weekly
// totals on this device (./weekly-totals.js; offline too), so it is the whole team's even on a phone
// that keeps only its user's entries. Kept apart from ./capacity.js, which the shell loads: only the
// board reads this.
import { localWeeklyMinutes } from './weekly-totals.js';
import { addDays, weekStart } from '../lib/dates.js';
import { today } from '../lib/clock.js';
import { categoryRecords } from './categories.js';

/**
 * The team's time lost in the last `weeks` weeks (this week and the ones before it), by reason
 * under its current name (entries made before a rename count under the new name): [{name, minutes}],
 * the most first. Entries with no reason are "No reason given".
 */
export async function timeLostByReason(db, teamId, weeks = 4, ref = today()) {
  const from = addDays(weekStart(ref), -7 * (weeks - 1));
  const current = new Map();
  for (const c of await categoryRecords(db, teamId)) for (const n of [...(c.former_names || []), c.name]) current.set(n, c.name);
  const totals = new Map();
  for (const [week, kind, category, minutes] of await localWeeklyMinutes(db, teamId)) {
    if (week < from || kind !== 'time_lost') continue;
    const name = category ? current.get(category) || category : 'No reason given';
    totals.set(name, (totals.get(name) || 0) + minutes);
  }
  return { from, reasons: [...totals].map(([name, minutes]) => ({ name, minutes }))
    .sort((a, b) => b.minutes - a.minutes || a.name.localeCompare(b.name)) };
}
