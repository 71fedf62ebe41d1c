// Weekly values for the huddle (issue 5): this week's and last week's value of every manual
// measure in one form. One record per measure and week, with the id every device computes the
// same way (uuid5 of "<measure_id>/<week_start>"), so two people entering a week offline edit
// one record and the engine's conflict rules decide.
import { h, link, plural } from '../ui/h.js';
import { listRecords } from '../records.js';
import { upsert } from '../write.js';
import { GROUPS } from '../data/boxscore.js';
import { canEnterValues } from '../data/team.js';
import { measureValueId } from '../lib/uuid5.js';
import { weekStart, addDays } from '../lib/dates.js';
import { today } from '../lib/clock.js';
import { unitOf, shortWeek } from '../lib/measure-text.js';
import { FlashMessage } from '../ui/flash.js';
import { measures as measuresCollection } from '../collections/measures.js';
import { measureValues } from '../collections/measure-values.js';

export async function ValuesScreen(app) {
  if (!app.teamId) return h('div', null, h('h1', null, 'Weekly values'), h('p', null, 'You are not in a team yet.'));
  const thisWeek = weekStart(today());
  const weeks = [thisWeek, addDays(thisWeek, -7)];
  const [measureRows, valueRows] = await Promise.all([
    listRecords(app.db, measuresCollection.name, app.teamId), listRecords(app.db, measureValues.name, app.teamId),
  ]);
  const measures = measureRows.map((r) => ({ ...r.data, id: r.id }))
    .filter((m) => m.source !== 'derived' && m.status !== 'retired')
    .sort((a, b) => GROUPS.indexOf(a.group) - GROUPS.indexOf(b.group) || (a.position ?? 0) - (b.position ?? 0) || String(a.name).localeCompare(String(b.name)));
  const current = new Map(valueRows.map((r) => [r.id, r]));
  const may = canEnterValues(app);

  if (!measures.length) {
    return h('div', null, h('h1', null, 'Weekly values'),
      h('p', null, 'This team has no measures entered by hand yet. Measures worked out from capacity entries fill themselves in.'),
      h('p', null, link('/boxscore', 'Back to the box score', { class: 'block-link' })));
  }

  const label = (wk) => (wk === thisWeek ? `This week (w/c ${shortWeek(wk)})` : `Last week (w/c ${shortWeek(wk)})`);
  const form = h('form', { class: 'values-form', novalidate: true },
    h('div', { class: 'error-summary', role: 'alert', tabindex: '-1', hidden: true }),
    measures.map((m, i) => h('fieldset', { class: 'fieldset', 'data-measure': m.id },
      h('legend', { class: 'legend' }, m.name, unitOf(m) ? h('span', { class: 'legend__unit' }, ` (${unitOf(m)})`) : ''),
      h('div', { class: 'pair' }, weeks.map((wk) => {
        const rid = measureValueId(m.id, wk);
        const rec = current.get(rid);
        const id = `v-${i}-${wk}`;
        return h('div', { class: 'form-group' },
          h('label', { class: 'label', for: id }, label(wk)),
          h('p', { class: 'error-message', id: `${id}-error`, hidden: true }, 'Enter a number, or leave it empty'),
          h('input', {
            class: 'input', type: 'text', inputmode: 'decimal', id, autocomplete: 'off', disabled: !may,
            'data-measure': m.id, 'data-week': wk, 'data-current': rec?.data.value ?? '',
            value: rec?.data.value == null ? '' : String(rec.data.value),
          }),
          rec?.pending ? h('span', { class: 'tag tag--waiting' }, 'Waiting to sync') : '');
      })))),
    may ? h('div', { class: 'button-group' }, h('button', { type: 'submit', class: 'button' }, 'Save values'), link('/boxscore', 'Cancel', { class: 'link-cancel' })) : '');

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const changes = [];
    const bad = [];
    for (const input of form.querySelectorAll('input[data-measure]')) {
      const raw = input.value.trim().replace(/,/g, '');
      const value = raw === '' ? null : Number(raw);
      const error = form.querySelector(`#${CSS.escape(input.id)}-error`);
      const invalid = value !== null && (!Number.isFinite(value) || !/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(raw));
      error.hidden = !invalid;
      if (invalid) {
        input.setAttribute('aria-invalid', 'true');
        input.setAttribute('aria-describedby', error.id);
        bad.push(input);
        continue;
      }
      input.removeAttribute('aria-invalid');
      input.removeAttribute('aria-describedby');
      const before = input.dataset.current === '' ? null : Number(input.dataset.current);
      if (value !== before) changes.push({ measure_id: input.dataset.measure, week_start: input.dataset.week, value });
    }
    const summary = form.querySelector('.error-summary');
    if (bad.length) {
      summary.hidden = false;
      summary.replaceChildren(h('h2', { class: 'error-summary__title' }, 'There is a problem'),
        h('ul', null, bad.map((input) => h('li', null, h('a', { href: `#${input.id}` }, `${form.querySelector(`label[for="${input.id}"]`).textContent}: enter a number`)))));
      summary.focus();
      return;
    }
    for (const c of changes) {
      await upsert(app.db, app.session, measureValues.name, measureValueId(c.measure_id, c.week_start), { team_id: app.teamId, ...c });
    }
    app.navigate('/boxscore', { flash: changes.length ? `Saved ${plural(changes.length, 'value')}.` : 'No values changed.' });
  });

  return h('div', null,
    FlashMessage(app),
    h('h1', null, 'Weekly values'),
    h('p', null, may ? 'Enter the numbers for this week and last week. Empty boxes stay empty; clearing a box removes that week’s value.'
      : 'You can read these values; only members, leads and coaches of the team enter them.'),
    form);
}

