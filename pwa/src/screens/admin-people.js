// Administration, people (issue 15): find anyone among thousands, invite a person (a single-use link
// to choose their password, shown here to pass on and e-mailed where mail is set up), look after one
// person (details, teams, coaching, password reset, their devices, deactivation) and import a team's
// people from a CSV file (a preview with each row's problems, then all or nothing). Loaded with import().
import { errorMessage } from '../api.js';
import { h, link, plural } from '../ui/h.js';
import { call, sendFile, isAdmin, ROLE_WORDS, TEAM_ROLE_WORDS } from '../data/admin.js';
import { PeopleSearch, LinkToPassOn, confirmButton } from '../ui/admin.js';
import { adminGate, adminPage, smallForm, textField, selectField } from './admin.js';
import { formatTime } from '../lib/dates.js';

const roleOptions = (app) => (isAdmin(app) ? ['staff', 'coach', 'board_lead', 'admin'] : ['staff', 'coach']).map((r) => [r, ROLE_WORDS[r]]);

async function teamOptions(app) {
  const res = await call(app, 'GET', '/api/teams');
  const teams = res.status === 200 ? res.body.teams.slice().sort((a, b) => a.name.localeCompare(b.name)) : [];
  return [['', isAdmin(app) ? 'No team for now' : 'Choose a team'], ...teams.map((t) => [t.id, t.name])];
}

export async function PeopleScreen(app) {
  const title = 'People';
  const gate = adminGate(app, title);
  if (gate) return gate;
  const result = h('div', { 'data-testid': 'invite-result', tabindex: '-1' });
  const invite = smallForm({
    label: 'Invite a person', submit: 'Invite', testid: 'invite',
    fields: [
      textField('invite-name', 'Full name', '', { name: 'name', autocomplete: 'off', maxlength: 120 }),
      textField('invite-email', 'Email address', '', { name: 'email', type: 'email', autocomplete: 'off', spellcheck: 'false' }),
      selectField('invite-role', 'Role', roleOptions(app), 'staff', { name: 'role' }),
      selectField('invite-team', 'Team', await teamOptions(app), '', { name: 'team_id' }),
      selectField('invite-team-role', 'Role in the team', Object.entries(TEAM_ROLE_WORDS), 'member', { name: 'team_role' }),
    ],
    onSubmit: async (data) => {
      const body = { name: String(data.get('name')).trim(), email: String(data.get('email')).trim(), role: data.get('role') };
      if (!body.name) return 'Enter the person’s full name.';
      if (!body.email) return 'Enter the person’s email address.';
      if (data.get('team_id')) Object.assign(body, { team_id: data.get('team_id'), team_role: data.get('team_role') });
      const res = await call(app, 'POST', '/api/invitations', body);
      if (res.status !== 201) return errorMessage(res, 'The invitation could not be made.');
      result.replaceChildren(LinkToPassOn(res.body, body.name));
      result.setAttribute('data-dirty', ''); // the link stays on screen until the admin leaves
      result.focus();
      return '';
    },
  });
  return adminPage(app, title,
    PeopleSearch(app, { id: 'people', actions: (u) => link(`/admin/people/${u.id}`, `Open ${u.name}`, { class: 'button button--secondary button--small' }) }),
    h('section', { 'aria-labelledby': 'invite-title' },
      h('h2', { id: 'invite-title' }, 'Invite a person'),
      h('p', null, 'They get a link, valid once for 7 days, to choose their own password. Many people at once: ', link('/admin/import', 'import a CSV file'), '.'),
      invite, result));
}

export async function PersonScreen(app) {
  const userId = app.params[0];
  const gate = adminGate(app, 'Person');
  if (gate) return gate;
  if (!isAdmin(app)) return adminPage(app, 'Person', h('p', null, 'Only an administrator can change a person’s account. A board lead adds people to their teams from the team’s page.'));
  const [personRes, devicesRes] = await Promise.all([call(app, 'GET', `/api/users/${userId}`), call(app, 'GET', `/api/users/${userId}/devices`)]);
  if (personRes.status !== 200) return adminPage(app, 'Person', h('p', { class: 'error-message' }, errorMessage(personRes, 'This person could not be read.')));
  const p = personRes.body;
  const here = `/admin/people/${userId}`;
  const act = async (method, path, body, done) => {
    const res = await call(app, method, path, body);
    app.navigate(here, { replace: true, flash: res.status < 300 ? done : errorMessage(res) });
    return res;
  };
  const resetResult = h('div', { tabindex: '-1', 'data-testid': 'reset-result' });

  const details = smallForm({
    label: 'Details', submit: 'Save the details', testid: 'person-details',
    fields: [
      textField('person-name', 'Full name', p.name, { name: 'name', maxlength: 120 }),
      textField('person-email', 'Email address', p.email, { name: 'email', type: 'email', spellcheck: 'false' }),
      selectField('person-role', 'Role', roleOptions(app), p.role, { name: 'role' }),
    ],
    onSubmit: async (data) => {
      const body = { name: String(data.get('name')).trim(), email: String(data.get('email')).trim(), role: data.get('role') };
      const res = await call(app, 'PATCH', `/api/users/${userId}`, body);
      if (res.status !== 200) return errorMessage(res, 'The details could not be saved.');
      app.navigate(here, { replace: true, flash: 'Details saved.' });
      return '';
    },
  });

  const membership = (m) => h('li', { 'data-team': m.team_id }, link(`/admin/teams/${m.team_id}`, m.team_name), ` · ${TEAM_ROLE_WORDS[m.role] || m.role}`,
    m.archived ? [' ', h('span', { class: 'tag tag--waiting' }, 'Archived')] : '');
  const devices = (devicesRes.body?.devices || []).filter((d) => !d.revoked_at);
  const deviceItem = (d) => h('li', { class: 'card', 'data-device': d.id },
    h('h3', { class: 'card__title' }, d.name),
    h('p', null, 'Last seen ', h('time', { datetime: d.last_seen_at || d.created_at }, formatTime(d.last_seen_at || d.created_at)),
      d.last_sync_at ? [' · last sync ', h('time', { datetime: d.last_sync_at }, formatTime(d.last_sync_at))] : '',
      ' · signed in ', h('time', { datetime: d.created_at }, formatTime(d.created_at))),
    confirmButton(`Sign out ${d.name}`, `Yes, sign out ${d.name}`, () =>
      act('DELETE', `/api/users/${userId}/devices/${d.id}`, undefined, `${d.name} is signed out. It deletes its copy of the data the next time it connects.`)));

  const resetLink = h('button', {
    type: 'button', class: 'button button--secondary',
    onclick: async () => {
      const res = await call(app, 'POST', `/api/users/${userId}/password-reset`, {});
      if (res.status !== 200 || !res.body.invitation) {
        resetResult.replaceChildren(h('p', { class: 'error-message', role: 'alert' }, errorMessage(res, 'The password could not be reset.')));
      } else {
        resetResult.replaceChildren(LinkToPassOn(res.body.invitation, p.name));
        resetResult.setAttribute('data-dirty', '');
      }
      resetResult.focus();
    },
  }, 'Make a link to choose a new password');
  const oneTime = h('details', { class: 'admin-add' }, h('summary', null, 'Or set a one-time password'),
    smallForm({
      label: 'Set a one-time password', submit: 'Set it', testid: 'one-time-password',
      fields: [textField('one-time', 'One-time password', '', { name: 'one_time_password', type: 'text', autocomplete: 'off', spellcheck: 'false', 'aria-describedby': 'one-time-hint' }),
        h('p', { class: 'hint-text', id: 'one-time-hint' }, 'At least 12 characters, not their name or email, not a common password. They must change it when they next sign in.')],
      onSubmit: async (data) => {
        const res = await call(app, 'POST', `/api/users/${userId}/password-reset`, { one_time_password: String(data.get('one_time_password')) });
        if (res.status !== 200) return errorMessage(res, 'The password could not be set.');
        app.navigate(here, { replace: true, flash: `One-time password set: ${p.name} must change it at their next sign-in.` });
        return '';
      },
    }));
  const active = p.active !== false;
  return adminPage(app, p.name,
    h('p', null, link('/admin/people', 'Back to people', { class: 'block-link' })),
    active ? '' : h('p', { class: 'warning' }, 'Deactivated: they cannot sign in. Their history keeps their name.'),
    h('section', { 'aria-labelledby': 'details-title' }, h('h2', { id: 'details-title' }, 'Details'), details),
    h('section', { 'aria-labelledby': 'teams-title' }, h('h2', { id: 'teams-title' }, 'Teams'),
      p.memberships?.length ? h('ul', { 'data-testid': 'memberships' }, p.memberships.map(membership)) : h('p', null, 'In no team. Add them from a team’s page.'),
      p.coached_teams?.length ? [h('h3', null, 'Coaches'), h('ul', null, p.coached_teams.map((t) => h('li', null, link(`/admin/teams/${t.team_id}`, t.team_name))))] : '',
      p.role === 'board_lead' ? await boardsLed(app, p, act) : ''),
    h('section', { 'aria-labelledby': 'password-title' }, h('h2', { id: 'password-title' }, 'Password'),
      h('p', null, 'A link lets them choose a new password themselves (it works once, for 7 days).'), resetLink, resetResult, oneTime),
    h('section', { 'aria-labelledby': 'devices-title' }, h('h2', { id: 'devices-title' }, 'Devices'),
      h('p', null, 'Sign out a lost phone: it deletes its copy of the team’s data the next time it connects.'),
      devices.length ? h('ul', { class: 'cards', 'data-testid': 'person-devices' }, devices.map(deviceItem)) : h('p', null, 'Not signed in on any device.')),
    h('section', { 'aria-labelledby': 'access-title' }, h('h2', { id: 'access-title' }, active ? 'Deactivate' : 'Reactivate'),
      h('p', null, active ? 'They can no longer sign in and every device of theirs is signed out; their history stays, with their name.' : 'They may sign in again, on each device anew.'),
      active
        ? confirmButton(`Deactivate ${p.name}`, `Yes, deactivate ${p.name}`, () => act('POST', `/api/users/${userId}/deactivate`, undefined, `${p.name} is deactivated and signed out everywhere.`))
        : h('button', { type: 'button', class: 'button button--secondary', onclick: () => act('POST', `/api/users/${userId}/reactivate`, undefined, `${p.name} may sign in again.`) }, `Reactivate ${p.name}`)));
}

/** A board lead's boards: which they lead, and making them lead another (admins). */
async function boardsLed(app, p, act) {
  const res = await call(app, 'GET', '/api/boards');
  const led = new Set((p.boards_led || []).map((b) => b.board_id));
  const others = res.status === 200 ? res.body.boards.filter((b) => !led.has(b.id)) : [];
  return [h('h3', null, 'Boards they lead'),
    led.size ? h('ul', { 'data-testid': 'boards-led' }, p.boards_led.map((b) => h('li', null, b.board_name, ' ',
      confirmButton(`Stop leading ${b.board_name}`, `Yes, ${p.name} stops leading ${b.board_name}`, () =>
        act('DELETE', `/api/boards/${b.board_id}/leads/${p.id}`, undefined, `${p.name} no longer leads ${b.board_name}.`)))))
      : h('p', null, 'No board yet: a board lead reads and looks after one board.'),
    others.length ? smallForm({
      label: 'Lead a board', submit: 'Make them its lead', testid: 'lead-board',
      fields: selectField('lead-board', 'Board', others.map((b) => [b.id, b.name]), others[0].id, { name: 'board_id' }),
      onSubmit: async (data) => {
        const board = others.find((b) => b.id === data.get('board_id'));
        const out = await act('PUT', `/api/boards/${board.id}/leads/${p.id}`, undefined, `${p.name} leads ${board.name}.`);
        return out.status < 300 ? '' : errorMessage(out);
      },
    }) : ''];
}

const ACTION_WORDS = { create: 'New person, invited', add_membership: 'Added to the team', nothing: 'Nothing to do' };

export async function ImportPeopleScreen(app) {
  const title = 'Import people';
  const gate = adminGate(app, title);
  if (gate) return gate;
  const result = h('div', { 'data-testid': 'import-result', tabindex: '-1' });
  const file = h('input', { type: 'file', id: 'people-file', name: 'file', class: 'input', accept: '.csv,text/csv', 'aria-describedby': 'people-file-hint' });
  const say = (...children) => {
    result.replaceChildren(...children);
    result.setAttribute('data-dirty', '');
    result.focus();
  };
  const problem = (text, rows) => say(h('div', { class: 'error-summary', role: 'alert' }, h('h2', { class: 'error-summary__title' }, 'Nothing was imported'), h('p', null, text)), rows ? table(rows) : '');

  const form = smallForm({
    label: 'Check a CSV file', submit: 'Check the file', testid: 'import-people',
    fields: h('div', { class: 'form-group' }, h('label', { class: 'label', for: 'people-file' }, 'CSV file'),
      h('p', { class: 'hint-text', id: 'people-file-hint' }, 'A header row, then one person per row: name, email, role (staff, coach, board_lead or admin), team (its name), team role (member or lead). People already here are matched by email and only added to the team.'),
      file),
    onSubmit: async () => {
      if (!file.files?.length) return 'Choose a CSV file first.';
      const res = await sendFile(app, '/api/people-imports', file.files[0]);
      if (res.status !== 200) return errorMessage(res, 'The file could not be read.');
      say(preview(res.body));
      return '';
    },
  });

  function table(rows) {
    return h('div', { class: 'table-scroll' }, h('table', { class: 'table', 'data-testid': 'import-rows' },
      h('caption', null, 'Each row of the file'),
      h('thead', null, h('tr', null, ['Line', 'Name', 'Email', 'Role', 'Team', 'What happens'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', null, rows.map((r) => h('tr', { 'data-line': r.line, class: r.errors?.length ? 'row--error' : '' },
        h('td', null, String(r.line)), h('th', { scope: 'row' }, r.name || ''), h('td', null, r.email || ''), h('td', null, ROLE_WORDS[r.role] || r.role || ''),
        h('td', null, r.team_name ? `${r.team_name} (${TEAM_ROLE_WORDS[r.team_role] || r.team_role || 'member'})` : ''),
        h('td', null, r.errors?.length
          ? h('ul', { class: 'error-list' }, r.errors.map((e) => h('li', { class: 'error-message' }, e.message)))
          : [ACTION_WORDS[r.action] || r.action, r.note ? h('span', { class: 'hint-text' }, ` ${r.note}`) : '',
            r.invitation ? h('div', null, h('input', { class: 'input', readonly: true, value: r.invitation.url, 'aria-label': `Link for ${r.name}` })) : '']))))));
  }

  function preview(plan) {
    const s = plan.summary;
    const ok = s.errors === 0;
    const commit = h('button', {
      type: 'button', class: 'button', disabled: !ok, 'data-testid': 'commit-people-import',
      onclick: async () => {
        commit.disabled = true;
        const res = await sendFile(app, '/api/people-imports?commit=true', file.files[0]);
        if (res.status === 201) {
          const links = res.body.rows.filter((r) => r.invitation).map((r) => `${r.name} <${r.email}>: ${r.invitation.url}`).join('\n');
          return say(h('div', { class: 'flash', role: 'status' }, h('p', null, `Imported: ${plural(res.body.summary.create, 'new person', 'new people')}, ${plural(res.body.summary.add_membership, 'membership')} added.`)),
            links ? h('div', { class: 'form-group' }, h('label', { class: 'label', for: 'all-links' }, 'Links to pass on (each works once, for 7 days)'),
              h('textarea', { class: 'textarea', id: 'all-links', readonly: true, rows: Math.min(10, links.split('\n').length + 1) }, links)) : '',
            table(res.body.rows));
        }
        problem(errorMessage(res, 'Nothing was imported.'), res.body?.error?.rows);
        commit.disabled = false;
      },
    }, `Import ${plural(s.create + s.add_membership, 'change')}`);
    return h('div', null,
      h('p', { 'data-testid': 'import-summary' }, `${plural(s.rows, 'row')}: ${s.create} new, ${s.add_membership} added to a team, ${s.nothing} with nothing to do, ${plural(s.errors, 'row')} with problems.`),
      ok ? '' : h('p', { class: 'warning' }, 'Correct the rows with problems in the file and check it again: nothing is imported while any row has one.'),
      table(plan.rows), commit);
  }

  return adminPage(app, title, form, result);
}
