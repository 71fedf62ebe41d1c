// Quick log (issue 5): kind → minutes → (for time lost) reason → saved.
// From home: 3 taps for time lost with a quick pick, 2 for a meeting or admin entry.
import { h, link } from '../ui/h.js';
import { QUICK_MINUTES, teamCategories } from '../data/capacity.js';
import { KINDS, VALUE_MANAGEMENT, capacityEntries } from '../collections/capacity-entries.js';
import { formatMinutes, addDays } from '../lib/dates.js';
import { today } from '../lib/clock.js';
import { upsert, newId } from '../write.js';
import { canLogCapacity, canChangeTeamSettings, currentTeam } from '../data/team.js';
import { problemsWith, specOf } from '../collections/rules.js';
import { errorSlot, showErrors, characterCounter } from '../ui/field-errors.js';

/** Why a coach who follows a team sees no logging for it (the server would refuse the entries). */
export function coachLogsNothing(app, teamId = app.teamId) {
  const name = currentTeam({ ...app, teamId })?.name || 'this team';
  return h('p', { 'data-testid': 'coach-logs-nothing' },
    `You follow ${name} as its coach, so you do not log capacity for it: its staff log their own time. `,
    'You can read its ', link('/boxscore', 'box score'), ' and enter its weekly values.');
}

function entryFields(app, { kind, minutes, category, note, occurred_on }) {
  const fields = { team_id: app.teamId, kind, minutes, occurred_on: occurred_on || today() };
  if ((kind === 'time_lost' || kind === 'admin') && category) fields.category = category;
  if (note) fields.note = note;
  return fields;
}

export async function saveEntry(app, entry) {
  const fields = entryFields(app, entry);
  const id = newId();
  await upsert(app.db, app.session, capacityEntries.name, id, fields);
  return { id, ...fields };
}

export async function LogScreen(app) {
  const kind = app.params[0];
  if (!app.teamId) return h('div', null, h('h1', null, 'No team'), h('p', null, 'You need to be in a team to log capacity.'));
  if (!canLogCapacity(app)) return h('div', null, h('h1', null, `Log ${KINDS[kind].toLowerCase()}`), coachLogsNothing(app));
  const noteRule = (await specOf(capacityEntries)).fields.note;
  const categories = kind === 'time_lost' ? await teamCategories(app.db, app.teamId) : [];
  const state = { minutes: null };
  // Leads log the time the box score and the board take them as admin marked Value Management: the
  // team's fidelity shows it beside the weeks they kept them going.
  const valueManagement = kind === 'admin' && canChangeTeamSettings(app)
    ? h('input', { type: 'checkbox', id: 'value-management' }) : null;
  const root = h('div', { class: 'log' });
  const live = h('p', { class: 'visually-hidden', 'aria-live': 'polite' });

  const dateInput = h('input', { class: 'input input--date', type: 'date', id: 'occurred_on', value: today(), max: addDays(today(), 1) });
  const noteInput = h('textarea', { class: 'textarea', id: 'note', rows: 2, 'aria-describedby': 'note-hint' });
  const extras = h('details', { class: 'details' },
    h('summary', null, 'Add a note or change the date'),
    h('div', { class: 'form-group' }, h('label', { class: 'label', for: 'occurred_on' }, 'Date'), errorSlot('occurred_on'), dateInput),
    h('div', { class: 'form-group' },
      h('label', { class: 'label', for: 'note' }, 'Note (optional)'),
      h('div', { class: 'hint-text warning-text', id: 'note-hint' }, 'Do not write patient details here: no names, CHI numbers or anything that identifies a person.'),
      errorSlot('note'), noteInput, characterCounter(noteInput, noteRule.max_length)));

  async function finish(category) {
    const entry = { kind, minutes: state.minutes, category, note: noteInput.value.trim(), occurred_on: dateInput.value || today() };
    // Checked on the device with the server's rules: what is refused here is never "Saved" first.
    if (showErrors(extras, await problemsWith(capacityEntries, entryFields(app, entry), { creating: true }))) return;
    const e = await saveEntry(app, entry);
    app.navigate('/', { flash: { text: `Saved: ${capacityEntries.describe(e)}.`, undo: { collection: capacityEntries.name, id: e.id } } });
  }

  function pickMinutes(m) {
    state.minutes = m;
    root.setAttribute('data-dirty', ''); // part way through: a sync finishing now must not start it over
    if (kind === 'time_lost') {
      showReasons();
    } else {
      finish(valueManagement?.checked ? VALUE_MANAGEMENT : null);
    }
  }

  function showMinutes() {
    const other = h('input', { class: 'input input--width-4', type: 'number', id: 'minutes-other', min: 1, max: 1440, inputmode: 'numeric' });
    const otherError = h('p', { class: 'error-message', id: 'minutes-other-error', hidden: true }, 'Enter minutes from 1 to 1440');
    root.replaceChildren(
      h('h1', null, `Log ${KINDS[kind].toLowerCase()}`),
      valueManagement ? h('div', { class: 'checkbox' }, valueManagement,
        h('label', { for: 'value-management' }, 'Box score or board work (Value Management time)')) : '',
      h('fieldset', { class: 'fieldset' },
        h('legend', { class: 'legend' }, 'How long?'),
        h('ul', { class: 'quick-picks' }, QUICK_MINUTES.map((m) => h('li', null,
          h('button', { type: 'button', class: 'pick', 'data-minutes': m, onclick: () => pickMinutes(m) }, `${m} min`))))),
      h('form', {
        class: 'other-minutes', novalidate: true,
        onsubmit: (e) => {
          e.preventDefault();
          const m = Number(other.value);
          if (!Number.isInteger(m) || m < 1 || m > 1440) {
            otherError.hidden = false;
            other.setAttribute('aria-invalid', 'true');
            other.setAttribute('aria-describedby', 'minutes-other-error');
            return other.focus();
          }
          pickMinutes(m);
        },
      },
      h('label', { class: 'label', for: 'minutes-other' }, 'Or enter minutes'),
      otherError,
      h('div', { class: 'inline' }, other, h('button', { type: 'submit', class: 'button button--secondary' }, 'Next'))),
      extras, live,
      h('p', null, link('/', 'Cancel', { class: 'link-cancel' })));
  }

  function showReasons() {
    root.replaceChildren(
      h('h1', null, 'Log time lost'),
      h('p', { class: 'chosen' }, `${formatMinutes(state.minutes)} lost. `,
        h('button', { type: 'button', class: 'link-button', onclick: () => { showMinutes(); root.querySelector('.pick')?.focus(); } }, 'Change time')),
      h('fieldset', { class: 'fieldset' },
        h('legend', { class: 'legend', tabindex: '-1', 'data-autofocus': '' }, 'What was the time lost to?'),
        h('ul', { class: 'reasons' }, categories.map((c) => h('li', null,
          h('button', { type: 'button', class: 'pick pick--wide', onclick: () => finish(c) }, c))))),
      extras, live,
      h('p', null, link('/', 'Cancel', { class: 'link-cancel' })));
    live.textContent = `${formatMinutes(state.minutes)} chosen. Now pick a reason.`;
    root.querySelector('legend')?.focus();
  }

  showMinutes();
  return root;
}
