// Administration, boards and teams (issue 15): an admin creates, renames and archives boards and
// teams and sets a team's details; a board lead renames their board and looks after its teams. A
// team's page lists its members, leads and coaches, and adds people found by search. Everything is
// on the server (online only); the server checks each request. Loaded with import().
import { errorMessage } from '../api.js';
import { h, link, plural } from '../ui/h.js';
import { FlashMessage } from '../ui/flash.js';
import { HUDDLE_DAYS } from '../data/huddles.js';
import { call, administers, isAdmin, TEAM_ROLE_WORDS } from '../data/admin.js';
import { offlinePage, PeopleSearch, confirmButton } from '../ui/admin.js';

const dayWord = (d) => d[0].toUpperCase() + d.slice(1);

function adminNav(app) {
  return h('nav', { 'aria-label': 'Administration', class: 'admin-nav' }, h('ul', { class: 'button-group' },
    h('li', null, link('/admin', 'Boards and teams')),
    h('li', null, link('/admin/people', 'People')),
    h('li', null, link('/admin/import', 'Import people')),
    isAdmin(app) ? h('li', null, link('/admin/audit', 'Audit log')) : ''));
}

export function adminPage(app, title, ...children) {
  return h('div', { class: 'admin' }, FlashMessage(app), adminNav(app), h('h1', null, title), ...children);
}

function notAllowed(title) {
  return h('div', { class: 'narrow' }, h('h1', null, title), h('p', null, 'Only administrators and board leads can use administration.'),
    h('p', null, link('/', 'Back to the home screen', { class: 'block-link' })));
}

/** Gate for every /admin screen: signed in as an admin or a board lead, and online. */
export function adminGate(app, title) {
  if (!administers(app)) return notAllowed(title);
  if (!navigator.onLine) return offlinePage(title);
  return null;
}

/** A small form: its fields, a submit button and a place for the server's answer. */
export function smallForm({ label, fields, submit, onSubmit, testid }) {
  const problem = h('p', { class: 'error-message', role: 'alert', hidden: true });
  const button = h('button', { type: 'submit', class: 'button' }, submit);
  const form = h('form', { class: 'form', novalidate: true, 'aria-label': label, 'data-testid': testid }, problem, fields, button);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    button.disabled = true;
    const said = await onSubmit(new FormData(form));
    button.disabled = false;
    problem.hidden = !said;
    problem.textContent = said || '';
    if (said) problem.focus?.();
  });
  return form;
}

export function textField(id, label, value = '', attrs = {}) {
  return h('div', { class: 'form-group' }, h('label', { class: 'label', for: id }, label),
    h('input', { class: 'input', id, name: attrs.name || id, value, ...attrs }));
}

export function selectField(id, label, options, selected, attrs = {}) {
  return h('div', { class: 'form-group' }, h('label', { class: 'label', for: id }, label),
    h('select', { class: 'select', id, name: attrs.name || id, ...attrs },
      options.map(([value, text]) => h('option', { value, selected: value === selected }, text))));
}

/** A team's details, the same for a new team and an existing one (ids prefixed so both fit a page). */
function teamFields(prefix, team = {}) {
  return [
    textField(`${prefix}name`, 'Team name', team.name || '', { name: 'name', required: true, maxlength: 120 }),
    textField(`${prefix}service`, 'Service type (optional)', team.service || '', { name: 'service', maxlength: 120 }),
    textField(`${prefix}hours`, 'Contracted hours per week (optional)', team.contracted_hours_per_week ?? '', { name: 'contracted_hours_per_week', inputmode: 'decimal' }),
    h('div', { class: 'board__form-row' },
      selectField(`${prefix}day`, 'Huddle day', [['', 'Not set'], ...HUDDLE_DAYS.map((d) => [d, dayWord(d)])], team.huddle_day || '', { name: 'huddle_day' }),
      textField(`${prefix}time`, 'Huddle time', team.huddle_time || '', { name: 'huddle_time', type: 'time', class: 'input input--width-4' })),
    h('div', { class: 'form-group' }, h('label', { class: 'label', for: `${prefix}vision` }, 'Vision statement (optional)'),
      h('textarea', { class: 'textarea', id: `${prefix}vision`, name: 'vision_statement', rows: 2 }, team.vision_statement || '')),
  ];
}

/** The server's "contracted hours: must be a number" in the words of the form. */
function teamBody(data) {
  const hours = String(data.get('contracted_hours_per_week') || '').trim();
  return {
    name: String(data.get('name') || '').trim(),
    service: String(data.get('service') || '').trim() || null,
    contracted_hours_per_week: hours === '' ? null : Number(hours),
    huddle_day: data.get('huddle_day') || null,
    huddle_time: data.get('huddle_time') || null,
    vision_statement: String(data.get('vision_statement') || '').trim() || null,
  };
}

function checkTeam(body) {
  if (!body.name) return 'Enter the team’s name.';
  if (body.contracted_hours_per_week !== null && !(body.contracted_hours_per_week >= 0)) return 'Contracted hours per week must be a number, such as 37.5.';
  return '';
}

export async function AdminScreen(app) {
  const title = 'Boards and teams';
  const gate = adminGate(app, title);
  if (gate) return gate;
  const [boardsRes, teamsRes] = await Promise.all([
    call(app, 'GET', `/api/boards${isAdmin(app) ? '?archived=true' : ''}`),
    call(app, 'GET', `/api/teams${'?archived=true'}`)]);
  if (boardsRes.status !== 200 || teamsRes.status !== 200) {
    return adminPage(app, title, h('p', { class: 'error-message' }, errorMessage(boardsRes.status !== 200 ? boardsRes : teamsRes, 'Boards and teams could not be read. Try again.')));
  }
  const teamsOf = (boardId) => teamsRes.body.teams.filter((t) => t.board_id === boardId).sort((a, b) => a.name.localeCompare(b.name));
  const boards = boardsRes.body.boards.filter((b) => isAdmin(app) || teamsOf(b.id).length);
  const newBoard = isAdmin(app) ? h('details', { class: 'admin-add' }, h('summary', null, 'Add a board'),
    smallForm({
      label: 'Add a board', submit: 'Add the board', testid: 'add-board',
      fields: textField('board-name', 'Board name', '', { name: 'name', required: true, maxlength: 120 }),
      onSubmit: async (data) => {
        const name = String(data.get('name') || '').trim();
        if (!name) return 'Enter the board’s name.';
        const res = await call(app, 'POST', '/api/boards', { name });
        if (res.status !== 201) return errorMessage(res, 'The board could not be added.');
        app.navigate('/admin', { replace: true, flash: `Board ${name} added.` });
        return '';
      },
    })) : '';
  return adminPage(app, title,
    h('p', null, isAdmin(app) ? 'Every health board and its teams. Archived ones keep their history but are no longer listed to their people or synced to new devices.'
      : 'Your board and its teams.'),
    newBoard,
    boards.length ? boards.map((b) => boardSection(app, b, teamsOf(b.id))) : h('p', null, 'No boards yet: add the first one.'));
}

function boardSection(app, board, teams) {
  const headingId = `board-${board.id}`;
  const rename = h('details', { class: 'admin-add' }, h('summary', null, `Rename ${board.name}`),
    smallForm({
      label: `Rename ${board.name}`, submit: 'Save the name', testid: 'rename-board',
      fields: textField(`rename-${board.id}`, 'New name', board.name, { name: 'name', required: true, maxlength: 120 }),
      onSubmit: async (data) => {
        const name = String(data.get('name') || '').trim();
        if (!name) return 'Enter the board’s name.';
        const res = await call(app, 'PATCH', `/api/boards/${board.id}`, { name });
        if (res.status !== 200) return errorMessage(res, 'The board could not be renamed.');
        app.navigate('/admin', { replace: true, flash: `Renamed to ${name}.` });
        return '';
      },
    }));
  const archive = isAdmin(app) ? confirmButton(board.archived ? `Unarchive ${board.name}` : `Archive ${board.name}`,
    board.archived ? `Yes, unarchive ${board.name}` : `Yes, archive ${board.name} and stop listing its teams`, async () => {
      const res = await call(app, 'PATCH', `/api/boards/${board.id}`, { archived: !board.archived });
      app.navigate('/admin', { replace: true, flash: res.status === 200 ? `${board.name} is ${board.archived ? 'back in use' : 'archived'}.` : errorMessage(res) });
    }) : '';
  const addTeam = isAdmin(app) && !board.archived ? h('details', { class: 'admin-add' }, h('summary', null, `Add a team to ${board.name}`),
    smallForm({
      label: `Add a team to ${board.name}`, submit: 'Add the team', testid: 'add-team',
      fields: teamFields(`new-${board.id}-`),
      onSubmit: async (data) => {
        const body = teamBody(data);
        const wrong = checkTeam(body);
        if (wrong) return wrong;
        const res = await call(app, 'POST', '/api/teams', { board_id: board.id, ...body });
        if (res.status !== 201) return errorMessage(res, 'The team could not be added.');
        app.navigate(`/admin/teams/${res.body.id}`, { flash: `Team ${body.name} added. Now add its people.` });
        return '';
      },
    })) : '';
  return h('section', { class: 'admin-board', 'aria-labelledby': headingId, 'data-board': board.id },
    h('h2', { id: headingId }, board.name, board.archived ? [' ', h('span', { class: 'tag tag--waiting' }, 'Archived')] : ''),
    teams.length ? h('ul', { class: 'admin-teams' }, teams.map((t) => h('li', { 'data-team': t.id },
      link(`/admin/teams/${t.id}`, t.name), t.archived ? [' ', h('span', { class: 'tag tag--waiting' }, 'Archived')] : '',
      t.service ? h('span', { class: 'hint-text' }, ` · ${t.service}`) : '')))
      : h('p', { class: 'hint-text' }, 'No teams yet.'),
    h('div', { class: 'button-group' }, archive), rename, addTeam);
}

export async function AdminTeamScreen(app) {
  const teamId = app.params[0];
  const gate = adminGate(app, 'Team');
  if (gate) return gate;
  const [teamRes, peopleRes] = await Promise.all([call(app, 'GET', `/api/teams/${teamId}`), call(app, 'GET', `/api/teams/${teamId}/members`)]);
  if (teamRes.status !== 200) return adminPage(app, 'Team', h('p', { class: 'error-message' }, errorMessage(teamRes, 'This team could not be read.')));
  const team = teamRes.body;
  const { members = [], coaches = [] } = peopleRes.body || {};
  const act = async (method, path, body, done) => {
    const res = await call(app, method, path, body);
    app.navigate(`/admin/teams/${teamId}`, { replace: true, flash: res.status < 300 ? done : errorMessage(res) });
  };
  const inTeam = new Set(members.map((m) => m.user_id));
  const coachIds = new Set(coaches.map((c) => c.user_id));
  const leads = members.filter((m) => m.role === 'lead').length;

  const details = smallForm({
    label: 'Team details', submit: 'Save the details', testid: 'team-details',
    fields: teamFields('team-', team),
    onSubmit: async (data) => {
      const body = teamBody(data);
      const wrong = checkTeam(body);
      if (wrong) return wrong;
      const res = await call(app, 'PATCH', `/api/teams/${teamId}`, body);
      if (res.status !== 200) return errorMessage(res, 'The details could not be saved.');
      app.navigate(`/admin/teams/${teamId}`, { replace: true, flash: 'Details saved.' });
      return '';
    },
  });
  const archive = confirmButton(team.archived ? 'Unarchive this team' : 'Archive this team',
    team.archived ? 'Yes, unarchive it' : 'Yes, archive it: its history stays, it is no longer listed', () =>
      act('PATCH', `/api/teams/${teamId}`, { archived: !team.archived }, team.archived ? `${team.name} is back in use.` : `${team.name} is archived.`));

  const memberRow = (m) => h('tr', { 'data-user': m.user_id },
    h('th', { scope: 'row' }, link(`/admin/people/${m.user_id}`, m.name), h('br'), h('span', { class: 'hint-text' }, m.email)),
    h('td', null, TEAM_ROLE_WORDS[m.role] || m.role),
    h('td', null, h('div', { class: 'button-group' },
      h('button', {
        type: 'button', class: 'button button--secondary button--small',
        onclick: () => act('PUT', `/api/teams/${teamId}/members/${m.user_id}`, { role: m.role === 'lead' ? 'member' : 'lead' },
          m.role === 'lead' ? `${m.name} is a member now.` : `${m.name} is a lead now.`),
      }, m.role === 'lead' ? `Make ${m.name} a member` : `Make ${m.name} a lead`),
      confirmButton(`Remove ${m.name}`, `Yes, remove ${m.name} from the team`, () =>
        act('DELETE', `/api/teams/${teamId}/members/${m.user_id}`, undefined, `${m.name} is no longer in the team.`)))));
  const coachItem = (c) => h('li', { 'data-user': c.user_id }, link(`/admin/people/${c.user_id}`, c.name), ' ',
    confirmButton(`Stop ${c.name} coaching`, `Yes, stop ${c.name} coaching this team`, () =>
      act('DELETE', `/api/teams/${teamId}/coaches/${c.user_id}`, undefined, `${c.name} no longer coaches the team.`)));

  const search = PeopleSearch(app, {
    id: 'add-person', label: 'Add a person to this team',
    actions: (u) => [
      inTeam.has(u.id) ? h('span', { class: 'hint-text' }, 'In the team') : [
        // The email found: a board lead adds someone from outside their board only with it.
        h('button', { type: 'button', class: 'button button--small', onclick: () => act('PUT', `/api/teams/${teamId}/members/${u.id}`, { role: 'member', email: u.email }, `${u.name} added as a member.`) }, `Add ${u.name} as a member`),
        h('button', { type: 'button', class: 'button button--secondary button--small', onclick: () => act('PUT', `/api/teams/${teamId}/members/${u.id}`, { role: 'lead', email: u.email }, `${u.name} added as a lead.`) }, `Add ${u.name} as a lead`)],
      u.role === 'coach' && !coachIds.has(u.id)
        ? h('button', { type: 'button', class: 'button button--secondary button--small', onclick: () => act('PUT', `/api/teams/${teamId}/coaches/${u.id}`, undefined, `${u.name} now coaches the team.`) }, `${u.name} coaches this team`) : ''],
  });

  return adminPage(app, team.name,
    h('p', null, link('/admin', 'Back to boards and teams', { class: 'block-link' })),
    team.archived ? h('p', { class: 'warning' }, 'This team is archived: its history is kept, it is not listed to its people or synced to new devices.') : '',
    h('section', { 'aria-labelledby': 'people-title' },
      h('h2', { id: 'people-title' }, 'People'),
      h('p', null, `${plural(members.length, 'member')}, ${plural(leads, 'lead')} (a team can have several), ${plural(coaches.length, 'coach', 'coaches')}.`),
      members.length ? h('div', { class: 'table-scroll' }, h('table', { class: 'table', 'data-testid': 'members' },
        h('caption', { class: 'visually-hidden' }, 'Members of the team'),
        h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Name'), h('th', { scope: 'col' }, 'Role in the team'), h('th', { scope: 'col' }, 'Change'))),
        h('tbody', null, members.map(memberRow)))) : h('p', null, 'Nobody is in this team yet.'),
      h('h3', null, 'Coaches'),
      coaches.length ? h('ul', { 'data-testid': 'coaches' }, coaches.map(coachItem)) : h('p', null, 'No coach follows this team yet.'),
      search),
    h('section', { 'aria-labelledby': 'details-title' }, h('h2', { id: 'details-title' }, 'Details'), details),
    h('section', { 'aria-labelledby': 'archive-title' }, h('h2', { id: 'archive-title' }, 'Archive'),
      h('p', null, 'Archiving keeps the team’s history; it stops being listed to its people and is not synced to new devices.'), archive));
}
