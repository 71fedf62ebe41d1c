// The notifications inbox: what the server told the user (a milestone reached, a new signal, a box
// score or huddle gone quiet, actions overdue), newest first, the unread marked. Tapping one marks it
// read and opens what it is about. It works in every browser, pushes or not; it is kept on the server,
// so offline it shows the list as last read here. Loaded with import().
import { h, link, plural } from '../ui/h.js';
import { formatTime } from '../lib/dates.js';
import { FlashMessage } from '../ui/flash.js';
import { fetchInbox, cachedInbox, markRead, unreadCount } from '../data/inbox.js';

export async function InboxScreen(app) {
  const fresh = await fetchInbox(app);
  const inbox = fresh || (await cachedInbox(app));
  const list = inbox.notifications;
  const unread = unreadCount(list);
  let note = '';
  if (!fresh) {
    const when = inbox.fetched_at ? [' This is the list as it was at ', h('time', { datetime: inbox.fetched_at }, formatTime(inbox.fetched_at)), '.'] : '';
    note = h('p', { class: 'warning', 'data-testid': 'inbox-stale' }, navigator.onLine
      ? 'Your notifications could not be read from the server. Try again in a moment.'
      : 'You are offline. Your notifications are kept on the server: connect to the internet to see new ones.', when);
  }
  return h('div', { class: 'narrow' },
    FlashMessage(app),
    h('h1', null, 'Notifications'),
    note,
    list.length
      ? [h('p', { 'data-testid': 'inbox-summary' }, unread ? `${plural(unread, 'notification')} you have not read yet.` : 'You have read them all.'),
        h('ul', { class: 'cards', 'data-testid': 'inbox' }, list.map((n) => item(app, n)))]
      : inbox.fetched_at || fresh ? h('p', null, 'Nothing yet. When one of your teams reaches a milestone, or its box score, huddles or actions need a look, it is listed here.') : '',
    h('p', null, link('/notifications/settings', 'Choose which notifications you get', { class: 'block-link' })));
}

function item(app, n) {
  const read = !!n.read_at;
  // Only a path of the app: an address from the server is never followed elsewhere.
  const href = typeof n.url === 'string' && n.url.startsWith('/') && !n.url.startsWith('//') ? n.url : '/';
  const open = async (e) => {
    e.preventDefault();
    if (!read) await markRead(app, n.id);
    app.navigate(href);
  };
  return h('li', { class: `card notice${read ? '' : ' notice--unread'}`, 'data-read': read ? 'yes' : 'no', 'data-id': n.id },
    h('h2', { class: 'card__title' },
      h('a', { href, class: 'notice__link', onclick: open }, n.title),
      read ? '' : [' ', h('span', { class: 'tag tag--new' }, 'New')]),
    n.body ? h('p', null, n.body) : '',
    h('p', { class: 'notice__when' }, h('time', { datetime: n.created_at }, formatTime(n.created_at))));
}
