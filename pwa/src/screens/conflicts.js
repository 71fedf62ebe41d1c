// "Your change to … was replaced by …": values of mine another device's later write replaced.
import { h } from '../ui/h.js';
import { getRecord } from '../records.js';
import { describe } from '../lib/capacity.js';
import { formatMinutes, formatTime, formatDay } from '../lib/dates.js';
import { upsert } from '../write.js';
import { FlashMessage } from '../ui/flash.js';

const FIELD_NAMES = { minutes: 'minutes', kind: 'kind', category: 'reason', note: 'note', occurred_on: 'date' };
const show = (field, v) => (v == null || v === '' ? '(empty)' : field === 'minutes' ? formatMinutes(v) : String(v));

export async function ConflictsScreen(app) {
  const all = (await app.db.getAll('conflicts')).sort((a, b) => (b.at || '').localeCompare(a.at || ''));
  const items = await Promise.all(all.map(async (c) => ({ c, r: await getRecord(app.db, c.collection, c.record_id) })));
  return h('div', null,
    FlashMessage(app),
    h('h1', null, 'Changes replaced by others'),
    items.length === 0 ? h('p', null, 'None of your changes has been replaced by someone else’s.')
      : h('ul', { class: 'cards', 'data-testid': 'conflict-list' }, items.map(({ c, r }) => {
        const what = r?.data ? `${describe(r.data).toLowerCase()} on ${formatDay(r.data.occurred_on).toLowerCase()}` : 'an entry';
        const field = FIELD_NAMES[c.field] || c.field;
        return h('li', { class: `card${c.seen ? ' card--seen' : ''}`, 'data-testid': 'conflict' },
          h('p', null, `Your change to the ${field} of ${what} (${show(c.field, c.lost_value)}) was replaced by ${show(c.field, c.kept_value)}.`),
          h('p', { class: 'hint-text' }, c.at ? `Replaced ${formatTime(c.at)}` : ''),
          h('div', { class: 'button-group' },
            r && !r.deleted && c.collection === 'capacity_entries' ? h('button', {
              type: 'button', class: 'button button--small',
              onclick: async () => {
                await upsert(app.db, app.session, c.collection, c.record_id, { [c.field]: c.lost_value });
                await app.db.delete('conflicts', c.key);
                app.navigate('/conflicts', { replace: true, flash: 'Your value is back. It will sync shortly.' });
              },
            }, 'Use my value again') : '',
            c.seen ? '' : h('button', {
              type: 'button', class: 'button button--small button--secondary',
              onclick: async () => {
                await app.db.put('conflicts', { ...c, seen: true });
                app.navigate('/conflicts', { replace: true, flash: 'Marked as seen.' });
              },
            }, 'OK, keep theirs')));
      })));
}
