// "My entries": today's and this week's entries with totals; edit and delete, offline too.
import { h, link } from '../ui/h.js';
import { myEntries, recentRange, groupTotals } from '../data/capacity.js';
import { capacityEntries, whatText } from '../collections/capacity-entries.js';
import { formatMinutes, formatDay } from '../lib/dates.js';
import { today } from '../lib/clock.js';
import { remove } from '../write.js';
import { FlashMessage } from '../ui/flash.js';

export async function EntriesScreen(app) {
  if (!app.teamId) return h('div', null, h('h1', null, 'My entries'), h('p', null, 'You are not in a team yet.'));
  const entries = await myEntries(app.db, app.teamId, app.session.user.id, ...recentRange());
  const t = groupTotals(entries);
  const earlier = t.week.filter((r) => r.data.occurred_on !== today());
  const range = `${formatDay(t.start, '')} to ${formatDay(t.end, '')}`;

  return h('div', null,
    FlashMessage(app),
    h('h1', null, 'My entries'),
    h('section', { 'aria-labelledby': 'today-title', class: 'section' },
      h('h2', { id: 'today-title' }, 'Today ', h('span', { class: 'total', 'data-testid': 'today-total' }, formatMinutes(t.todayMinutes))),
      t.todays.length ? entryList(app, t.todays) : h('p', null, 'Nothing logged today. ', link('/', 'Log capacity'))),
    h('section', { 'aria-labelledby': 'week-title', class: 'section' },
      h('h2', { id: 'week-title' }, 'This week ', h('span', { class: 'total', 'data-testid': 'week-total' }, formatMinutes(t.weekMinutes))),
      h('p', { class: 'hint-text' }, `Monday to Sunday: ${range}. Earlier days this week are listed here; today's are above.`),
      earlier.length ? entryList(app, earlier) : h('p', null, 'No other entries this week.')));
}

// Newest first: the latest day, and within a day the latest logged (a record id is a version 7
// uuid, so ids sort in the order they were made, on any device).
const newestFirst = (a, b) => (b.data.occurred_on || '').localeCompare(a.data.occurred_on || '') || b.id.localeCompare(a.id);

export function entryList(app, rows) {
  return h('ul', { class: 'entries', 'data-testid': 'entries' }, [...rows].sort(newestFirst).map((r) => entryItem(app, r)));
}

function entryItem(app, r) {
  const e = r.data;
  const label = capacityEntries.describe(e);
  const del = h('button', {
    type: 'button', class: 'entry__control entry__control--delete', 'aria-label': `Delete ${label}`,
    onclick: async () => {
      if (del.dataset.confirm !== 'yes') {
        del.dataset.confirm = 'yes';
        // A background refresh (after a sync) must not rebuild the list under the confirmation.
        del.setAttribute('data-dirty', '');
        del.setAttribute('aria-label', `Yes, delete ${label}`);
        del.textContent = 'Yes, delete';
        return;
      }
      await remove(app.db, app.session, capacityEntries.name, r.id);
      app.navigate('/entries', { replace: true, flash: `Deleted ${label}.` });
    },
  }, 'Delete');
  return h('li', { class: 'entry', 'data-pending': r.pending ? 'yes' : 'no', 'data-id': r.id },
    h('div', { class: 'entry__main' },
      h('span', { class: 'entry__minutes' }, formatMinutes(e.minutes)),
      h('span', { class: 'entry__what' }, whatText(e)),
      e.occurred_on !== today() ? h('span', { class: 'entry__date' }, formatDay(e.occurred_on)) : '',
      e.note ? h('span', { class: 'entry__note' }, e.note) : '',
      h('span', { class: `tag ${r.pending ? 'tag--waiting' : 'tag--saved'}`, 'data-testid': 'entry-state' }, r.pending ? 'Waiting to sync' : 'Saved')),
    h('div', { class: 'entry__actions' },
      link(`/entries/${r.id}`, 'Edit', { class: 'entry__control', 'aria-label': `Edit ${label}` }),
      del));
}

