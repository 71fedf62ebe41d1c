// "Needs attention": changes the server refused for good. Read, fix and send again, or discard.
import { h, link } from '../ui/h.js';
import { describe } from '../lib/capacity.js';
import { formatMinutes, formatTime } from '../lib/dates.js';
import { FlashMessage } from '../ui/flash.js';

// What a refused change was, in words a ward would use, whatever the collection.
const NOUNS = { capacity_entries: 'entry', measures: 'measure', measure_values: 'weekly value', time_lost_categories: 'time-lost reason' };

function describeMutation(m) {
  const f = m.fields || {};
  const noun = NOUNS[m.collection] || 'record';
  const named = f.name ? ` "${f.name}"` : '';
  if (m.op === 'delete') return `Delete a ${noun}${named}`;
  if (m.collection === 'capacity_entries' && f.minutes) return `${formatMinutes(f.minutes)} ${describe(f).toLowerCase()}`;
  if (m.collection === 'measure_values' && 'value' in f) return `Weekly value ${f.value ?? '(cleared)'} for week beginning ${f.week_start ?? '?'}`;
  return `Change to the ${noun}${named}: ${Object.keys(f).filter((k) => k !== 'team_id').join(', ')}`;
}

export async function AttentionScreen(app) {
  const items = await app.db.getAll('rejected');
  return h('div', null,
    FlashMessage(app),
    h('h1', null, 'Needs attention'),
    items.length === 0
      ? h('p', null, 'Nothing needs your attention. The server has accepted all your changes.')
      : [h('p', null, 'The server could not accept these changes. They are kept here so nothing is lost: fix and send them again, or discard them.'),
        h('ul', { class: 'cards', 'data-testid': 'rejected-list' }, items.map((r) => {
          const m = r.mutation;
          const f = m.fields || {};
          const what = describeMutation(m);
          const problems = Object.entries(r.error?.fields || {}).map(([k, v]) => h('li', null, `${k}: ${[].concat(v).join(' ')}`));
          return h('li', { class: 'card' },
            h('h2', { class: 'card__title' }, what),
            h('p', null, r.error?.message || 'Refused by the server.'),
            problems.length ? h('ul', null, problems) : '',
            h('p', { class: 'hint-text' }, `Refused ${formatTime(r.rejected_at)}`),
            h('div', { class: 'button-group' },
              m.op !== 'delete' && m.collection === 'capacity_entries' ? link(`/attention/${r.rid}`, 'Fix and send again', { class: 'button button--small' }) : '',
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
