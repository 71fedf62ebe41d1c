// The people of a team, as this device last read them from the server: who an action's owner is,
// offline too. Apart from ./team.js so that only the screens that name people load it.
import { getMeta, setMeta } from '../db.js';
import { teamPeopleKey } from '../meta-keys.js';

/**
 * The team's members and coaches ([{user_id, name}], by name), as last read from the server, so an
 * action's owner reads as a name offline; refreshed in the background when online. `onChange` runs
 * if the server's list differs.
 */
export async function teamPeople(app, teamId, onChange) {
  const key = teamPeopleKey(teamId);
  const cached = (await getMeta(app.db, key)) || null;
  if (navigator.onLine && app.transport) {
    app.transport.request('GET', `/api/teams/${encodeURIComponent(teamId)}/members`).then(async (res) => {
      if (res.status !== 200 || !res.body) return;
      const seen = new Set();
      const next = [...(res.body.members || []), ...(res.body.coaches || [])]
        .filter((p) => !seen.has(p.user_id) && seen.add(p.user_id))
        .map((p) => ({ user_id: p.user_id, name: p.name }))
        .sort((a, b) => a.name.localeCompare(b.name));
      if (JSON.stringify(next) === JSON.stringify(cached)) return;
      await setMeta(app.db, key, next);
      onChange?.(next);
    }).catch(() => {});
  }
  const people = [...(cached || [])];
  // The device always knows its own user, even before the list was first read.
  if (app.me?.id && !people.some((p) => p.user_id === app.me.id)) people.push({ user_id: app.me.id, name: app.me.name || 'You' });
  return people;
}
