// The team's time-lost categories (synced collection `time_lost_categories`): rename keeps the
// old name in former_names so entries logged under it still count for the category (box score).
import { listRecords } from '../records.js';
import { upsert } from '../write.js';
import { uuid5 } from '../lib/uuid5.js';
import { timeLostCategories } from '../collections/time-lost-categories.js';
import defaults from '../../../spec/default_time_lost_categories.json' with { type: 'json' };

// The categories a team logs under until its lead edits the list: the one list the server reads
// too (spec/default_time_lost_categories.json, bundled by esbuild).
export const DEFAULT_CATEGORIES = Object.freeze([...defaults.categories]);

// Record ids of the default categories are uuid5(this, "<team_id>/<name>"): two leads who start
// editing the list offline on two devices create the same records instead of two copies. The server
// accepts such an id only for its own team, so it computes the same (the namespace is in spec/ too).
export const DEFAULT_CATEGORY_NAMESPACE = defaults.record_id_namespace;
export const defaultCategoryId = (teamId, name) => uuid5(DEFAULT_CATEGORY_NAMESPACE, `${teamId}/${name}`);

/** The fields a rename writes: the new name, and the old one kept (once) in former_names. */
export function renameFields(category, newName) {
  const name = newName.trim();
  const former = (category.former_names || []).filter((n) => n !== name);
  if (category.name && category.name !== name && !former.includes(category.name)) former.push(category.name);
  return { name, former_names: former };
}

/** Sort for display: position, then name. */
export const byPosition = (a, b) => (a.position ?? 0) - (b.position ?? 0) || String(a.name).localeCompare(String(b.name));

/** Every category record of the team (archived too), sorted; [] if the team has none yet. */
export async function categoryRecords(db, teamId) {
  const rows = await listRecords(db, timeLostCategories.name, teamId);
  return rows.map((r) => ({ ...r.data, id: r.id, pending: r.pending })).filter((c) => c.name).sort(byPosition);
}

/** Moving item `index` by `delta` places: the [id, position] pairs to write (positions 0, 1, 2…). */
export function reorder(list, index, delta) {
  const to = index + delta;
  if (to < 0 || to >= list.length) return [];
  const next = [...list];
  const [moved] = next.splice(index, 1);
  next.splice(to, 0, moved);
  return next.map((c, i) => [c.id, i]).filter(([id, i]) => (list.find((c) => c.id === id).position ?? -1) !== i);
}

/**
 * Before a lead's first change, write the defaults the team has been using as real records,
 * so renaming or reordering them works and nothing disappears from the quick-log.
 */
export async function ensureCategories(app, teamId) {
  const existing = await categoryRecords(app.db, teamId);
  if (existing.length) return existing;
  for (const [i, name] of DEFAULT_CATEGORIES.entries()) {
    await upsert(app.db, app.session, timeLostCategories.name, defaultCategoryId(teamId, name),
      { team_id: teamId, name, former_names: [], position: i, archived: false });
  }
  return categoryRecords(app.db, teamId);
}
