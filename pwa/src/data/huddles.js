// What huddle mode and the huddle summary read from the team's records on this device (offline
// too): the team's huddles, one huddle's notes, the ideas and actions it produced, the actions
// still open, the box score's new signals, how long the huddle has run, and the summary as text.
import { listRecords, getRecord } from '../records.js';
import { getMeta, setMeta, recordIndex } from '../db.js';
import { huddleStartedKey } from '../meta-keys.js';
import { huddles, huddleNotes, STEPS } from '../collections/huddles.js';
import { ideas, actions, isOverdue, ACTION_STATUSES } from '../collections/improvement.js';
import { teamsOf } from './team.js';
import { now, today, londonDay, londonTime } from '../lib/clock.js';
import { addDays, formatDay, longDay } from '../lib/dates.js';
import { shortWeek, VARIATION_WORDS, SIDE_WORDS } from '../lib/measure-text.js';

/** The huddle's planned length: the timer's warning comes two minutes before its end. */
export const HUDDLE_MINUTES = 15;
export const WARNING_MINUTES = 13;
/** A team's huddle day, as the server names it (server/organisations/models.py WEEKDAYS). */
export const HUDDLE_DAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];

// Version 7 ids sort by the time they were made, on whichever device: notes read in the order written.
const byId = (a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
const shown = (r) => ({ ...r.data, id: r.id, pending: r.pending });

/** The team's huddles, the latest first. */
export async function teamHuddles(db, teamId) {
  const rows = (await listRecords(db, huddles.name, teamId)).map(shown);
  return rows.sort((a, b) => (b.held_on || '').localeCompare(a.held_on || '') || byId(b, a));
}

/** The huddle the team holds today, if one was started (on any device that has synced it): the
 * first started, so two devices that each started one resume the same one. */
export async function todaysHuddle(db, teamId) {
  const on = today();
  return (await teamHuddles(db, teamId)).filter((x) => x.held_on === on).sort(byId)[0] || null;
}

export async function huddleOf(db, teamId, huddleId) {
  const r = await getRecord(db, huddles.name, huddleId);
  return r && !r.deleted && r.team_id === teamId ? shown(r) : null;
}

/** One huddle's notes (every device's that this one has), oldest first. */
export async function notesOf(db, huddleId) {
  const rows = await db.getAllFromIndex('records', recordIndex(huddleNotes.name, 'huddle'), [huddleNotes.name, huddleId]);
  return rows.filter((r) => !r.deleted).map(shown).sort(byId);
}

/** The ideas and actions a huddle produced (linked to it by huddle_id). */
export async function outcomesOf(db, teamId, huddleId) {
  const [ideaRows, actionRows] = await Promise.all([listRecords(db, ideas.name, teamId), listRecords(db, actions.name, teamId)]);
  const linked = (rows) => rows.map(shown).filter((x) => x.huddle_id === huddleId).sort(byId);
  return { ideas: linked(ideaRows), actions: linked(actionRows) };
}

/** The team's ideas being tested (the "tests of change" step). */
export async function ideasInTesting(db, teamId) {
  return (await listRecords(db, ideas.name, teamId)).map(shown).filter((x) => x.status === 'testing').sort(byId);
}

/** The team's open actions, overdue first, then by due date (none last). */
export async function openActions(db, teamId) {
  const on = today();
  const rows = (await listRecords(db, actions.name, teamId)).map(shown).filter((a) => (a.status ?? 'open') === 'open');
  const rank = (a) => [isOverdue(a, on) ? 0 : 1, a.due_on || '9999-12-31'];
  return rows.sort((a, b) => {
    const [x, y] = [rank(a), rank(b)];
    return x[0] - y[0] || x[1].localeCompare(y[1]) || byId(a, b);
  });
}

/**
 * The box score's new signals since last week: each measure whose value this week or last week
 * (the weeks since last week's huddle) is special cause variation, with the latest such point.
 * `score` is data/boxscore.js's localBoxScore.
 */
export function newSignals(score) {
  const recent = new Set(score.weeks.slice(-2));
  return score.groups.flatMap((g) => g.measures).flatMap((measure) => {
    const point = measure.analysis.points.filter((p) => p.special && recent.has(p.week_start)).at(-1);
    return point ? [{ measure, point }] : [];
  });
}

/** "Special cause: improving (high), week of 19 Oct". */
export function signalText({ point }) {
  const side = point.signal_side ? ` (${SIDE_WORDS[point.signal_side]})` : '';
  return `${VARIATION_WORDS[point.signal]}${side}, week of ${shortWeek(point.week_start)}`;
}

/**
 * When the huddle's timer started, in epoch ms: as this device first saw it start (kept, so the
 * timer keeps counting across a reload, offline too), else when the server first had the huddle
 * if that was today (a second device joining), else now.
 */
export async function huddleStartedAt(db, huddle) {
  const key = huddleStartedKey(huddle.id);
  const kept = await getMeta(db, key);
  if (kept) return kept;
  const created = huddle.created_at ? Date.parse(huddle.created_at) : NaN;
  const started = Number.isFinite(created) && londonDay(created) === huddle.held_on ? created : now();
  await setMeta(db, key, started);
  return started;
}

/** Remember that this device started the huddle's timer now. */
export function startTimer(db, huddleId) {
  return setMeta(db, huddleStartedKey(huddleId), now());
}

/** Whole minutes the huddle has run by now, as its duration (1 to 120, the server's range). */
export function minutesSince(startedAt) {
  return Math.min(120, Math.max(1, Math.round((now() - startedAt) / 60000)));
}

const yes = (v, what) => `${v ? 'a' : 'no'} ${what}`;

/** Attendance in words: "8 people (a manager, no finance colleague)". */
export function attendanceText(huddle) {
  const n = huddle.attendee_count ?? 0;
  return `${n} ${n === 1 ? 'person' : 'people'} (${yes(huddle.manager_present, 'manager')}, ${yes(huddle.finance_present, 'finance colleague')})`;
}

/** Who, when and how an action stands: "owner: Sam Lead; due Thu 29 Oct; overdue". */
export function actionDetails(action, nameOf) {
  const parts = [
    action.owner_user_id ? `owner: ${nameOf(action.owner_user_id)}` : 'no owner yet',
    action.due_on ? `due ${formatDay(action.due_on)}` : 'no due date',
  ];
  if ((action.status ?? 'open') !== 'open') parts.push(ACTION_STATUSES[action.status]?.toLowerCase() || action.status);
  else if (isOverdue(action)) parts.push('overdue');
  return parts.join('; ');
}

/** An action in words: "Order a second hoist (owner: Sam Lead; due Thu 29 Oct; overdue)". */
export const actionText = (action, nameOf) => `${action.title} (${actionDetails(action, nameOf)})`;

/** The team's name as the device knows it (GET /api/me's teams). */
export function teamNameOf(app, teamId) {
  return teamsOf(app.me).find((t) => t.id === teamId)?.name || 'Your team';
}

/** Names a person by user id: the device knows only its own user's name. */
export function personNamer(app) {
  return (userId) => (userId === app.me?.id ? app.me.name || 'you' : 'someone in the team');
}

/**
 * The summary as plain text, to paste into an email. `nameOf(userId)` names a person.
 */
export function summaryText({ teamName, huddle, notes, ideas: raised, actions: agreed, nameOf }) {
  const lines = [
    `Huddle${teamName ? ` of ${teamName}` : ''}, ${longDay(huddle.held_on)}`,
    '',
    `Who came: ${attendanceText(huddle)}`,
    `Facilitated by: ${huddle.facilitator_user_id ? nameOf(huddle.facilitator_user_id) : 'not recorded'}`,
    `How long it took: ${huddle.duration_minutes ? `${huddle.duration_minutes} minutes` : 'not finished yet'}`,
  ];
  for (const { step, title } of STEPS) {
    const stepNotes = notes.filter((n) => n.step === step);
    lines.push('', title, ...(stepNotes.length ? stepNotes.map((n) => `- ${n.text.replace(/\s*\n\s*/g, ' / ')}`) : ['- No notes']));
  }
  lines.push('', 'Ideas raised', ...(raised.length ? raised.map((i) => `- ${i.title}`) : ['- None']));
  lines.push('', 'Actions agreed', ...(agreed.length ? agreed.map((a) => `- ${actionText(a, nameOf)}`) : ['- None']));
  return `${lines.join('\n')}\n`;
}

const minutesOf = (hhmm) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/**
 * The London day ("2026-10-27") of the team's next huddle, held weekly on `day` ('tuesday') at
 * `time` ('14:00', London; unknown: the whole day): today until today's has had its 15 minutes, else
 * the coming one. Null when the team has no huddle day.
 */
export function nextHuddleDay(day, time, at = now()) {
  if (!HUDDLE_DAYS.includes(day)) return null;
  const on = londonDay(at);
  let ahead = (HUDDLE_DAYS.indexOf(day) - (new Date(`${on}T12:00:00Z`).getUTCDay() + 6) % 7 + 7) % 7;
  if (!ahead && time && minutesOf(time) + HUDDLE_MINUTES <= minutesOf(londonTime(at))) ahead = 7;
  return addDays(on, ahead);
}
