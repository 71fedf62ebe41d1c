// Tally mode for a shift: each tap on a reason logs a set number of minutes of time lost.
import { h } from '../ui/h.js';
import { teamCategories, myEntries } from '../data/capacity.js';
import { formatMinutes } from '../lib/dates.js';
import { today } from '../lib/clock.js';
import { saveEntry, coachLogsNothing } from './log.js';
import { canLogCapacity } from '../data/team.js';
import { remove } from '../write.js';
import { capacityEntries } from '../collections/capacity-entries.js';

export async function TallyScreen(app) {
  if (!app.teamId) return h('div', null, h('h1', null, 'Tally'), h('p', null, 'You are not in a team yet.'));
  if (!canLogCapacity(app)) return h('div', null, h('h1', null, 'Tally time lost'), coachLogsNothing(app));
  const categories = await teamCategories(app.db, app.teamId);
  const step = Number(localStorage.getItem('vb-tally-step') || 5);
  const entries = (await myEntries(app.db, app.teamId, app.session.user.id, today(), today())).filter((r) => r.data.kind === 'time_lost');
  const totals = new Map();
  for (const r of entries) totals.set(r.data.category, (totals.get(r.data.category) || 0) + r.data.minutes);
  const live = h('p', { class: 'visually-hidden', 'aria-live': 'polite' });
  let last = null;
  const undo = h('button', {
    type: 'button', class: 'button button--secondary', disabled: true,
    onclick: async () => {
      if (!last) return;
      await remove(app.db, app.session, capacityEntries.name, last.id);
      totals.set(last.category, (totals.get(last.category) || 0) - last.minutes);
      refreshCount(last.category);
      live.textContent = `Removed ${formatMinutes(last.minutes)} from ${last.category}.`;
      last = null;
      undo.disabled = true;
    },
  }, 'Undo last tap');
  const counts = new Map();
  const refreshCount = (c) => { counts.get(c).textContent = formatMinutes(totals.get(c) || 0); };
  const stepSelect = h('select', { class: 'select', id: 'tally-step', onchange: (e) => localStorage.setItem('vb-tally-step', e.target.value) },
    [5, 10, 15].map((m) => h('option', { value: m, selected: m === step }, formatMinutes(m))));
  return h('div', null,
    h('h1', null, 'Tally time lost'),
    h('p', null, 'Tap a reason each time it happens. Every tap logs time lost for today.'),
    h('div', { class: 'form-group inline' }, h('label', { class: 'label', for: 'tally-step' }, 'Each tap adds'), stepSelect),
    h('ul', { class: 'tally' }, categories.map((c) => {
      const count = h('span', { class: 'tally__count' });
      counts.set(c, count);
      refreshCount(c);
      return h('li', null, h('button', {
        type: 'button', class: 'tally__button',
        onclick: async () => {
          const minutes = Number(stepSelect.value);
          const e = await saveEntry(app, { kind: 'time_lost', minutes, category: c });
          last = e;
          undo.disabled = false;
          totals.set(c, (totals.get(c) || 0) + minutes);
          refreshCount(c);
          live.textContent = `Added ${formatMinutes(minutes)}: ${c}. Today ${formatMinutes(totals.get(c))}.`;
        },
      }, h('span', { class: 'tally__name' }, c), count));
    })),
    undo, live);
}
