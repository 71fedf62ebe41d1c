// One idea: what it is, the measures it should move, its recent moves, its PDSA cycles (plan with
// the prediction, do, study, act) and the actions for it; and the form that adds or changes a cycle.
import { h, link } from '../ui/h.js';
import { upsert, remove, newId } from '../write.js';
import { FlashMessage } from '../ui/flash.js';
import { listRecords } from '../records.js';
import { teamRole, canTakePart, canRemoveContribution, canShareToLibrary, canShareInReport } from '../data/team.js';
import { teamPeople } from '../data/people.js';
import { ideaOf, cyclesOf, cycleOf, teamActions, overwrittenMoves, moveHistory } from '../data/improvement.js';
import { checkIdea, checkCycle, TITLE_MAX, MEASURES_MAX } from '../data/improvement-rules.js';
import {
  ideas as ideasCollection, pdsaCycles as cyclesCollection, IDEA_STATUSES, PICKS, PDSA_DECISIONS,
} from '../collections/improvement.js';
import { measures as measuresCollection } from '../collections/measures.js';
import { today } from '../lib/clock.js';
import { formatDay, formatTime, dayPhrase } from '../lib/dates.js';
import { field, textInput, textArea, dateInput, select, textOf, showProblems, notFound } from './improvement-form.js';
import { actionItem, namer } from './actions.js';

const ideaHref = (teamId, ideaId) => `/teams/${teamId}/ideas/${ideaId}`;
const CYCLE_STEPS = [
  ['plan', 'Plan: the change and what we predict'],
  ['do', 'Do: what happened'],
  ['study', 'Study: what we learned'],
];

function deleteBox(what, onDelete) {
  return h('details', { class: 'details' }, h('summary', null, `Delete this ${what}`),
    h('p', null, 'It goes from every device once they sync.'),
    h('button', { type: 'button', class: 'button button--warning', onclick: onDelete }, `Yes, delete this ${what}`));
}

export async function IdeaScreen(app) {
  const [teamId, ideaId] = app.params;
  const back = link(`/teams/${teamId}/ideas`, 'Back to the ideas');
  if (!teamRole(app, teamId)) return notFound('Idea not found', back);
  const idea = await ideaOf(app.db, teamId, ideaId);
  if (!idea) return notFound('Idea not found', back);
  const editor = canTakePart(app, teamId);
  const [cycles, actionList, measureRows, overwritten, people] = await Promise.all([
    cyclesOf(app.db, teamId, ideaId), teamActions(app.db, teamId), listRecords(app.db, measuresCollection.name, teamId),
    overwrittenMoves(app.db), teamPeople(app, teamId)]);
  const nameOf = namer(people);
  const measureNames = new Map(measureRows.map((r) => [r.id, r.data.name]));
  const linked = actionList.filter((a) => a.idea_id === ideaId);
  const moves = moveHistory(idea, overwritten.get(ideaId), app.session?.device_id, 5);

  const cycleCard = (c) => h('li', { class: 'card', 'data-cycle': c.id, 'data-testid': 'cycle' },
    h('h3', { class: 'card__title' }, `Cycle started ${dayPhrase(c.started_on)}`),
    h('dl', { class: 'facts' },
      CYCLE_STEPS.map(([k, label]) => [h('dt', null, label), h('dd', null, c[k] || 'Not written yet')]),
      h('dt', null, 'Act: our decision'), h('dd', null, c.act ? PDSA_DECISIONS[c.act] : 'Not decided yet')),
    c.pending ? h('p', null, h('span', { class: 'tag tag--waiting' }, 'Waiting to sync')) : '',
    editor ? link(`${ideaHref(teamId, ideaId)}/cycles/${c.id}`, 'Edit this cycle', { class: 'button button--small button--secondary', 'aria-label': `Edit this cycle, started ${dayPhrase(c.started_on)}` }) : '');

  return h('div', null,
    FlashMessage(app),
    h('h1', null, idea.title),
    h('p', null,
      h('span', { class: 'tag tag--muted', 'data-testid': 'idea-status' }, IDEA_STATUSES[idea.status] || idea.status), ' ',
      idea.pick ? h('span', { class: 'tag tag--muted' }, `PICK: ${PICKS[idea.pick]}`) : '', ' ',
      idea.pending ? h('span', { class: 'tag tag--waiting' }, 'Waiting to sync') : ''),
    h('dl', { class: 'facts' },
      h('dt', null, 'Raised'), h('dd', null, idea.raised_on ? formatDay(idea.raised_on) : 'No date'),
      h('dt', null, 'Details'), h('dd', { class: 'prose' }, idea.description || 'No details yet.'),
      h('dt', null, 'Measures it should move'), h('dd', null, idea.measure_ids?.length
        ? h('ul', { class: 'plain-list' }, idea.measure_ids.map((id) => h('li', null, measureNames.get(id) || 'A measure no longer on this device')))
        : 'None chosen yet.')),
    idea.status === 'adopted' && canShareInReport(app, teamId) ? shareIdea(app, idea) : '',
    moves.length ? h('section', { class: 'section', 'aria-labelledby': 'moves-title' },
      h('h2', { id: 'moves-title' }, 'Recent moves'),
      h('ul', { class: 'moves' }, moves.map((m) => h('li', { class: m.overwritten ? 'moves__overwritten' : null },
        m.overwritten ? h('strong', null, 'Overwritten: ') : '', m.text, m.at ? ` · ${formatTime(new Date(m.at).toISOString())}` : '')))) : '',
    h('section', { class: 'section', 'aria-labelledby': 'cycles-title' },
      h('h2', { id: 'cycles-title' }, 'PDSA cycles'),
      h('p', { class: 'hint-text' }, 'Each test of the idea: plan the change and predict what will happen, do it, study what happened, then act: adopt, adapt or abandon.'),
      cycles.length ? h('ul', { class: 'cards' }, cycles.map(cycleCard)) : h('p', null, 'No cycles yet.'),
      editor ? link(`${ideaHref(teamId, ideaId)}/cycles/new`, 'Add a PDSA cycle', { class: 'button', 'data-testid': 'add-cycle' }) : ''),
    h('section', { class: 'section', 'aria-labelledby': 'actions-title' },
      h('h2', { id: 'actions-title' }, 'Actions for this idea'),
      linked.length ? h('ul', { class: 'action-list' }, linked.map((a) => actionItem(a, nameOf))) : h('p', null, 'No actions yet.'),
      editor ? h('p', null, link(`/teams/${teamId}/actions?idea=${ideaId}`, 'Add an action for this idea')) : ''),
    idea.status === 'adopted' && canShareToLibrary(app, teamId) ? shareBox(app, teamId, idea) : '',
    editor ? ideaForm(app, teamId, idea, measureRows) : '',
    canRemoveContribution(app, teamId, idea.user_id) ? deleteBox('idea', async () => {
      await remove(app.db, app.session, ideasCollection.name, ideaId);
      app.navigate(`/teams/${teamId}/ideas`, { replace: true, flash: `Deleted “${idea.title}”.` });
    }) : '',
    h('p', null, back));
}

// An adopted change may help other teams: its leads and coaches draft it for the library, and it stays
// inside the team until a lead consents on the team's shared learning page.
function shareBox(app, teamId, idea) {
  const problem = h('p', { class: 'error-message', hidden: true, 'data-testid': 'share-error' });
  return h('section', { class: 'section', 'aria-labelledby': 'share-title' },
    h('h2', { id: 'share-title' }, 'Share to the library'),
    h('p', null, 'Other teams can learn from this change: its PDSA cycles and the measure it moved go with it. Nothing is shared until a lead of the team consents.'),
    problem,
    h('button', {
      type: 'button', class: 'button button--secondary', 'data-testid': 'share-to-library',
      onclick: async () => {
        const res = await app.transport.request('POST', `/api/teams/${encodeURIComponent(teamId)}/shared-items`,
          { kind: 'adopted_change', idea_id: idea.id }).catch(() => null);
        if (res?.status === 201) return app.navigate(`/teams/${teamId}/shared`, { flash: `“${idea.title}” is ready to share: a lead of the team consents below.` });
        if (res?.status === 409) return app.navigate(`/teams/${teamId}/shared`, { flash: res.body?.error?.message });
        problem.textContent = navigator.onLine
          ? (res?.body?.error?.fields?.idea_id?.[0] || res?.body?.error?.message || 'The server could not be reached. Try again in a moment.')
          : 'You are offline: sharing needs a connection. Try again when you are back online.';
        problem.hidden = false;
      },
    }, 'Share to the library'));
}

function ideaForm(app, teamId, idea, measureRows) {
  const measures = measureRows.filter((r) => r.data.status !== 'retired' || idea.measure_ids?.includes(r.id))
    .map((r) => ({ id: r.id, name: r.data.name })).sort((a, b) => String(a.name).localeCompare(String(b.name)));
  const chosen = new Set(idea.measure_ids || []);
  const form = h('form', { class: 'form narrow', novalidate: true },
    field('title', 'Idea', textInput(idea.title, { maxlength: TITLE_MAX * 2 })),
    field('description', 'Details (optional)', textArea(idea.description, { rows: 4 })),
    field('status', 'Column', select(IDEA_STATUSES, idea.status)),
    field('pick', 'PICK chart', select({ '': 'Not placed', ...PICKS }, idea.pick || '')),
    h('fieldset', { class: 'fieldset', 'data-field': 'measure_ids' },
      h('legend', { class: 'label' }, 'Measures it should move'),
      h('p', { class: 'error-message', id: 'measure_ids-error', hidden: true }),
      measures.length ? measures.map((m, i) => h('div', { class: 'checkbox' },
        h('input', { type: 'checkbox', id: i ? `measure-${i}` : 'measure_ids', name: 'measure_ids', value: m.id, checked: chosen.has(m.id) }),
        h('label', { for: i ? `measure-${i}` : 'measure_ids' }, m.name))) : h('p', { class: 'hint-text' }, 'The team has no measures yet.')),
    field('raised_on', 'Raised on', dateInput(idea.raised_on)),
    h('button', { type: 'submit', class: 'button' }, 'Save changes'));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const data = new FormData(form);
    const next = {
      title: textOf(form, 'title'), description: textOf(form, 'description'), status: textOf(form, 'status'),
      pick: textOf(form, 'pick'), measure_ids: data.getAll('measure_ids').map(String), raised_on: textOf(form, 'raised_on'),
    };
    if (showProblems(form, checkIdea(next))) return;
    const changed = Object.fromEntries(Object.entries(next).filter(([k, v]) => JSON.stringify(idea[k] ?? (k === 'measure_ids' ? [] : null)) !== JSON.stringify(v)));
    if (Object.keys(changed).length) await upsert(app.db, app.session, ideasCollection.name, idea.id, changed);
    app.navigate(ideaHref(teamId, idea.id), { replace: true, flash: Object.keys(changed).length ? 'Idea saved.' : 'Nothing changed.' });
  });
  return h('details', { class: 'details' }, h('summary', null, 'Change the idea'),
    h('p', { class: 'hint-text' }, `Up to ${MEASURES_MAX} measures.`), form);
}

export async function CycleFormScreen(app) {
  const [teamId, ideaId, cycleId] = app.params;
  const creating = !cycleId;
  const back = link(ideaHref(teamId, ideaId), 'Back to the idea');
  if (!teamRole(app, teamId)) return notFound('Idea not found', back);
  const idea = await ideaOf(app.db, teamId, ideaId);
  const cycle = creating ? null : await cycleOf(app.db, teamId, cycleId);
  if (!idea || (!creating && (!cycle || cycle.idea_id !== ideaId))) return notFound(idea ? 'PDSA cycle not found' : 'Idea not found', back);
  if (!canTakePart(app, teamId)) return h('div', null, h('h1', null, 'PDSA cycle'), h('p', null, 'Members and coaches of the team write PDSA cycles.'), back);
  const values = cycle || { started_on: today() };
  const decisions = h('fieldset', { class: 'fieldset', 'data-field': 'act' },
    h('legend', { class: 'label' }, 'Act: our decision'),
    h('div', { class: 'radios' }, Object.entries({ '': 'Not decided yet', ...PDSA_DECISIONS }).map(([k, label], i) => h('div', { class: 'radio' },
      h('input', { type: 'radio', class: 'radio__input', name: 'act', id: i ? `act-${k}` : 'act', value: k, checked: (values.act || '') === k }),
      h('label', { class: 'radio__label', for: i ? `act-${k}` : 'act' }, label)))));
  const form = h('form', { class: 'form narrow', novalidate: true },
    field('started_on', 'Started on', dateInput(values.started_on)),
    field('plan', CYCLE_STEPS[0][1], textArea(values.plan, { rows: 4 }), 'What will you change, and what do you predict will happen?'),
    field('do', CYCLE_STEPS[1][1], textArea(values.do, { rows: 4 }), 'Optional until the test has run.'),
    field('study', CYCLE_STEPS[2][1], textArea(values.study, { rows: 4 }), 'How did it compare with the prediction?'),
    decisions,
    h('div', { class: 'button-group' },
      h('button', { type: 'submit', class: 'button' }, creating ? 'Add cycle' : 'Save changes'),
      link(ideaHref(teamId, ideaId), 'Cancel', { class: 'link-cancel' })));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const next = {
      started_on: textOf(form, 'started_on'), plan: textOf(form, 'plan'), do: textOf(form, 'do'),
      study: textOf(form, 'study'), act: textOf(form, 'act'),
    };
    if (showProblems(form, checkCycle(next))) return;
    if (creating) {
      await upsert(app.db, app.session, cyclesCollection.name, newId(), { team_id: teamId, idea_id: ideaId, ...next });
      return app.navigate(ideaHref(teamId, ideaId), { replace: true, flash: 'PDSA cycle added.' });
    }
    const changed = Object.fromEntries(Object.entries(next).filter(([k, v]) => (values[k] ?? null) !== v));
    if (Object.keys(changed).length) await upsert(app.db, app.session, cyclesCollection.name, cycle.id, changed);
    app.navigate(ideaHref(teamId, ideaId), { replace: true, flash: Object.keys(changed).length ? 'PDSA cycle saved.' : 'Nothing changed.' });
  });
  return h('div', null,
    h('h1', null, creating ? 'Add a PDSA cycle' : 'Edit the PDSA cycle'),
    h('p', { class: 'lede' }, `Testing “${idea.title}”`),
    form,
    !creating && canRemoveContribution(app, teamId, cycle.user_id) ? deleteBox('cycle', async () => {
      await remove(app.db, app.session, cyclesCollection.name, cycle.id);
      app.navigate(ideaHref(teamId, ideaId), { replace: true, flash: 'PDSA cycle deleted.' });
    }) : '');
}

/** An adopted idea as a highlight of the board's bi-monthly report: the team's leads and coaches choose. */
function shareIdea(app, idea) {
  const box = h('input', { type: 'checkbox', id: 'share-idea', checked: !!idea.share_in_report, 'data-testid': 'share-idea' });
  box.addEventListener('change', async () => {
    await upsert(app.db, app.session, ideasCollection.name, idea.id, { share_in_report: box.checked });
  });
  return h('div', { class: 'checkbox' }, box, h('label', { for: 'share-idea' }, 'Share in the board report'),
    h('p', { class: 'hint-text' }, 'The board’s bi-monthly report lists it among the highlights its teams chose.'));
}
