// A huddle afterwards: its summary (a page that prints cleanly, and the same as plain text to paste
// into an email) and the team's past huddles. Loaded by routes/huddles.js with import().
import { h, link, plural } from '../ui/h.js';
import { longDay } from '../lib/dates.js';
import { today } from '../lib/clock.js';
import { FlashMessage } from '../ui/flash.js';
import { STEPS, STEP_TITLES, huddleNotes } from '../collections/huddles.js';
import { isOverdue } from '../collections/improvement.js';
import { canTakePart, canShareInReport } from '../data/team.js';
import { upsert } from '../write.js';
import {
  teamHuddles, huddleOf, notesOf, outcomesOf, attendanceText, actionDetails, summaryText, teamNameOf, personNamer,
} from '../data/huddles.js';

export function notInTeam(title) {
  return h('div', null, h('h1', null, title),
    h('p', null, 'This is not one of your teams, so its huddles are not on this device.'), h('p', null, link('/', 'Go to the home screen')));
}

export async function HuddleSummaryScreen(app) {
  const [teamId, huddleId] = app.params;
  if (!canTakePart(app, teamId)) return notInTeam('Huddle summary');
  const huddle = await huddleOf(app.db, teamId, huddleId);
  if (!huddle) {
    return h('div', null, h('h1', null, 'Huddle not found'),
      h('p', null, 'It may have been deleted, or not reached this device yet.'), h('p', null, link(`/teams/${teamId}/huddles`, 'Past huddles')));
  }
  const [notes, outcomes] = await Promise.all([notesOf(app.db, huddle.id), outcomesOf(app.db, teamId, huddle.id)]);
  const nameOf = personNamer(app);
  const teamName = teamNameOf(app, teamId);
  const text = summaryText({ teamName, huddle, notes, ideas: outcomes.ideas, actions: outcomes.actions, nameOf });

  const copied = h('p', { role: 'status', class: 'summary__copied', 'data-testid': 'copy-status' });
  const plain = h('textarea', { class: 'textarea summary__text', id: 'summary-text', rows: 12, readonly: true, 'aria-describedby': 'summary-text-hint' }, text);
  const fallback = h('details', { class: 'details no-print', 'data-testid': 'summary-plain' },
    h('summary', null, 'Show the summary as plain text'),
    h('p', { class: 'hint-text', id: 'summary-text-hint' }, 'Select it all and copy it, then paste it into an email.'),
    h('label', { class: 'label', for: 'summary-text' }, 'The summary as plain text'), plain);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      copied.textContent = 'Copied. Paste it into an email.';
    } catch {
      // No clipboard here (an older browser, or permission refused): the text itself, ready to copy.
      fallback.open = true;
      plain.focus();
      plain.select();
      copied.textContent = 'This device did not let the app copy. The text is selected below: copy it from there.';
    }
  };

  // Leads and coaches choose the notes the board's bi-monthly report shows as highlights.
  const sharer = canShareInReport(app, teamId);
  const shareToggle = (n, i) => {
    const id = `share-note-${i}`;
    const box = h('input', { type: 'checkbox', id, checked: !!n.share_in_report, 'data-testid': 'share-note' });
    box.addEventListener('change', async () => {
      await upsert(app.db, app.session, huddleNotes.name, n.id, { share_in_report: box.checked });
    });
    return h('div', { class: 'checkbox no-print' }, box,
      h('label', { for: id }, 'Share in the board report', h('span', { class: 'visually-hidden' }, `: ${STEP_TITLES[n.step] || ''} note`)));
  };
  const noteItem = (n, i) => h('li', { class: 'summary__note' }, n.text,
    n.share_in_report && !sharer ? [' ', h('span', { class: 'tag tag--muted' }, 'In the board report')] : '',
    sharer ? shareToggle(n, i) : '');
  const section = (title, items, empty) => h('section', { class: 'summary__part' },
    h('h2', null, title), items.length ? h('ul', null, items) : h('p', null, empty));
  return h('div', { class: 'summary' }, FlashMessage(app),
    h('h1', null, `Huddle, ${longDay(huddle.held_on)}`),
    h('p', null, teamName, huddle.pending ? ' ' : '', huddle.pending ? h('span', { class: 'tag tag--waiting' }, 'Waiting to sync') : ''),
    h('dl', { class: 'facts', 'data-testid': 'summary-facts' },
      h('dt', null, 'Who came'), h('dd', null, attendanceText(huddle)),
      h('dt', null, 'Facilitated by'), h('dd', null, huddle.facilitator_user_id ? nameOf(huddle.facilitator_user_id) : 'Not recorded'),
      h('dt', null, 'How long it took'), h('dd', null, huddle.duration_minutes ? plural(huddle.duration_minutes, 'minute') : 'Not finished yet')),
    h('div', { class: 'button-group no-print' },
      h('button', { type: 'button', class: 'button', onclick: copy }, 'Copy as text'),
      h('button', { type: 'button', class: 'button button--secondary', onclick: () => window.print() }, 'Print')),
    copied, fallback,
    STEPS.map(({ step, title }) => section(title,
      notes.filter((n) => n.step === step).map((n) => noteItem(n, notes.indexOf(n))), 'No notes.')),
    section('Ideas raised', outcomes.ideas.map((i) => h('li', null, link(`/teams/${teamId}/ideas/${i.id}`, i.title))), 'None.'),
    section('Actions agreed', outcomes.actions.map((a) => h('li', null,
      isOverdue(a) ? [h('span', { class: 'tag tag--overdue' }, 'Overdue'), ' '] : '', h('strong', null, a.title), ` (${actionDetails(a, nameOf)})`)), 'None.'),
    h('p', { class: 'no-print' },
      huddle.held_on === today() ? [link(`/teams/${teamId}/huddle`, 'Back to huddle mode'), ' · '] : '',
      link(`/teams/${teamId}/huddles`, 'Past huddles')));
}

export async function HuddlesScreen(app) {
  const teamId = app.params[0];
  if (!canTakePart(app, teamId)) return notInTeam('Huddles');
  const list = await teamHuddles(app.db, teamId);
  const on = today();
  return h('div', null, FlashMessage(app),
    h('h1', null, 'Huddles'),
    h('p', null, teamNameOf(app, teamId)),
    h('div', { class: 'button-group' }, link(`/teams/${teamId}/huddle`,
      list.some((x) => x.held_on === on) ? 'Back to today’s huddle' : 'Start today’s huddle', { class: 'button' })),
    list.length
      ? h('ul', { class: 'cards', 'data-testid': 'past-huddles' }, list.map((x) => h('li', { class: 'card' },
        h('p', { class: 'card__title' }, link(`/teams/${teamId}/huddles/${x.id}`, `${longDay(x.held_on)}${x.held_on === on ? ' (today)' : ''}`)),
        h('p', { class: 'hint-text' }, attendanceText(x), x.duration_minutes ? `, ${plural(x.duration_minutes, 'minute')}` : ', not finished',
          x.pending ? ' ' : '', x.pending ? h('span', { class: 'tag tag--waiting' }, 'Waiting to sync') : ''))))
      : h('p', null, 'No huddles yet.'));
}
