// Edit one of my entries, or fix a change the server refused and send it again.
import { h, link } from '../ui/h.js';
import { teamCategories } from '../data/capacity.js';
import { KINDS, capacityEntries } from '../collections/capacity-entries.js';
import { addDays } from '../lib/dates.js';
import { today } from '../lib/clock.js';
import { getRecord } from '../records.js';
import { upsert } from '../write.js';
import { canLogCapacity } from '../data/team.js';
import { coachLogsNothing } from './log.js';
import { problemsWith, refusedFields, refusalText, specOf } from '../collections/rules.js';
import { errorSlot, showErrors, characterCounter } from '../ui/field-errors.js';

export async function EditEntryScreen(app) {
  return entryForm(app, { fixing: false });
}

/** A refused change to an entry (from "Needs attention"), on the same form, to send again. */
export async function FixEntryScreen(app) {
  return entryForm(app, { fixing: true });
}

async function entryForm(app, { fixing }) {
  let values;
  let rejected = null;
  let recordId;
  if (fixing) {
    rejected = await app.db.get('rejected', Number(app.params[0]));
    if (rejected?.mutation.collection !== capacityEntries.name) return gone();
    recordId = rejected.mutation.record_id;
    const current = await getRecord(app.db, rejected.mutation.collection, recordId);
    values = { ...(current?.data || {}), ...(rejected.mutation.fields || {}) };
  } else {
    recordId = app.params[0];
    const r = await getRecord(app.db, capacityEntries.name, recordId);
    if (!r || r.deleted) return gone();
    values = r.data;
  }
  const teamId = values.team_id || app.teamId;
  if (!canLogCapacity(app, teamId)) return h('div', null, h('h1', null, fixing ? 'Fix and send again' : 'Edit entry'), coachLogsNothing(app, teamId));
  const categories = await teamCategories(app.db, teamId);
  if (values.category && !categories.includes(values.category)) categories.push(values.category);
  const fieldErrors = rejected ? await refusedFields(capacityEntries, rejected) : {};
  const noteRule = (await specOf(capacityEntries)).fields.note;

  const err = (name) => errorSlot(name, fieldErrors[name]);
  const described = (name, extra) => [`${name}-error`, extra || ''].filter(Boolean).join(' ');
  const kindRadios = h('fieldset', { class: 'fieldset' }, h('legend', { class: 'legend' }, 'What happened'), err('kind'),
    h('div', { class: 'radios' }, Object.entries(KINDS).map(([k, label]) => h('div', { class: 'radio' },
      h('input', { type: 'radio', name: 'kind', id: `kind-${k}`, value: k, checked: values.kind === k, class: 'radio__input' }),
      h('label', { for: `kind-${k}`, class: 'radio__label' }, label)))));
  const categorySelect = h('select', { class: 'select', id: 'category', name: 'category', 'aria-describedby': described('category') },
    h('option', { value: '' }, 'No reason'),
    categories.map((c) => h('option', { value: c, selected: c === values.category }, c)));
  const noteInput = h('textarea', { class: 'textarea', id: 'note', name: 'note', rows: 3, 'aria-describedby': described('note', 'note-hint') }, values.note || '');
  const form = h('form', { class: 'form', novalidate: true },
    kindRadios,
    h('div', { class: 'form-group' }, h('label', { class: 'label', for: 'minutes' }, 'Minutes'), err('minutes'),
      h('input', { class: 'input input--width-4', type: 'number', id: 'minutes', name: 'minutes', min: 1, max: 1440, value: values.minutes ?? '', inputmode: 'numeric', 'aria-describedby': described('minutes') })),
    h('div', { class: 'form-group' }, h('label', { class: 'label', for: 'category' }, 'Reason (for time lost)'), err('category'), categorySelect),
    h('div', { class: 'form-group' }, h('label', { class: 'label', for: 'occurred_on' }, 'Date'), err('occurred_on'),
      h('input', { class: 'input input--date', type: 'date', id: 'occurred_on', name: 'occurred_on', value: values.occurred_on || today(), max: addDays(today(), 1), 'aria-describedby': described('occurred_on') })),
    h('div', { class: 'form-group' }, h('label', { class: 'label', for: 'note' }, 'Note (optional)'),
      h('div', { class: 'hint-text warning-text', id: 'note-hint' }, 'Do not write patient details here: no names, CHI numbers or anything that identifies a person.'),
      err('note'),
      noteInput, characterCounter(noteInput, noteRule.max_length)),
    h('div', { class: 'button-group' },
      h('button', { type: 'submit', class: 'button' }, fixing ? 'Send again' : 'Save changes'),
      link(fixing ? '/attention' : '/entries', 'Cancel', { class: 'link-cancel' })));

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const d = Object.fromEntries(new FormData(form));
    const next = { kind: d.kind, minutes: d.minutes === '' ? null : Number(d.minutes), occurred_on: d.occurred_on || today(), category: d.kind === 'time_lost' ? (d.category || null) : null, note: d.note.trim() || null };
    const fields = {};
    for (const [k, v] of Object.entries(next)) if (fixing || (values[k] ?? null) !== v) fields[k] = v;
    // Checked on the device with the server's rules: nothing refused here is "saved" first.
    if (showErrors(form, await problemsWith(capacityEntries, fields))) return;
    if (fixing && rejected.mutation.op === 'upsert' && !values.created_at) fields.team_id = values.team_id || app.teamId;
    if (Object.keys(fields).length) await upsert(app.db, app.session, capacityEntries.name, recordId, fields);
    if (fixing) await app.db.delete('rejected', rejected.rid);
    app.navigate(fixing ? '/attention' : '/entries', { flash: fixing ? 'Sent again. It will sync shortly.' : 'Changes saved.' });
  });

  return h('div', { class: 'narrow' },
    h('h1', null, fixing ? 'Fix and send again' : 'Edit entry'),
    rejected ? h('div', { class: 'error-summary', role: 'alert' },
      h('h2', { class: 'error-summary__title' }, 'The server could not accept this change'),
      h('p', null, refusalText(rejected))) : '',
    form);

  function gone() {
    return h('div', null, h('h1', null, 'Entry not found'), h('p', null, 'It may have been deleted. ', link('/entries', 'Back to my entries')));
  }
}
