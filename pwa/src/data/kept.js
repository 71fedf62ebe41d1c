// Figures only the server can put together (a coach's caseload across a dozen teams in several
// boards, a team's fidelity over weeks of history no device keeps whole): read when online and kept
// in meta with the time they were read, so the page still shows offline and says how old it is.
import { getMeta, setMeta } from '../db.js';
import { nowIso } from '../lib/clock.js';

/**
 * GET `path` and keep the answer under `key`. Returns {body, fetched_at, fresh} — `fresh` false when
 * the server could not be asked (offline, or no answer) and the kept copy is shown (body null if none
 * was ever kept) — or {refused: {status, message}} when the server said no (a 4xx), nothing kept shown.
 */
export async function readKept(app, key, path) {
  if (navigator.onLine && app.transport) {
    const res = await app.transport.request('GET', path).catch(() => null);
    if (res?.status === 200) {
      const kept = { body: res.body, fetched_at: nowIso() };
      await setMeta(app.db, key, kept);
      return { ...kept, fresh: true };
    }
    if (res && res.status >= 400 && res.status < 500 && res.status !== 401) {
      return { refused: { status: res.status, message: res.body?.error?.message || 'The server refused to show this.' } };
    }
  }
  const kept = await getMeta(app.db, key);
  return { body: kept?.body ?? null, fetched_at: kept?.fetched_at ?? null, fresh: false };
}

/**
 * What is kept under `key` at once ({body, fetched_at}, body null if nothing yet), for a screen that
 * must not wait for the network (the home screen); `path` is read again in the background when
 * online and kept, and `onChange(fresh, shown)` runs if the server's answer differs from what was shown.
 */
export async function keptInBackground(app, key, path, onChange) {
  const kept = (await getMeta(app.db, key)) || { body: null, fetched_at: null };
  if (navigator.onLine && app.transport) {
    app.transport.request('GET', path).then(async (res) => {
      if (res?.status !== 200) return;
      await setMeta(app.db, key, { body: res.body, fetched_at: nowIso() });
      if (JSON.stringify(res.body) !== JSON.stringify(kept.body)) onChange?.(res.body, kept.body);
    }).catch(() => {});
  }
  return kept;
}
