// Who may do what in a team (mirrors server/measures/collections.py and
// server/capacity/collections.py), and the team settings the box score needs offline.
import { getMeta, setMeta } from '../db.js';
import { META, teamSettingsKey } from '../meta-keys.js';

/** 'lead' | 'member' | 'coach' | 'admin' | null for the current user in `teamId`. */
export function teamRole(app, teamId = app.teamId) {
  const me = app.me || {};
  if (me.role === 'admin') return 'admin';
  const member = (me.teams || []).find((t) => t.id === teamId);
  if (member) return member.role === 'lead' ? 'lead' : 'member';
  if ((me.coached_teams || []).some((t) => t.id === teamId)) return 'coach';
  return null;
}

export function currentTeam(app) {
  const me = app.me || {};
  return [...(me.teams || []), ...(me.coached_teams || [])].find((t) => t.id === app.teamId) || null;
}

/** Leads and coaches define the box score (measures; importing values). */
export const canEditMeasures = (app, teamId) => ['lead', 'coach', 'admin'].includes(teamRole(app, teamId));
/** The board's aims are set by those who define the box score (server: Access.can_set_board_aims). */
export const canSetBoardAims = canEditMeasures;
/** Everyone who works on the box score in the huddle enters weekly values. */
export const canEnterValues = (app, teamId) => teamRole(app, teamId) !== null;
/** Huddles, their notes, ideas and actions: members and coaches of the team, and admins (server:
 * Access.can_take_part). */
export const canTakePart = (app, teamId) => teamRole(app, teamId) !== null;
/** Deleting one of those: its author, the team's leads, and admins (Access.can_remove_contribution). */
export const canRemoveContribution = (app, teamId, authorId) => {
  const role = teamRole(app, teamId);
  return role === 'lead' || role === 'admin' || (role !== null && !!authorId && authorId === app.me?.id);
};
/** Leads keep the team's list of time-lost categories. */
export const canEditCategories = (app, teamId) => ['lead', 'admin'].includes(teamRole(app, teamId));

/**
 * The team's settings (contracted hours per week for "% of contracted hours"), as last read from
 * the server; refreshed in the background when online. `onChange` runs if the server's copy differs.
 */
export async function teamSettings(app, teamId, onChange) {
  const key = teamSettingsKey(teamId);
  const cached = (await getMeta(app.db, key)) || null;
  if (navigator.onLine && app.transport) {
    app.transport.request('GET', `/api/teams/${encodeURIComponent(teamId)}`).then(async (res) => {
      if (res.status !== 200 || !res.body) return;
      const next = { contracted_hours_per_week: res.body.contracted_hours_per_week ?? null, name: res.body.name };
      if (JSON.stringify(next) === JSON.stringify(cached)) return;
      await setMeta(app.db, key, next);
      onChange?.(next);
    }).catch(() => {});
  }
  return cached || { contracted_hours_per_week: null };
}

/** An authenticated request the JSON transport cannot make (files in or out). */
export async function rawFetch(app, method, path, body) {
  const session = await getMeta(app.db, META.SESSION);
  return fetch(path, {
    method, body, cache: 'no-store',
    headers: session?.token ? { Authorization: `Bearer ${session.token}` } : {},
  });
}
