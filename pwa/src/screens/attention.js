// "Needs attention": changes the server refused for good. Read, fix and send again, or discard.
// Every collection reads here in its own words, and says where its refused changes are fixed
// (collections/).
import { h, link } from '../ui/h.js';
import { getRecord } from '../records.js';
import { collectionOf, fieldOf, describeRecord } from '../collections/index.js';
import { capitalise } from '../collections/words.js';
import { formatTime } from '../lib/dates.js';
import { FlashMessage } from '../ui/flash.js';
import { upsert } from '../write.js';
import { refusalText, refusedFields } from '../collections/rules.js';

/**
 * The fields of a refused edit the server did not object to: refused with the rest (a change is
 * accepted or refused whole), they are not lost but shown, and can be saved without the rest.
 */
function notRefused(r, current) {
  if (r.mutation.op !== 'upsert' || !current || current.deleted || r.error?.code !== 'validation_error') return {};
  const refused = new Set(Object.keys(r.error.fields || {}).map((k) => k.split('.')[0]));
  return Object.fromEntries(Object.entries(r.mutation.fields || {}).filter(([k]) => k !== 'team_id' && !refused.has(k)));
}

/** What the refused change would have done: "Add …", "Change to … (Minutes, Date)", "Delete …". */
async function whatItDid(db, collection, m, current) {
  const shown = current && !current.deleted ? current.data : null;
  if (m.op === 'delete') return `Delete ${await describeRecord(db, collection, shown)}`;
  if (!shown) return `Add ${await describeRecord(db, collection, m.fields || {})}`;
  const changed = Object.keys(m.fields || {}).filter((k) => k !== 'team_id').map((k) => fieldOf(collection, k).label);
  return `Change to ${await describeRecord(db, collection, shown)} (${changed.join(', ')})`;
}

export async function AttentionScreen(app) {
  const refused = await app.db.getAll('rejected');
  const items = await Promise.all(refused.map(async (r) => {
    const collection = collectionOf(r.mutation.collection);
    const current = await getRecord(app.db, r.mutation.collection, r.mutation.record_id);
    // No edit fixes a change the user was not allowed to make.
    const fix = r.error?.code === 'forbidden' ? null : collection.fix(r, current);
    return { r, collection, fix, rest: notRefused(r, current), problems: Object.values(await refusedFields(collection, r)), what: await whatItDid(app.db, collection, r.mutation, current) };
  }));
  return h('div', null,
    FlashMessage(app),
    h('h1', null, 'Needs attention'),
    items.length === 0
      ? h('p', null, 'Nothing needs your attention. The server has accepted all your changes.')
      : [h('p', null, 'The server could not accept these changes. They are kept here so nothing is lost: fix and send them again, or discard them.'),
        h('ul', { class: 'cards', 'data-testid': 'rejected-list' }, items.map(({ r, collection, fix, rest, problems, what }) => {
          const kept = Object.entries(rest).map(([k, v]) => `${fieldOf(collection, k).label} ${fieldOf(collection, k).show(v)}`);
          return h('li', { class: 'card' },
            h('h2', { class: 'card__title' }, capitalise(what)),
            h('p', null, refusalText(r)),
            problems.length ? h('ul', null, problems.map((text) => h('li', null, text))) : '',
            kept.length ? h('p', { 'data-testid': 'not-refused' }, `Not saved with it, though nothing was wrong with it: ${kept.join(', ')}.`) : '',
            h('p', { class: 'hint-text' }, `Refused ${formatTime(r.rejected_at)}`),
            h('div', { class: 'button-group' },
              fix ? link(fix.href, fix.text, { class: 'button button--small' }) : '',
              kept.length ? h('button', {
                type: 'button', class: 'button button--small button--secondary',
                onclick: async () => {
                  await upsert(app.db, app.session, r.mutation.collection, r.mutation.record_id, rest);
                  await app.db.delete('rejected', r.rid);
                  await app.client.refreshStatus();
                  app.navigate('/attention', { replace: true, flash: `Saved ${kept.join(', ')}. The rest was left as it was.` });
                },
              }, 'Save the rest without the refused part') : '',
              h('button', {
                type: 'button', class: 'button button--small button--secondary',
                onclick: async () => {
                  await app.db.delete('rejected', r.rid);
                  await app.client.refreshStatus();
                  app.navigate('/attention', { replace: true, flash: 'Discarded.' });
                },
              }, 'Discard')));
        }))]);
}
