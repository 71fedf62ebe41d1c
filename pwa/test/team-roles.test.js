// Each screen that writes records offers it only to those the server lets write them: the gates in
// src/data/team.js against the table the server's collection policies are tested against
// (tests/vectors/access/create.json, tests/test_access_vectors.py).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { teamRole, teamsOf, currentTeam, canRemoveContribution, canChangeTeamSettings, canLogCapacity, canEditCategories, canEditMeasures, canEnterValues, canSetBoardAims, canTakePart, canShareToLibrary } from '../src/data/team.js';

const V = JSON.parse(readFileSync(new URL('../../tests/vectors/access/create.json', import.meta.url), 'utf8'));
const GATES = {
  capacity_entries: canLogCapacity,
  time_lost_categories: canEditCategories,
  measures: canEditMeasures,
  measure_values: canEnterValues,
  board_settings: canSetBoardAims,
  huddles: canTakePart,
  huddle_notes: canTakePart,
  ideas: canTakePart,
  pdsa_cycles: canTakePart,
  actions: canTakePart,
};
const TEAM = { id: 'team-1', name: 'Ward 4' };

/** The app as /api/me describes the user for each part they may have in the team. */
function appFor(role) {
  if (role === 'display') return { me: { id: 'tv-1', role, teams: [], coached_teams: [], display_of: { ...TEAM, role } }, teamId: TEAM.id };
  const me = { role: role === 'admin' ? 'admin' : role.startsWith('coach') ? 'coach' : 'staff', teams: [], coached_teams: [], display_of: null };
  if (['member', 'lead', 'coach_and_member'].includes(role)) me.teams.push({ ...TEAM, role: role === 'lead' ? 'lead' : 'member' });
  if (role.startsWith('coach')) me.coached_teams.push(TEAM);
  return { me, teamId: TEAM.id };
}

for (const [role, expected] of Object.entries(V.roles)) {
  test(`a ${role} is offered what the server lets them add`, () => {
    const app = appFor(role);
    const offered = Object.fromEntries(Object.entries(GATES).map(([name, gate]) => [name, gate(app, TEAM.id)]));
    assert.deepEqual(offered, expected);
  });
}

test('a coach who is also a member of the team is a member there', () => {
  assert.equal(teamRole(appFor('coach_and_member')), 'member');
  assert.equal(teamRole(appFor('coach')), 'coach');
});

test('a board display reads its own team only, and removes and changes nothing there', () => {
  const display = appFor('display');
  assert.equal(teamRole(display), 'display');
  assert.equal(teamRole(display, 'team-2'), null);
  assert.deepEqual(teamsOf(display.me).map((t) => t.id), [TEAM.id]);
  assert.equal(currentTeam(display).name, 'Ward 4');
  assert.equal(canRemoveContribution(display, TEAM.id, 'tv-1'), false);
  assert.equal(canChangeTeamSettings(display, TEAM.id), false);
});

test('a person\'s teams are those they are in, then those they follow', () => {
  const me = { teams: [{ id: 'a' }], coached_teams: [{ id: 'b' }], display_of: null };
  assert.deepEqual(teamsOf(me).map((t) => t.id), ['a', 'b']);
  assert.deepEqual(teamsOf(null), []);
});

test('leads, coaches and admins draft items for the library; members and board displays do not (Access.can_draft_shared_item)', () => {
  const may = Object.fromEntries(['admin', 'lead', 'member', 'coach', 'coach_and_member', 'display']
    .map((role) => [role, canShareToLibrary(appFor(role), TEAM.id)]));
  assert.deepEqual(may, { admin: true, lead: true, member: false, coach: true, coach_and_member: true, display: false });
  assert.equal(canShareToLibrary(appFor('lead'), 'team-2'), false);
});
