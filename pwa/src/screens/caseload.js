// The coach's caseload (issue 14): every team the coach follows, in any board, the ones needing help
// first with the reasons, each with its fidelity as three week strips, its last huddle, new signals,
// milestones, overdue actions, Value Management time and the last coaching conversation. The server
// puts it together (a coach's devices do not keep every team's history); it is kept for offline
// reading with the time it was read. A coach records a conversation here (online). Loaded with import().
import { h, link, plural } from '../ui/h.js';
import { longDay, formatMinutes } from '../lib/dates.js';
import { today } from '../lib/clock.js';
import { readKept } from '../data/kept.js';
import { META } from '../meta-keys.js';
import { keptNotice } from '../ui/kept-notice.js';
import { weekStrip } from '../ui/week-strip.js';
import { FlashMessage } from '../ui/flash.js';
import { errorSlot, showErrors, characterCounter } from '../ui/field-errors.js';

const ELEMENTS = [['box_score', 'Box score'], ['board', 'Board'], ['huddle', 'Huddle']];
const STATUS = { all_three: 'All three', some: 'Some', none: 'None' };
const shortDay = (iso) => longDay(iso, { withYear: false });

export async function CaseloadScreen(app) {
  const kept = await readKept(app, META.CASELOAD, '/api/caseload');
  if (kept.refused) return h('div', { class: 'narrow' }, h('h1', null, 'Caseload'), h('p', null, kept.refused.message));
  const teams = kept.body?.teams || [];
  const needing = teams.filter((t) => t.needs_help).length;
  return h('div', { class: 'caseload-page', 'data-testid': 'caseload' },
    FlashMessage(app),
    h('h1', null, 'Your caseload'),
    keptNotice(kept, 'your caseload'),
    kept.body ? h('p', { 'data-testid': 'caseload-summary' },
      teams.length ? `${plural(teams.length, 'team')} you follow; ${needing ? `${plural(needing, 'team needs', 'teams need')} help, listed first` : 'none needs help just now'}.`
        : 'You do not follow any teams yet. An administrator makes you a team’s coach.') : '',
    h('ol', { class: 'cards caseload__teams' }, teams.map((t) => teamCard(app, t))));
}

function teamCard(app, t) {
  const reasons = t.reasons || [];
  return h('li', { class: `card caseload__team${t.needs_help ? ' caseload__team--help' : ''}`, 'data-team': t.team_id },
    h('h2', { class: 'card__title' }, t.team_name, ' ', h('span', { class: 'caseload__board' }, t.board_name),
      t.needs_help ? [' ', h('span', { class: 'tag tag--concern' }, 'Needs help')] : ''),
    reasons.length
      ? h('ul', { class: 'caseload__reasons', 'data-testid': 'reasons' }, reasons.map((r) =>
        h('li', { 'data-reason': r.code, class: r.needs_help ? 'caseload__reason--help' : '' }, r.text)))
      : h('p', { 'data-testid': 'reasons' }, 'Nothing needs your attention.'),
    strips(t),
    h('dl', { class: 'facts' },
      fact('Last huddle', t.last_huddle_on ? shortDay(t.last_huddle_on) : 'None recorded'),
      fact('New signals', t.signals.length ? t.signals.map((s) => `${s.measure_name} (${s.signal})`).join(', ') : 'None'),
      fact('Milestones', `${t.milestones.length} of ${t.milestones_total}`
        + (t.milestones.length ? ` (latest: ${t.milestones[t.milestones.length - 1].label})` : '')),
      fact('Overdue actions', String(t.overdue_actions)),
      fact('Value Management time', `${formatMinutes(Math.round(t.protected_minutes_per_week))} a week`)),
    conversation(app, t),
    h('p', null, link(`/teams/${t.team_id}/board`, `Open ${t.team_name}’s board`, { class: 'button button--secondary button--small' })));
}

const fact = (term, value) => [h('dt', null, term), h('dd', null, value)];

function strips(t) {
  const f4 = t.fidelity['4'];
  const f12 = t.fidelity['12'];
  return h('table', { class: 'strips', 'data-testid': 'strips' },
    h('caption', null, `Fidelity: ${STATUS[f4.status]} over the last 4 weeks, ${STATUS[f12.status].toLowerCase()} over 12`),
    h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Element'),
      h('th', { scope: 'col' }, `12 weeks to ${shortDay(t.weeks[t.weeks.length - 1])}`),
      h('th', { scope: 'col' }, 'Last 4'), h('th', { scope: 'col' }, 'This week'))),
    h('tbody', null, ELEMENTS.map(([key, label]) => h('tr', { 'data-element': key },
      h('th', { scope: 'row' }, label),
      h('td', null, weekStrip(label, t.weeks, t.strips[key])),
      h('td', null, `${f4[`${key}_weeks`]} of 4`),
      h('td', null, t.this_week[key] ? 'Done' : 'Not yet')))));
}

function conversation(app, t) {
  const n = t.last_note;
  const next = t.next_conversation_on;
  return h('section', { class: 'caseload__conversation', 'aria-label': `Coaching conversations with ${t.team_name}` },
    n ? h('p', { 'data-testid': 'last-note' },
      h('strong', null, `Last conversation ${shortDay(n.held_on)}: `), n.discussed,
      n.next_steps ? [h('br'), h('strong', null, 'Next steps: '), n.next_steps] : '')
      : h('p', { 'data-testid': 'last-note' }, 'No coaching conversation recorded yet.'),
    next ? h('p', { class: t.conversation_overdue ? 'overdue' : '' },
      t.conversation_overdue ? `Next conversation was due ${shortDay(next)}: overdue.` : `Next conversation due ${shortDay(next)}.`) : '',
    noteForm(app, t));
}

let formSeq = 0;
function noteForm(app, t) {
  const id = `note-${++formSeq}`;
  const input = (name, attrs) => h('input', { class: 'input', id: `${id}-${name}`, name, ...attrs });
  const heldOn = input('held_on', { type: 'date', value: today(), max: today() });
  const nextOn = input('next_on', { type: 'date' });
  const area = (name) => h('textarea', { class: 'textarea', id: `${id}-${name}`, name, rows: 3 });
  const discussed = area('discussed');
  const steps = area('next_steps');
  const group = (name, label, control, extra = '') => h('div', { class: 'form-group' },
    h('label', { class: 'label', for: control.id }, label), errorSlot(name), control, extra);
  const form = h('form', {
    class: 'note-form', novalidate: true,
    onsubmit: async (e) => {
      e.preventDefault();
      const body = { held_on: heldOn.value, discussed: discussed.value.trim(), next_steps: steps.value.trim() || null,
        next_on: nextOn.value || null };
      if (!navigator.onLine) return showErrors(form, { discussed: ['You are offline: a conversation is saved on the server. Connect and try again.'] });
      const res = await app.transport.request('POST', `/api/teams/${encodeURIComponent(t.team_id)}/coaching-notes`, body).catch(() => null);
      if (res?.status === 201) return app.navigate('/coach', { flash: { text: `Conversation with ${t.team_name} saved.` } });
      if (res?.status === 422) return showErrors(form, res.body?.error?.fields || {});
      showErrors(form, { discussed: [res?.body?.error?.message || 'The server could not be reached. Try again in a moment.'] });
    },
  },
  h('p', { class: 'hint-text warning-text' }, 'Do not write patient details here: no names, CHI numbers or anything that identifies a person.'),
  group('held_on', 'Date of the conversation', heldOn),
  group('discussed', 'What was discussed', discussed, characterCounter(discussed, 2000)),
  group('next_steps', 'Next steps agreed (optional)', steps, characterCounter(steps, 2000)),
  group('next_on', 'Date of the next conversation (optional)', nextOn),
  h('button', { type: 'submit', class: 'button' }, 'Save conversation'));
  return h('details', { class: 'details' }, h('summary', null, 'Record a conversation'), form);
}
