// The sync status bar: online/offline, what is waiting, when we last synced. The main
// message sits in a polite live region so screen readers hear changes, not every tick.
import { h, plural, link } from './h.js';
import { formatTime } from '../lib/dates.js';

/** "2 changes need attention": changes the server refused, kept on the device until fixed or discarded. */
export function attentionMessage(status) {
  return status.rejected ? `${plural(status.rejected, 'change')} ${status.rejected === 1 ? 'needs' : 'need'} attention` : '';
}

// One true thing: "saved" only when nothing is waiting and nothing was refused.
export function statusMessage(status, online) {
  if (status.state === 'signed_out') return 'Signed out';
  if (status.state === 'update_needed') return `Update needed before ${plural(status.pending, 'change')} can sync`;
  if (status.state === 'failed' && status.pending) return `Sync failed — will retry. ${plural(status.pending, 'change')} waiting to sync`;
  if (status.state === 'failed') return 'Sync failed — will retry';
  if (status.state === 'syncing' && status.progress?.total) {
    // A first sync runs behind the screens (logging works meanwhile): say how far it is, honestly.
    const percent = Math.min(99, Math.floor((100 * status.progress.done) / status.progress.total));
    const waiting = status.pending ? ` · ${plural(status.pending, 'change')} waiting to sync` : '';
    return `Downloading your team's data: ${percent}%${waiting}`;
  }
  if (status.pending) return `${plural(status.pending, 'change')} waiting to sync`;
  if (status.state === 'syncing') return 'Syncing…';
  if (status.rejected) return attentionMessage(status);
  if (!status.lastSyncAt) return online ? 'Not synced yet' : 'Offline — not synced yet';
  return 'All changes saved to the server';
}

export function StatusBar(app) {
  const dot = h('span', { class: 'status__dot', 'aria-hidden': 'true' });
  const net = h('span', { class: 'status__net' });
  const msg = h('span', { class: 'status__msg', role: 'status', 'aria-live': 'polite', 'data-testid': 'sync-status' });
  const when = h('span', { class: 'status__when' });
  const extra = h('span', { class: 'status__extra' });
  const retry = h('button', { type: 'button', class: 'button button--small button--secondary', onclick: () => app.syncNow('manual') }, 'Sync now');
  const el = h('div', { class: 'status', 'data-testid': 'status-bar' }, h('div', { class: 'width' }, dot, net, msg, when, extra, retry));
  let lastText = '';
  function update() {
    const s = app.status;
    const online = navigator.onLine;
    el.dataset.online = online ? 'yes' : 'no';
    el.dataset.state = s.state;
    net.textContent = online ? 'Online' : 'Offline';
    const text = statusMessage(s, online);
    const attention = attentionMessage(s);
    // The refused changes are the message itself when nothing else is going on, else a link beside it.
    if (text !== lastText) msg.replaceChildren(text === attention ? link('/attention', text, { class: 'status__link' }) : text);
    lastText = text;
    // The exact time rides along in <time datetime>, for whoever (or whatever) needs more than the minute.
    when.replaceChildren(...(s.lastSyncAt ? ['Last sync ', h('time', { datetime: s.lastSyncAt, 'data-testid': 'last-sync' }, formatTime(s.lastSyncAt))] : []));
    extra.replaceChildren(attention && text !== attention ? link('/attention', attention, { class: 'status__link' }) : '');
    el.hidden = !app.session;
    // Syncing runs by itself; the button is for the moment before a huddle, or after a failure.
    retry.hidden = !online || ['syncing', 'signed_out', 'update_needed'].includes(s.state);
  }
  update();
  return { el, update };
}
