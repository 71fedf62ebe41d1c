// Who may do what in a team: the PWA's copy of server/organisations/access.py as each collection's
// policy uses it (server/*/collections.py), so a screen offers only what the server will accept;
// and the team settings the box score needs offline.
import { getMeta, setMeta } from '../db.js';
import { META, teamSettingsKey } from '../meta-keys.js';

/** The teams in /api/me: those the user is in, then those they follow as a coach, then the one a
 * board display (a ward TV signed in as the team's device account) shows. */
export function teamsOf(me) {
  return [...(me?.teams || []), ...(me?.coached_teams || []), ...(me?.display_of ? [me.display_of] : [])];
}

/** The parts the current user has in `teamId`: 'admin', 'lead' or 'member', 'coach' (a coach may
 * also be a member of a team they follow, and then has both parts' rights), or 'display' (reads the
 * team, writes nothing: no gate below lets it). */
function partsIn(app, teamId) {
  const me = app.me || {};
  const parts = new Set();
  if (me.role === 'admin') parts.add('admin');
  const member = (me.teams || []).find((t) => t.id === teamId);
  if (member) parts.add(member.role === 'lead' ? 'lead' : 'member');
  if ((me.coached_teams || []).some((t) => t.id === teamId)) parts.add('coach');
  if (me.display_of?.id === teamId) parts.add('display');
  return parts;
}

const hasPart = (roles) => (app, teamId = app.teamId) => {
  const parts = partsIn(app, teamId);
  return roles.some((role) => parts.has(role));
};

/** 'lead' | 'member' | 'coach' | 'admin' | 'display' | null for the current user in `teamId`: the
 * part that names them there (a coach who is also a member is a member); null: not in the team. */
export function teamRole(app, teamId = app.teamId) {
  const parts = partsIn(app, teamId);
  return ['admin', 'lead', 'member', 'coach', 'display'].find((role) => parts.has(role)) || null;
}

export function currentTeam(app) {
  return teamsOf(app.me).find((t) => t.id === app.teamId) || null;
}

/** Members (and leads) log their own capacity; a coach who only follows the team does not
 * (server: Access.can_write). */
export const canLogCapacity = hasPart(['lead', 'member', 'admin']);
/** Leads and coaches define the box score (measures; importing values). */
export const canEditMeasures = hasPart(['lead', 'coach', 'admin']);
/** The board's aims are set by those who define the box score (server: Access.can_set_board_aims). */
export const canSetBoardAims = canEditMeasures;
/** Everyone who works on the box score in the huddle enters weekly values. */
export const canEnterValues = hasPart(['lead', 'member', 'coach', 'admin']);
/** Huddles, their notes, ideas and actions: members and coaches of the team, and admins (server:
 * Access.can_take_part). */
export const canTakePart = hasPart(['lead', 'member', 'coach', 'admin']);
/** Deleting one of those: its author (while taking part), the team's leads, and admins
 * (Access.can_remove_contribution). */
export const canRemoveContribution = (app, teamId, authorId) => hasPart(['lead', 'admin'])(app, teamId)
  || (canTakePart(app, teamId) && !!authorId && authorId === app.me?.id);
/** Leads and coaches draft items for the shared learning library; only a lead consents (server:
 * Access.can_draft_shared_item, can_consent_to_sharing). */
export const canShareToLibrary = hasPart(['lead', 'coach', 'admin']);
/** Marking a huddle note or an adopted idea "share in the board report": the team's leads and
 * coaches, and admins (server: Access.can_share_in_report). */
export const canShareInReport = hasPart(['lead', 'coach', 'admin']);
/** Leads keep the team's list of time-lost categories. */
export const canEditCategories = hasPart(['lead', 'admin']);

/** Leads (and admins) change the team's own settings: the server's Access.can_manage. */
export const canChangeTeamSettings = canEditCategories;

const SETTINGS = ['name', 'contracted_hours_per_week', 'vision_statement', 'huddle_day', 'huddle_time'];
const pickSettings = (team) => Object.fromEntries(SETTINGS.map((k) => [k, team[k] ?? null]));

/** Keep the team's settings as the server has them now (after changing them: PATCH /api/teams/<id>'s answer). */
export const keepTeamSettings = (app, team) => setMeta(app.db, teamSettingsKey(team.id), pickSettings(team));

/**
 * The team's settings (contracted hours per week for "% of contracted hours"; the board's vision
 * statement and huddle day and time), as last read from
 * the server; refreshed in the background when online. `onChange` runs if the server's copy differs.
 */
export async function teamSettings(app, teamId, onChange) {
  const key = teamSettingsKey(teamId);
  const cached = (await getMeta(app.db, key)) || null;
  if (navigator.onLine && app.transport) {
    app.transport.request('GET', `/api/teams/${encodeURIComponent(teamId)}`).then(async (res) => {
      if (res.status !== 200 || !res.body) return;
      const next = pickSettings(res.body);
      if (JSON.stringify(next) === JSON.stringify(cached)) return;
      await setMeta(app.db, key, next);
      onChange?.(next);
    }).catch(() => {});
  }
  return cached || pickSettings({});
}

/** An authenticated request the JSON transport cannot make (files in or out). */
export async function rawFetch(app, method, path, body) {
  const session = await getMeta(app.db, META.SESSION);
  return fetch(path, {
    method, body, cache: 'no-store',
    headers: session?.token ? { Authorization: `Bearer ${session.token}` } : {},
  });
}
