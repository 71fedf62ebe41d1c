// What the board reads of the team's improvement work on this device (offline too): its ideas by
// status. (Open actions, overdue first, are data/huddles.js's openActions.)
import { listRecords } from '../records.js';
import { ideas, IDEA_STATUSES } from '../collections/improvement.js';

/**
 * When an idea last moved, as a sortable HLC: a change still waiting on this device is the newest;
 * else the hlc of its status (of any field when the server sent none).
 */
function movedAt(r) {
  if (r.pending) return '\uffff';
  const hlcs = r.server?.hlcs || {};
  return hlcs.status || Object.values(hlcs).sort().at(-1) || '';
}

/** {status: [idea…]} for every status of the kanban, each list newest move first. */
export async function ideasByStatus(db, teamId) {
  const rows = (await listRecords(db, ideas.name, teamId)).filter((r) => r.data.title)
    .map((r) => ({ ...r.data, id: r.id, moved: movedAt(r) }))
    .sort((a, b) => (a.moved < b.moved ? 1 : a.moved > b.moved ? -1 : 0));
  const out = Object.fromEntries(Object.keys(IDEA_STATUSES).map((s) => [s, []]));
  for (const idea of rows) out[idea.status ?? 'new']?.push(idea);
  return out;
}
