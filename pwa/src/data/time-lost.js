// The team's time lost by reason over recent weeks (the board's Pareto chart), from the team's
// entries this device holds for those weeks (offline too), read by day from an index rather than all. Kept apart from ./capacity.js, which the shell loads:
// only the board reads this.
import { recordIndex } from '../db.js';
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
  const byDay = db.transaction('records').store.index(recordIndex(capacityEntries.name, 'team_day'));
  const rows = await byDay.getAll(IDBKeyRange.bound([capacityEntries.name, teamId, from], [capacityEntries.name, teamId, '\uffff']));
  for (const { data: e, deleted } of rows) {
    if (deleted || e.kind !== 'time_lost') continue;
    const name = e.category ? current.get(e.category) || e.category : 'No reason given';
    totals.set(name, (totals.get(name) || 0) + (Number(e.minutes) || 0));
  }
  return { from, reasons: [...totals].map(([name, minutes]) => ({ name, minutes }))
    .sort((a, b) => b.minutes - a.minutes || a.name.localeCompare(b.name)) };
}
