// The team's time lost by reason over recent weeks (the board's Pareto chart), from every entry of
// the team this device holds (offline too). Kept apart from ./capacity.js, which the shell loads:
// only the board reads this.
import { listRecords } from '../records.js';
import { capacityEntries } from '../collections/capacity-entries.js';
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
  for (const { data: e } of await listRecords(db, capacityEntries.name, teamId)) {
    if (e.kind !== 'time_lost' || !(e.occurred_on >= from)) continue;
    const name = e.category ? current.get(e.category) || e.category : 'No reason given';
    totals.set(name, (totals.get(name) || 0) + (Number(e.minutes) || 0));
  }
  return { from, reasons: [...totals].map(([name, minutes]) => ({ name, minutes }))
    .sort((a, b) => b.minutes - a.minutes || a.name.localeCompare(b.name)) };
}
