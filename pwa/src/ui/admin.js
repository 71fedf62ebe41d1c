// Controls the /admin screens share: the offline page, a search over people, a link to pass on, a
// button that asks twice. Their requests: data/admin.js.
import { h } from './h.js';
import { isAdmin, searchPeople, ROLE_WORDS } from '../data/admin.js';

/** The page to show instead when the device is offline: these screens need the server. */
export function offlinePage(title) {
  return h('div', { class: 'narrow' }, h('h1', null, title),
    h('p', { class: 'warning', 'data-testid': 'needs-connection' },
      'You are offline. Administration is kept on the server, not on this device: connect to the internet to use it.'));
}

/**
 * A search box over people: results appear as the admin types (a quarter of a second after the last
 * key, so 2,000 people are never listed at once), with "Show more" for the next page. `actions(user)`
 * gives the buttons of each result.
 */
export function PeopleSearch(app, { id = 'people-search', label = 'Find a person by name or email', actions }) {
  const input = h('input', { class: 'input', type: 'search', id, autocomplete: 'off', spellcheck: 'false', 'aria-describedby': `${id}-hint` });
  const status = h('p', { class: 'hint-text', role: 'status', id: `${id}-status` });
  const list = h('ul', { class: 'admin-results', 'data-testid': `${id}-results` });
  const more = h('button', { type: 'button', class: 'button button--secondary button--small', hidden: true }, 'Show more');
  let next = null;
  let seq = 0;
  let timer = null;
  const run = async (append) => {
    const mine = ++seq;
    const found = await searchPeople(app, { q: input.value.trim(), cursor: append ? next : '' });
    if (mine !== seq) return; // a newer search is on its way
    if (found.problem) status.textContent = found.problem;
    next = found.next;
    more.hidden = !next;
    const items = found.users.map((u) => h('li', { class: 'admin-result', 'data-user': u.id },
      h('span', null, h('strong', null, u.name), ' ', h('span', { class: 'hint-text' }, u.email), ' ',
        h('span', { class: 'tag tag--muted' }, ROLE_WORDS[u.role] || u.role), u.active === false ? [' ', h('span', { class: 'tag tag--waiting' }, 'Deactivated')] : ''),
      h('span', { class: 'button-group' }, actions(u))));
    if (append) list.append(...items);
    else list.replaceChildren(...items);
    if (!found.problem) status.textContent = list.children.length ? `${list.children.length}${next ? '+' : ''} found` : 'Nobody found.';
  };
  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => run(false), 250);
  });
  more.addEventListener('click', () => run(true));
  run(false);
  return h('div', { class: 'form-group admin-search' },
    h('label', { class: 'label', for: id }, label),
    h('p', { class: 'hint-text', id: `${id}-hint` }, isAdmin(app) ? 'Type part of a name or an email address.'
      : 'Type part of a name or an email address of someone in your board, or the whole email address of anyone else.'),
    input, status, list, more);
}

/** A link someone must be given (an invitation or a password reset), with a Copy button. */
export function LinkToPassOn(invitation, who) {
  const copied = h('p', { class: 'hint-text', role: 'status' });
  const field = h('input', { class: 'input', id: 'pass-on-link', readonly: true, value: invitation.url, 'data-testid': 'invitation-url' });
  const expires = new Date(invitation.expires_at).toLocaleString('en-GB', { dateStyle: 'long', timeStyle: 'short' });
  return h('div', { class: 'inset', 'data-testid': 'invitation' },
    h('h2', null, `A link for ${who}`),
    h('p', null, invitation.emailed ? 'It was e-mailed to them. You can also pass it on yourself:' : 'Pass this link on to them (it was not e-mailed): it works once, to choose their password.'),
    h('label', { class: 'label', for: 'pass-on-link' }, 'Link'), field,
    h('p', { class: 'hint-text' }, `It expires on ${expires}.`),
    h('button', {
      type: 'button', class: 'button button--secondary',
      onclick: async () => {
        try {
          await navigator.clipboard.writeText(invitation.url);
          copied.textContent = 'Copied.';
        } catch {
          field.select();
          copied.textContent = 'This device did not let the app copy: the link is selected, copy it from there.';
        }
      },
    }, 'Copy the link'), copied);
}

/** A button that asks once more ("Yes, …") before `act` runs. */
export function confirmButton(text, confirmText, act, attrs = {}) {
  const button = h('button', {
    type: 'button', class: 'button button--secondary button--small', ...attrs,
    onclick: async () => {
      if (button.dataset.confirm !== 'yes') {
        button.dataset.confirm = 'yes';
        button.setAttribute('data-dirty', ''); // no background refresh rebuilds the page under the question
        button.textContent = confirmText;
        return;
      }
      button.disabled = true;
      await act();
    },
  }, text);
  return button;
}
