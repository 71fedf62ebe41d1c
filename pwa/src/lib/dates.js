// Dates as the team sees them: Europe/London calendar days (today comes from ./clock.js), ISO
// weeks Monday to Sunday.
import { now, today, londonDay } from './clock.js';

export function addDays(isoDate, days) {
  const d = new Date(`${isoDate}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

export function weekStart(isoDate) {
  const dow = (new Date(`${isoDate}T12:00:00Z`).getUTCDay() + 6) % 7; // Monday = 0
  return addDays(isoDate, -dow);
}

export function formatDay(isoDate, ref = today()) {
  if (ref && isoDate === ref) return 'Today';
  if (ref && isoDate === addDays(ref, -1)) return 'Yesterday';
  return new Date(`${isoDate}T12:00:00Z`).toLocaleDateString('en-GB', { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' });
}

/** "Thursday 22 October 2026": a day in a heading or a printed summary. */
/** "Thursday 22 October 2026", or without the year where the week in view makes it plain. */
export function longDay(isoDate, { withYear = true } = {}) {
  // In two parts: browsers differ on a comma after the weekday.
  const day = new Date(`${isoDate}T12:00:00Z`);
  const part = (options) => day.toLocaleDateString('en-GB', { ...options, timeZone: 'UTC' });
  return `${part({ weekday: 'long' })} ${part({ day: 'numeric', month: 'long', ...(withYear ? { year: 'numeric' } : {}) })}`;
}

/** A day inside a sentence: "today", "yesterday" or "on Thu 3 Dec". */
export function dayPhrase(isoDate, ref = today()) {
  const day = formatDay(isoDate, ref);
  return isoDate === ref || isoDate === addDays(ref, -1) ? day.toLowerCase() : `on ${day}`;
}

export function formatMinutes(total) {
  const h = Math.floor(total / 60);
  const m = total % 60;
  if (!h) return `${m} min`;
  return m ? `${h} h ${m} min` : `${h} h`;
}

// Made once: toLocaleString makes a formatter per call, which a board of 300 cards feels.
let timeFormats;

export function formatTime(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  timeFormats ||= [{ hour: '2-digit', minute: '2-digit' }, { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' }]
    .map((options) => new Intl.DateTimeFormat('en-GB', options));
  return timeFormats[londonDay(d) === today() ? 0 : 1].format(d);
}

/** How long ago an instant (ISO 8601) was, in words: "less than a minute ago", "2 minutes ago", "3 hours ago". */
export function timeAgo(iso, at = now()) {
  const minutes = Math.max(0, Math.floor((at - Date.parse(iso)) / 60000));
  const [n, unit] = minutes < 60 ? [minutes, 'minute'] : minutes < 48 * 60 ? [Math.floor(minutes / 60), 'hour'] : [Math.floor(minutes / 1440), 'day'];
  return n ? `${n} ${unit}${n === 1 ? '' : 's'} ago` : 'less than a minute ago';
}
