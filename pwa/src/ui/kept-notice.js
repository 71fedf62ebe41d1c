// What a page of server-kept figures (data/kept.js) says when it shows the copy it kept: offline, or
// the server did not answer, and how old the figures are.
import { h } from './h.js';
import { formatTime } from '../lib/dates.js';

export function keptNotice(kept, what) {
  if (kept.fresh) return '';
  const when = kept.fetched_at
    ? [` This is ${what} as it was at `, h('time', { datetime: kept.fetched_at }, formatTime(kept.fetched_at)), '.']
    : ` ${what[0].toUpperCase()}${what.slice(1)} has not been read on this device yet.`;
  return h('p', { class: 'warning', 'data-testid': 'kept-notice' },
    navigator.onLine ? 'The server could not be reached. Try again in a moment.' : 'You are offline.', when);
}
