// Capacity entries: one person's minutes of time lost (with a reason), meetings or admin on a
// day. What a record is and how it reads; its screens are in ../routes/capacity-entries.js.
import { formatMinutes, formatDay, dayPhrase } from '../lib/dates.js';
import { collection } from './words.js';

export const KINDS = {
  time_lost: 'Time lost',
  meeting: 'Meeting',
  admin: 'Admin',
};

/** The category of an admin entry that is box score or board work: fidelity counts it as the time
 * Value Management takes (server/fidelity/protected.py's VALUE_MANAGEMENT). */
export const VALUE_MANAGEMENT = 'Value Management';

/** Entries whose category is shown: time lost's reason, and admin time that is Value Management's. */
const shownCategory = (e) => (e.kind === 'time_lost' || e.kind === 'admin') && e.category;

/** What an entry was, as the lists show it: "Time lost: Waiting", "Meeting", "Admin: Value Management". */
export function whatText(e) {
  const kind = KINDS[e.kind] || e.kind || 'Entry';
  return shownCategory(e) ? `${kind}: ${e.category}` : kind;
}

/** What the database needs of it (db.js; the service worker loads only this part). */
export const capacityEntriesStored = {
  name: 'capacity_entries',
  indexes: [
    // One person's entries by day: home, "My entries" and the tally read a week or a day of them.
    { name: 'owner_day', keyPath: ['collection', 'team_id', 'data.user_id', 'data.occurred_on'], since: 2 },
    // The team's entries by day: the board's Pareto chart read four weeks of them until it read the
    // weekly totals; retired, as each index slows every write of a first sync.
    { name: 'team_day', keyPath: ['collection', 'team_id', 'data.occurred_on'], since: 3, retired: 4 },
  ],
};

export const capacityEntries = /* @__PURE__ */ collection(capacityEntriesStored, {
  noun: 'an entry',
  /** "15 min time lost to Waiting on Thu 3 Dec", "1 h meeting today"; parts it lacks are left out. */
  describe(e) {
    const kind = (KINDS[e.kind] || 'entry').toLowerCase();
    return [
      e.minutes ? formatMinutes(e.minutes) : '',
      shownCategory(e) ? `${kind} ${e.kind === 'time_lost' ? 'to' : 'for'} ${e.category}` : kind,
      e.occurred_on ? dayPhrase(e.occurred_on) : '',
    ].filter(Boolean).join(' ');
  },
  // Labels are the edit screen's. Every field is the author's own to put back.
  fields: {
    kind: { label: 'What happened', show: (v) => KINDS[v] || v, restore: true },
    minutes: { label: 'Minutes', show: formatMinutes, restore: true },
    category: { label: 'Reason', restore: true },
    occurred_on: { label: 'Date', show: (v) => formatDay(v), restore: true },
    note: { label: 'Note', restore: true },
  },
  /** A refused change is fixed on the edit form, which sends it again. */
  fix(rejected) {
    return rejected.mutation.op === 'delete' ? null : { href: `/attention/${rejected.rid}`, text: 'Fix and send again' };
  },
});

/**
 * The server's weekly totals of the team's entries (read-only: the push that changes entries writes
 * them). Devices keep 16 weeks of entries (their sync window) and every week's totals, so a box
 * score needs no old entries.
 */
export const capacityWeeklyTotals = Object.freeze({ name: 'capacity_weekly_totals', indexes: [] });
