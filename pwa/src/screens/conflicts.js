// "Your change to … was replaced by …": values of mine another device's later write replaced.
// Every collection reads here in its own words (collections/): the record, the field, the values.
import { h } from '../ui/h.js';
import { getRecord } from '../records.js';
import { collectionOf, fieldOf, describeRecord } from '../collections/index.js';
import { capitalise } from '../collections/words.js';
import { formatTime } from '../lib/dates.js';
import { upsert } from '../write.js';
import { FlashMessage } from '../ui/flash.js';

export async function ConflictsScreen(app) {
  const all = (await app.db.getAll('conflicts')).sort((a, b) => (b.at || '').localeCompare(a.at || ''));
  const items = await Promise.all(all.map(async (c) => {
    const collection = collectionOf(c.collection);
    const record = await getRecord(app.db, c.collection, c.record_id);
    const live = record && !record.deleted ? record : null;
    const what = live ? await describeRecord(app.db, collection, live.data) : `${collection.noun} no longer on this device`;
    return { c, live, what, field: fieldOf(collection, c.field) };
  }));
  return h('div', null,
    FlashMessage(app),
    h('h1', null, 'Changes replaced by others'),
    items.length === 0 ? h('p', null, 'None of your changes has been replaced by someone else’s.')
      : h('ul', { class: 'cards', 'data-testid': 'conflict-list' }, items.map(({ c, live, what, field }) => h('li', { class: `card${c.seen ? ' card--seen' : ''}`, 'data-testid': 'conflict' },
        h('h2', { class: 'card__title' }, capitalise(what)),
        h('p', null, `${field.label}: your ${field.show(c.lost_value)} was replaced by ${field.show(c.kept_value)}.`),
        h('p', { class: 'hint-text' }, c.at ? `Replaced ${formatTime(c.at)}` : ''),
        h('div', { class: 'button-group' },
          live && field.restore ? h('button', {
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
          }, 'OK, keep theirs'))))));
}
