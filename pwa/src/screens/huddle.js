// Huddle mode (issue 11): the team's weekly 15-minute huddle, run by a lead on a tablet at the
// board, offline. Starts (or resumes) today's huddle, times it, walks the seven agenda steps with
// notes in each (one record per note, so two devices writing into one step both keep their words),
// turns ideas and actions into real records linked to the huddle, reviews the open actions with a
// tap each, and records who came before it finishes. Loaded by routes/huddles.js with import().
import { h, link, plural } from '../ui/h.js';
import { upsert, remove, newId } from '../write.js';
import { now, today } from '../lib/clock.js';
import { addDays, formatDay, longDay } from '../lib/dates.js';
import { FlashMessage } from '../ui/flash.js';
import { huddles, huddleNotes, STEPS } from '../collections/huddles.js';
import { ideas, actions, isOverdue } from '../collections/improvement.js';
import { canTakePart, canRemoveContribution, teamSettings } from '../data/team.js';
import { localBoxScore } from '../data/boxscore.js';
import {
  todaysHuddle, notesOf, outcomesOf, ideasInTesting, openActions, newSignals, signalText, huddleStartedAt, startTimer,
  minutesSince, actionText, actionDetails, teamNameOf, personNamer, HUDDLE_MINUTES, WARNING_MINUTES,
} from '../data/huddles.js';
import { checkHuddle, checkNote, checkIdea, checkAction } from '../data/huddle-rules.js';
import { notInTeam } from './huddle-summary.js';

export { HuddleSummaryScreen, HuddlesScreen } from './huddle-summary.js';

let stopTicking = () => {};
// The last review of an open action, shown with its undo after the screen redraws.
let lastReview = null;

export async function HuddleScreen(app) {
  const teamId = app.params[0];
  if (!canTakePart(app, teamId)) return notInTeam('Huddle');
  const huddle = await todaysHuddle(app.db, teamId);
  return huddle ? running(app, teamId, huddle) : startPage(app, teamId);
}

function startPage(app, teamId) {
  const start = async () => {
    const id = newId();
    const fields = { team_id: teamId, held_on: today(), attendee_count: 0, manager_present: false, finance_present: false };
    await startTimer(app.db, id);
    await upsert(app.db, app.session, huddles.name, id, fields);
    app.navigate(`/teams/${teamId}/huddle?step=${STEPS[0].step}`, { replace: true });
  };
  return h('div', null, FlashMessage(app),
    h('h1', null, 'Huddle'),
    h('p', { class: 'lede' }, `${teamNameOf(app, teamId)}, ${longDay(today())}.`),
    h('p', null, `Fifteen minutes at the board: the box score’s new signals, tests of change, celebrations, new ideas, actions, barriers, and questions. Notes, ideas and actions are saved on this device as you go, and sync when it is online.`),
    h('button', { type: 'button', class: 'button', 'data-autofocus': '', onclick: start }, 'Start today’s huddle'),
    h('p', null, link(`/teams/${teamId}/huddles`, 'Past huddles')));
}

async function running(app, teamId, huddle) {
  const params = new URLSearchParams(location.search);
  const index = Math.max(0, STEPS.findIndex((s) => s.step === params.get('step')));
  const step = STEPS[index];
  const here = `/teams/${teamId}/huddle`;
  const [notes, startedAt] = await Promise.all([notesOf(app.db, huddle.id), huddleStartedAt(app.db, huddle)]);
  const nameOf = personNamer(app);
  const counts = Object.fromEntries(STEPS.map((s) => [s.step, notes.filter((n) => n.step === s.step).length]));

  const stepList = h('nav', { class: 'huddle__steps', 'aria-label': 'Agenda' }, h('ol', null, STEPS.map((s, i) => h('li', null,
    link(`${here}?step=${s.step}`, [s.title, counts[s.step] ? [' ', h('span', { class: 'huddle__count' }, plural(counts[s.step], 'note'))] : ''],
      i === index ? { 'aria-current': 'step' } : {})))));

  const notesList = h('ul', { class: 'cards', 'data-testid': 'notes' });
  const fillNotes = async () => {
    const mine = (await notesOf(app.db, huddle.id)).filter((n) => n.step === step.step);
    notesList.replaceChildren(...(mine.length ? mine.map((n) => noteItem(app, teamId, n, nameOf, fillNotes))
      : [h('li', { class: 'hint-text' }, 'No notes yet.')]));
  };
  await fillNotes();
  // A sync that lands while someone types here does not redraw the screen (app.js), so the notes
  // other devices added are put in the list without disturbing the form.
  const onRefreshed = (e) => {
    if (!notesList.isConnected) return window.removeEventListener('vb-refreshed', onRefreshed);
    if (e.detail?.skipped) fillNotes();
  };
  window.addEventListener('vb-refreshed', onRefreshed);

  const panel = h('section', { class: 'huddle__step', 'aria-labelledby': 'step-title' },
    h('h2', { id: 'step-title', tabindex: '-1', 'data-autofocus': params.has('step') ? '' : null }, `Step ${index + 1} of ${STEPS.length}: ${step.title}`),
    h('p', { class: 'hint-text' }, step.hint),
    await stepContent(app, teamId, huddle, step.step, nameOf),
    h('h3', null, 'Notes'),
    notesList,
    noteForm(app, teamId, huddle, step, fillNotes),
    h('div', { class: 'button-group huddle__turn' },
      index > 0 ? link(`${here}?step=${STEPS[index - 1].step}`, `Previous: ${STEPS[index - 1].title}`, { class: 'button button--secondary' }) : '',
      index < STEPS.length - 1 ? link(`${here}?step=${STEPS[index + 1].step}`, `Next: ${STEPS[index + 1].title}`, { class: 'button' }) : ''));

  return h('div', { class: 'huddle' }, FlashMessage(app),
    h('h1', null, 'Huddle'),
    h('p', null, `${teamNameOf(app, teamId)}, ${longDay(huddle.held_on)}.`, huddle.pending ? ' ' : '',
      huddle.pending ? h('span', { class: 'tag tag--waiting' }, 'Waiting to sync') : ''),
    timer(huddle, startedAt),
    h('div', { class: 'huddle__layout' }, stepList, panel),
    attendance(app, teamId, huddle, startedAt));
}

// ---- the timer ---------------------------------------------------------------------------------

const clockFace = (ms) => {
  const s = Math.max(0, Math.floor(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
};

function timer(huddle, startedAt) {
  const time = h('span', { class: 'huddle-timer__time', role: 'timer', 'aria-label': 'Time since the huddle started' });
  const bar = h('progress', { max: HUDDLE_MINUTES * 60, 'aria-label': `Time used of ${HUDDLE_MINUTES} minutes` });
  // Polite, and only when the message changes: a gentle nudge, not an alarm.
  const note = h('p', { class: 'huddle-timer__note', role: 'status', 'data-testid': 'timer-note' });
  const box = h('div', { class: 'huddle-timer', 'data-testid': 'timer' },
    h('p', { class: 'huddle-timer__line' }, time, ` of ${HUDDLE_MINUTES} minutes`), bar, note);
  if (huddle.duration_minutes) {
    time.textContent = `${huddle.duration_minutes}:00`;
    bar.value = Math.min(huddle.duration_minutes * 60, bar.max);
    note.textContent = `Finished: it took ${plural(huddle.duration_minutes, 'minute')}.`;
    return box;
  }
  let phase = null;
  const tick = () => {
    const ms = now() - startedAt;
    time.textContent = clockFace(ms);
    bar.value = Math.min(ms / 1000, bar.max);
    const next = ms >= HUDDLE_MINUTES * 60000 ? 'over' : ms >= WARNING_MINUTES * 60000 ? 'warning' : 'on';
    if (next === phase) return;
    phase = next;
    box.dataset.phase = next;
    note.textContent = next === 'over' ? `${HUDDLE_MINUTES} minutes are up. Finish when you are ready.`
      : next === 'warning' ? `${HUDDLE_MINUTES - WARNING_MINUTES} minutes left: a good time to agree actions and wrap up.` : '';
  };
  tick();
  stopTicking();
  // Stops on the next build of this screen, or once its timer has left the page.
  let shown = false;
  const id = setInterval(() => {
    if (box.isConnected) { shown = true; tick(); } else if (shown) clearInterval(id);
  }, 1000);
  stopTicking = () => clearInterval(id);
  return box;
}

// ---- each step's own part ----------------------------------------------------------------------

// What a step shows above its notes; the steps not named here have notes only.
const STEP_PARTS = {
  data: (app, teamId) => signals(app, teamId),
  tests_of_change: (app, teamId) => testsOfChange(app, teamId),
  ideas: (app, teamId, huddle) => ideasPart(app, teamId, huddle),
  actions: (app, teamId, huddle, nameOf) => actionsPart(app, teamId, huddle, nameOf),
};

async function stepContent(app, teamId, huddle, step, nameOf) {
  return STEP_PARTS[step]?.(app, teamId, huddle, nameOf) ?? '';
}

async function testsOfChange(app, teamId) {
  const testing = await ideasInTesting(app.db, teamId);
  return h('div', null, h('h3', null, 'Ideas being tested'),
    testing.length ? h('ul', null, testing.map((i) => h('li', null, link(`/teams/${teamId}/ideas/${i.id}`, i.title))))
      : h('p', null, 'No ideas are being tested at the moment.'));
}

async function signals(app, teamId) {
  const settings = await teamSettings(app, teamId);
  const found = newSignals(await localBoxScore(app.db, teamId, { contractedHours: settings.contracted_hours_per_week }));
  return h('div', { 'data-testid': 'signals' },
    h('h3', null, 'New signals since last week'),
    found.length
      ? h('ul', null, found.map((s) => h('li', null, h('strong', null, s.measure.name), `: ${signalText(s)}. `,
        app.teamId === teamId ? link(`/boxscore/${s.measure.id}`, 'Chart', { 'aria-label': `Chart of ${s.measure.name}` }) : '')))
      : h('p', null, 'No new signals in the box score this week or last.'),
    app.teamId === teamId ? h('p', null, link('/boxscore', 'Open the box score')) : '');
}

/** A form with its fields' errors beside them (the rules are data/huddle-rules.js's). */
function fieldError(form, field, message) {
  const control = form.querySelector(`[name=${field}]`);
  const error = form.querySelector(`#${control.id}-error`);
  error.hidden = !message;
  error.textContent = message || '';
  if (message) control.setAttribute('aria-invalid', 'true');
  else control.removeAttribute('aria-invalid');
  control.setAttribute('aria-describedby', [message ? error.id : '', control.dataset.hint || ''].filter(Boolean).join(' ') || null);
}

function showProblems(form, fields, problems) {
  for (const f of fields) fieldError(form, f, problems[f]);
  const first = fields.find((f) => problems[f]);
  if (first) form.querySelector(`[name=${first}]`).focus();
  return !!first;
}

const group = (id, labelText, control, hint) => {
  if (hint) control.dataset.hint = `${id}-hint`;
  if (hint) control.setAttribute('aria-describedby', `${id}-hint`);
  return h('div', { class: 'form-group' },
    h('label', { class: 'label', for: id }, labelText),
    hint ? h('p', { class: 'hint-text', id: `${id}-hint` }, hint) : '',
    h('p', { class: 'error-message', id: `${id}-error`, hidden: true }),
    control);
};

/** "Me (Sam Lead)" or nobody: the only person the device can name (see personNamer). */
function personChoices(app, current, none) {
  const me = app.me?.id;
  return [
    h('option', { value: '' }, none),
    me ? h('option', { value: me, selected: current === me }, `Me (${app.me.name || 'you'})`) : '',
    current && current !== me ? h('option', { value: current, selected: true }, 'Someone else in the team') : '',
  ];
}

function noteForm(app, teamId, huddle, step, refill) {
  const text = h('textarea', { class: 'textarea', id: 'note-text', name: 'text', rows: 3 });
  const form = h('form', { class: 'huddle__form', novalidate: true },
    group('note-text', `Add a note to “${step.title}”`, text, 'Up to 2,000 characters. Each note is saved on its own.'),
    h('button', { type: 'submit', class: 'button' }, 'Add note'));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const fields = { team_id: teamId, huddle_id: huddle.id, step: step.step, text: text.value.trim() };
    if (showProblems(form, ['text'], checkNote({ text: text.value }))) return;
    await upsert(app.db, app.session, huddleNotes.name, newId(), fields);
    text.value = '';
    form.removeAttribute('data-dirty');
    await refill();
    text.focus();
  });
  return form;
}

function noteItem(app, teamId, note, nameOf, refill) {
  const mine = note.user_id && note.user_id === app.me?.id;
  const actionsEl = h('div', { class: 'button-group' });
  if (canRemoveContribution(app, teamId, note.user_id)) {
    const ask = h('button', { type: 'button', class: 'button button--small button--secondary', 'aria-label': `Delete the note “${note.text.slice(0, 40)}”` }, 'Delete');
    ask.addEventListener('click', () => {
      const yes = h('button', { type: 'button', class: 'button button--small button--warning' }, 'Yes, delete it');
      const keep = h('button', { type: 'button', class: 'button button--small button--secondary' }, 'Keep it');
      yes.addEventListener('click', async () => { await remove(app.db, app.session, huddleNotes.name, note.id); await refill(); });
      keep.addEventListener('click', () => { actionsEl.replaceChildren(ask); ask.focus(); });
      actionsEl.replaceChildren(h('span', null, 'Delete this note?'), yes, keep);
      yes.focus();
    });
    actionsEl.append(ask);
  }
  return h('li', { class: 'card huddle__note', 'data-note': note.id },
    h('p', { class: 'huddle__text' }, note.text),
    h('p', { class: 'hint-text' }, mine ? 'You' : note.user_id ? nameOf(note.user_id) : 'Someone in the team',
      note.pending ? ' ' : '', note.pending ? h('span', { class: 'tag tag--waiting' }, 'Waiting to sync') : ''),
    actionsEl);
}

async function ideasPart(app, teamId, huddle) {
  const { ideas: raised } = await outcomesOf(app.db, teamId, huddle.id);
  const title = h('input', { class: 'input', id: 'idea-title', name: 'title' });
  const form = h('form', { class: 'huddle__form', novalidate: true },
    group('idea-title', 'New idea', title, 'It goes on the ideas board as a new card, marked as raised at this huddle.'),
    h('button', { type: 'submit', class: 'button' }, 'Add idea'));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (showProblems(form, ['title'], checkIdea({ title: title.value }))) return;
    await upsert(app.db, app.session, ideas.name, newId(),
      { team_id: teamId, title: title.value.trim(), status: 'new', huddle_id: huddle.id, raised_on: today() });
    await app.refresh();
    document.getElementById('idea-title')?.focus();
  });
  return h('div', null,
    h('h3', null, 'Ideas raised at this huddle'),
    raised.length ? h('ul', { 'data-testid': 'huddle-ideas' }, raised.map((i) => h('li', null, link(`/teams/${teamId}/ideas/${i.id}`, i.title))))
      : h('p', null, 'None yet.'),
    form,
    h('p', null, link(`/teams/${teamId}/ideas`, 'Open the ideas board')));
}

async function actionsPart(app, teamId, huddle, nameOf) {
  const [{ actions: agreed }, open] = await Promise.all([outcomesOf(app.db, teamId, huddle.id), openActions(app.db, teamId)]);
  const title = h('input', { class: 'input', id: 'action-title', name: 'title' });
  const owner = h('select', { class: 'select', id: 'action-owner', name: 'owner_user_id' }, personChoices(app, null, 'Nobody yet'));
  const due = h('input', { class: 'input input--date', type: 'date', id: 'action-due', name: 'due_on' });
  const form = h('form', { class: 'huddle__form', novalidate: true },
    group('action-title', 'New action: what needs doing', title),
    h('div', { class: 'inline' }, group('action-owner', 'Owner', owner), group('action-due', 'Due (optional)', due)),
    h('button', { type: 'submit', class: 'button' }, 'Add action'));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    // A date field holding something it cannot read reports an empty value but a bad input.
    const fields = { title: title.value, due_on: due.value || (due.validity.badInput ? 'bad' : null) };
    if (showProblems(form, ['title', 'due_on'], checkAction(fields))) return;
    await upsert(app.db, app.session, actions.name, newId(), {
      team_id: teamId, title: title.value.trim(), status: 'open', owner_user_id: owner.value || null, due_on: fields.due_on, huddle_id: huddle.id,
    });
    await app.refresh();
    document.getElementById('action-title')?.focus();
  });
  const agreedHere = new Set(agreed.map((a) => a.id));
  return h('div', null,
    h('h3', null, 'Actions agreed at this huddle'),
    agreed.length ? h('ul', { 'data-testid': 'huddle-actions' }, agreed.map((a) => h('li', null, actionText(a, nameOf))))
      : h('p', null, 'None yet.'),
    form,
    h('h3', { id: 'review-title' }, 'Review the open actions'),
    reviewMessage(app),
    open.filter((a) => !agreedHere.has(a.id)).length
      ? h('ul', { class: 'cards', 'aria-labelledby': 'review-title', 'data-testid': 'open-actions' },
        open.filter((a) => !agreedHere.has(a.id)).map((a) => reviewItem(app, a, nameOf)))
      : h('p', null, 'No other actions are open.'),
    h('p', null, link(`/teams/${teamId}/actions`, 'All the team’s actions')));
}

function reviewItem(app, action, nameOf) {
  const overdue = isOverdue(action);
  const weekOn = addDays(today(), 7);
  const set = (fields, said) => async () => {
    lastReview = { id: action.id, before: Object.fromEntries(Object.keys(fields).map((k) => [k, action[k] ?? null])), said };
    await upsert(app.db, app.session, actions.name, action.id, fields);
    await app.refresh();
    document.querySelector('[data-testid=review-message]')?.focus();
  };
  const button = (text, label, onclick, cls = 'button--secondary') => h('button', { type: 'button', class: `button button--small ${cls}`, 'aria-label': label, onclick }, text);
  return h('li', { class: `card huddle__action${overdue ? ' huddle__action--overdue' : ''}`, 'data-action': action.id },
    h('p', { class: 'huddle__text' }, overdue ? h('span', { class: 'tag tag--overdue' }, 'Overdue') : '', overdue ? ' ' : '',
      h('strong', null, action.title)),
    h('p', { class: 'hint-text' }, actionDetails(action, nameOf)),
    h('div', { class: 'button-group' },
      button('Done', `Mark “${action.title}” done`, set({ status: 'done' }, `“${action.title}” marked done.`), ''),
      button('Drop', `Drop “${action.title}”`, set({ status: 'dropped' }, `“${action.title}” dropped.`)),
      button(`Due ${formatDay(weekOn)}`, `Make “${action.title}” due ${formatDay(weekOn)}`,
        set({ due_on: weekOn }, `“${action.title}” is now due ${formatDay(weekOn)}.`))));
}

function reviewMessage(app) {
  if (!lastReview) return '';
  const review = lastReview;
  return h('div', { class: 'flash', tabindex: '-1', 'data-testid': 'review-message' },
    h('p', null, review.said),
    h('button', {
      type: 'button', class: 'button button--small button--secondary',
      onclick: async () => {
        lastReview = null;
        await upsert(app.db, app.session, actions.name, review.id, review.before);
        await app.refresh();
        document.getElementById('review-title')?.focus();
      },
    }, 'Undo'));
}

// ---- who came, and finishing ---------------------------------------------------------------------

function attendance(app, teamId, huddle, startedAt) {
  const count = h('input', { class: 'input input--width-4', id: 'attendee-count', name: 'attendee_count', type: 'number', inputmode: 'numeric', min: 0, max: 500, value: huddle.attendee_count ?? 0 });
  const check = (id, name, text, on) => h('div', { class: 'checkbox' },
    h('input', { type: 'checkbox', id, name, checked: !!on }), h('label', { for: id }, text));
  const facilitator = h('select', { class: 'select', id: 'facilitator', name: 'facilitator_user_id' },
    personChoices(app, huddle.facilitator_user_id, 'Not recorded'));
  const form = h('form', { class: 'huddle__attendance', novalidate: true, 'aria-labelledby': 'attendance-title' },
    h('h2', { id: 'attendance-title' }, 'Who came'),
    group('attendee-count', 'How many people came', count),
    h('div', { class: 'form-group' },
      check('manager-present', 'manager_present', 'A manager came', huddle.manager_present),
      check('finance-present', 'finance_present', 'A finance colleague came', huddle.finance_present)),
    group('facilitator', 'Who facilitated', facilitator),
    h('div', { class: 'button-group' },
      h('button', { type: 'submit', class: 'button button--secondary', value: 'save' }, 'Save who came'),
      h('button', { type: 'submit', class: 'button', value: 'finish' }, huddle.duration_minutes ? 'Finish again now' : 'Finish the huddle')),
    h('p', null, link(`/teams/${teamId}/huddles/${huddle.id}`, 'See the summary'), ' · ', link(`/teams/${teamId}/huddles`, 'Past huddles')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const finishing = e.submitter?.value === 'finish';
    const n = count.value.trim() === '' ? NaN : Number(count.value);
    const fields = {
      attendee_count: n,
      manager_present: form.querySelector('#manager-present').checked,
      finance_present: form.querySelector('#finance-present').checked,
      facilitator_user_id: facilitator.value || null,
    };
    if (finishing) fields.duration_minutes = minutesSince(startedAt);
    if (showProblems(form, ['attendee_count'], checkHuddle(fields))) return;
    const changed = Object.fromEntries(Object.entries(fields).filter(([k, v]) => (huddle[k] ?? null) !== v));
    if (Object.keys(changed).length) await upsert(app.db, app.session, huddles.name, huddle.id, changed);
    if (finishing) {
      stopTicking();
      return app.navigate(`/teams/${teamId}/huddles/${huddle.id}`, { flash: `Huddle finished after ${plural(fields.duration_minutes, 'minute')}. Here is its summary.` });
    }
    form.removeAttribute('data-dirty');
    app.navigate(location.pathname + location.search, { replace: true, flash: 'Saved who came.' });
  });
  return form;
}
