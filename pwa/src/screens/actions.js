// Actions: what, who, by when, and whether it is done. Anyone in the team (or coaching it) adds and
// changes them; an overdue open action says so in words as well as colour wherever it appears.
import { h, link } from '../ui/h.js';
import { upsert, remove, newId } from '../write.js';
import { FlashMessage } from '../ui/flash.js';
import { teamRole, canTakePart, canRemoveContribution } from '../data/team.js';
import { teamPeople } from '../data/people.js';
import { teamActions, actionOf, ideaOf } from '../data/improvement.js';
import { checkAction, TITLE_MAX } from '../data/improvement-rules.js';
import { actions as actionsCollection, ACTION_STATUSES, isOverdue } from '../collections/improvement.js';
import { formatDay } from '../lib/dates.js';
import { field, textInput, dateInput, select, textOf, showProblems, notFound } from './improvement-form.js';

const actionsHref = (teamId) => `/teams/${teamId}/actions`;

/** Names a person by user id from the team's list on this device. */
export const namer = (people) => {
  const names = new Map(people.map((p) => [p.user_id, p.name]));
  return (userId) => names.get(userId) || 'someone no longer in the team';
};

/**
 * One action as a list item: its title, owner, due date and status, an "Overdue" tag in words and
 * colour, and `controls` (buttons) after them.
 */
export function actionItem(action, nameOf, controls = '') {
  const overdue = isOverdue(action);
  const status = action.status ?? 'open';
  return h('li', { class: `action${overdue ? ' action--overdue' : ''}`, 'data-action': action.id, 'data-testid': 'action' },
    h('div', { class: 'action__text' },
      h('span', { class: 'action__title' }, action.title),
      h('span', { class: 'action__meta' }, [
        action.owner_user_id ? `Owner: ${nameOf(action.owner_user_id)}` : 'No owner yet',
        action.due_on ? `due ${formatDay(action.due_on)}` : 'no due date',
      ].join(' · ')), ' ',
      overdue ? h('span', { class: 'tag tag--overdue' }, `Overdue since ${formatDay(action.due_on)}`) : '',
      status !== 'open' ? h('span', { class: 'tag tag--muted' }, ACTION_STATUSES[status]) : '',
      action.pending ? h('span', { class: 'tag tag--waiting' }, 'Waiting to sync') : ''),
    controls);
}

export async function ActionsScreen(app) {
  const teamId = app.params[0];
  if (!teamRole(app, teamId)) return notFound('Actions', link('/', 'Go to the home screen'));
  const editor = canTakePart(app, teamId);
  const [list, people] = await Promise.all([teamActions(app.db, teamId), teamPeople(app, teamId, () => app.refreshUnlessBusy())]);
  const nameOf = namer(people);
  const here = actionsHref(teamId);
  const ideaId = new URLSearchParams(location.search).get('idea');
  const idea = ideaId ? await ideaOf(app.db, teamId, ideaId) : null;

  const setStatus = async (action, status) => {
    await upsert(app.db, app.session, actionsCollection.name, action.id, { status });
    app.navigate(here, { replace: true, flash: `“${action.title}” marked ${ACTION_STATUSES[status].toLowerCase()}.` });
  };
  const controls = (action) => (editor ? h('div', { class: 'button-group action__controls' },
    (action.status ?? 'open') === 'open'
      ? [h('button', { type: 'button', class: 'button button--small', onclick: () => setStatus(action, 'done') }, 'Done', h('span', { class: 'visually-hidden' }, `: ${action.title}`)),
        h('button', { type: 'button', class: 'button button--small button--secondary', onclick: () => setStatus(action, 'dropped') }, 'Drop', h('span', { class: 'visually-hidden' }, `: ${action.title}`))]
      : h('button', { type: 'button', class: 'button button--small button--secondary', onclick: () => setStatus(action, 'open') }, 'Reopen', h('span', { class: 'visually-hidden' }, `: ${action.title}`)),
    link(`${here}/${action.id}`, 'Edit', { class: 'button button--small button--secondary', 'aria-label': `Edit ${action.title}` })) : '');

  const open = list.filter((a) => (a.status ?? 'open') === 'open');
  const closed = list.filter((a) => (a.status ?? 'open') !== 'open');
  const overdueCount = open.filter((a) => isOverdue(a)).length;
  return h('div', null,
    FlashMessage(app),
    h('h1', null, 'Actions'),
    h('p', null, link(`/teams/${teamId}/ideas`, 'Ideas'), ' · ', link(`/teams/${teamId}/pick-chart`, 'PICK chart')),
    editor ? actionForm(app, teamId, null, people, idea) : '',
    h('section', { class: 'section', 'aria-labelledby': 'open-actions' },
      h('h2', { id: 'open-actions' }, 'Open', ' ', h('span', { class: 'column__count' }, String(open.length))),
      overdueCount ? h('p', { class: 'overdue-note', 'data-testid': 'overdue-note' }, `${overdueCount} ${overdueCount === 1 ? 'action is' : 'actions are'} overdue.`) : '',
      open.length ? h('ul', { class: 'action-list' }, open.map((a) => actionItem(a, nameOf, controls(a)))) : h('p', null, 'No open actions.')),
    closed.length ? h('section', { class: 'section', 'aria-labelledby': 'closed-actions' },
      h('h2', { id: 'closed-actions' }, 'Done and dropped'),
      h('ul', { class: 'action-list' }, closed.map((a) => actionItem(a, nameOf, controls(a))))) : '');
}

/** Add an action (current null), or change one. `idea`: the idea a new action is for. */
function actionForm(app, teamId, current, people, idea) {
  const creating = !current;
  const values = current || { status: 'open' };
  const owners = { '': 'Nobody yet', ...Object.fromEntries(people.map((p) => [p.user_id, p.name])) };
  if (values.owner_user_id && !(values.owner_user_id in owners)) owners[values.owner_user_id] = 'Someone no longer in the team';
  const form = h('form', { class: 'form narrow', novalidate: true },
    idea ? h('p', { class: 'inset' }, 'For the idea ', link(`/teams/${teamId}/ideas/${idea.id}`, idea.title)) : '',
    field('title', 'What needs doing', textInput(values.title, { maxlength: TITLE_MAX * 2, autocomplete: 'off' })),
    field('owner_user_id', 'Owner (optional)', select(owners, values.owner_user_id || '')),
    field('due_on', 'Due date (optional)', dateInput(values.due_on)),
    creating ? '' : field('status', 'Status', select(ACTION_STATUSES, values.status ?? 'open')),
    h('div', { class: 'button-group' },
      h('button', { type: 'submit', class: 'button' }, creating ? 'Add action' : 'Save changes'),
      creating ? '' : link(actionsHref(teamId), 'Cancel', { class: 'link-cancel' })));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const next = { title: textOf(form, 'title'), owner_user_id: textOf(form, 'owner_user_id'), due_on: textOf(form, 'due_on') };
    if (!creating) next.status = textOf(form, 'status');
    if (showProblems(form, checkAction(next))) return;
    const back = idea ? `/teams/${teamId}/ideas/${idea.id}` : actionsHref(teamId);
    if (creating) {
      await upsert(app.db, app.session, actionsCollection.name, newId(), { team_id: teamId, ...next, status: 'open', idea_id: idea?.id ?? null });
      return app.navigate(back, { replace: true, flash: `Added the action “${next.title}”.` });
    }
    const changed = Object.fromEntries(Object.entries(next).filter(([k, v]) => (values[k] ?? null) !== v));
    if (Object.keys(changed).length) await upsert(app.db, app.session, actionsCollection.name, current.id, changed);
    app.navigate(actionsHref(teamId), { flash: Object.keys(changed).length ? `Saved “${next.title}”.` : 'Nothing changed.' });
  });
  return creating ? h('details', { class: 'details', open: !!idea }, h('summary', null, 'Add an action'), form) : form;
}

export async function ActionFormScreen(app) {
  const [teamId, actionId] = app.params;
  const back = link(actionsHref(teamId), 'Back to the actions');
  if (!teamRole(app, teamId)) return notFound('Action not found', back);
  const action = await actionOf(app.db, teamId, actionId);
  if (!action) return notFound('Action not found', back);
  if (!canTakePart(app, teamId)) return h('div', null, h('h1', null, action.title), h('p', null, 'You can read this action; members and coaches of the team change it.'), back);
  const people = await teamPeople(app, teamId);
  const removable = canRemoveContribution(app, teamId, action.user_id);
  return h('div', null,
    h('h1', null, `Edit ${action.title}`),
    actionForm(app, teamId, action, people, null),
    removable ? h('details', { class: 'details' }, h('summary', null, 'Delete this action'),
      h('p', null, 'It goes from every device once they sync. Marking it dropped keeps it on record instead.'),
      h('button', {
        type: 'button', class: 'button button--warning',
        onclick: async () => {
          await remove(app.db, app.session, actionsCollection.name, action.id);
          app.navigate(actionsHref(teamId), { replace: true, flash: `Deleted “${action.title}”.` });
        },
      }, 'Yes, delete this action')) : '');
}
