// What the ideas, PICK chart, idea and actions screens read from the team's records on this device
// (offline too), an idea card's recent moves, and moving a card; and the board's ideas by status.
import { listRecords, getRecord, baseHlcs } from '../records.js';
import { upsert } from '../write.js';
import { parseHlc, clientOf } from '../sync/hlc.js';
import { ideas, pdsaCycles, actions, isOverdue, IDEA_STATUSES } from '../collections/improvement.js';
import { now, today } from '../lib/clock.js';

// Version 7 ids sort by the time they were made, on whichever device.
const byId = (a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
/** A record as the screens show it, with what a card's history needs of its server copy. */
const shown = (r) => ({
  ...r.data, id: r.id, pending: r.pending,
  synced: r.server ? { status: r.server.record?.status, statusHlc: baseHlcs(r.server).status, raisedHlc: baseHlcs(r.server).raised_on } : null,
});

export const STATUS_ORDER = Object.keys(IDEA_STATUSES);

/** The team's ideas, oldest first (a column reads in the order its ideas were raised). */
export async function teamIdeas(db, teamId) {
  return (await listRecords(db, ideas.name, teamId)).map(shown).sort(byId);
}

/** One idea of the team, or null (deleted, another team's, not on this device). */
export async function ideaOf(db, teamId, ideaId) {
  const r = await getRecord(db, ideas.name, ideaId);
  return r && !r.deleted && r.team_id === teamId ? shown(r) : null;
}

/** An idea's PDSA cycles, the latest started first. */
export async function cyclesOf(db, teamId, ideaId) {
  return (await listRecords(db, pdsaCycles.name, teamId)).map(shown).filter((c) => c.idea_id === ideaId)
    .sort((a, b) => (b.started_on || '').localeCompare(a.started_on || '') || byId(b, a));
}

export async function cycleOf(db, teamId, cycleId) {
  const r = await getRecord(db, pdsaCycles.name, cycleId);
  return r && !r.deleted && r.team_id === teamId ? shown(r) : null;
}

/** Open actions first (overdue, then by due date, none last), then done and dropped ones. */
export function byUrgency(list, on = today()) {
  const rank = (a) => [(a.status ?? 'open') === 'open' ? 0 : 1, isOverdue(a, on) ? 0 : 1, a.due_on || '9999-12-31'];
  return list.sort((a, b) => {
    const [x, y] = [rank(a), rank(b)];
    return x[0] - y[0] || x[1] - y[1] || x[2].localeCompare(y[2]) || byId(a, b);
  });
}

export async function teamActions(db, teamId) {
  return byUrgency((await listRecords(db, actions.name, teamId)).map(shown));
}

export async function actionOf(db, teamId, actionId) {
  const r = await getRecord(db, actions.name, actionId);
  return r && !r.deleted && r.team_id === teamId ? shown(r) : null;
}

/** Overdue open actions per idea id: what a kanban card flags. */
export function overdueByIdea(actionList, on = today()) {
  const counts = new Map();
  for (const a of actionList) if (a.idea_id && isOverdue(a, on)) counts.set(a.idea_id, (counts.get(a.idea_id) || 0) + 1);
  return counts;
}

/** Moves of this user's that another device's move overwrote (the sync conflict log), by idea id. */
export async function overwrittenMoves(db) {
  const byIdea = new Map();
  for (const c of await db.getAll('conflicts')) {
    if (c.collection !== ideas.name || c.field !== 'status') continue;
    if (!byIdea.has(c.record_id)) byIdea.set(c.record_id, []);
    byIdea.get(c.record_id).push(c);
  }
  return byIdea;
}

const millisOf = (hlc) => {
  try { return parseHlc(hlc).millis; } catch { return null; }
};
const deviceOf = (hlc) => {
  try { return clientOf(hlc); } catch { return null; }
};
const column = (status) => IDEA_STATUSES[status] || status;

/**
 * An idea's recent moves, newest first: {text, at (epoch ms or null), overwritten}. From what this
 * device knows: its own move still waiting to sync, the move the team's copy shows, and moves of
 * this user's that another device's move overwrote.
 */
export function moveHistory(idea, overwritten = [], deviceId = null, limit = 3) {
  const where = (device) => (device && device === deviceId ? 'on this device' : 'on another device');
  const whose = (device) => (device && device === deviceId ? 'this device’s' : 'another device’s');
  const moves = [];
  if (idea.pending && idea.status !== idea.synced?.status) {
    moves.push({ text: `Moved to ${column(idea.status)} on this device, waiting to sync`, at: now(), overwritten: false });
  }
  if (idea.synced?.status && idea.synced.statusHlc) {
    const raised = idea.synced.statusHlc === idea.synced.raisedHlc;
    moves.push({
      text: `${raised ? 'Raised in' : 'Moved to'} ${column(idea.synced.status)} ${where(deviceOf(idea.synced.statusHlc))}`,
      at: millisOf(idea.synced.statusHlc), overwritten: false,
    });
  }
  for (const c of overwritten) {
    moves.push({
      text: `Moved to ${column(c.lost_value)} ${where(c.lost_by_client_id)}, overwritten by ${whose(deviceOf(c.kept_hlc))} move to ${column(c.kept_value)}`,
      at: millisOf(c.lost_hlc), overwritten: true,
    });
  }
  return moves.sort((a, b) => (b.at ?? 0) - (a.at ?? 0)).slice(0, limit);
}

/** Move an idea to another column. Never refused: a card may go back as freely as forward. */
export function moveIdea(app, ideaId, status) {
  return upsert(app.db, app.session, ideas.name, ideaId, { status });
}

/**
 * When an idea last moved, as a sortable HLC: a change still waiting on this device is the newest;
 * else the hlc of its status (of any field when the server sent none).
 */
function movedAt(r) {
  if (r.pending) return '\uffff';
  const hlcs = baseHlcs(r.server);
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
