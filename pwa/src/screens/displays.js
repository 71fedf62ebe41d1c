// The team's board displays (issue 12): the ward TVs signed in as the team's device account, which
// read its board and write nothing. A lead (or an administrator) signs them out here, and turns the
// screen in front of them into one: the lead is signed out on it, and it opens the board full screen.
// The list and both actions are the server's (routes /api/teams/<id>/displays), so they need a
// connection. Loaded with import() (routes/board.js).
import { h, link, plural } from '../ui/h.js';
import { errorMessage } from '../api.js';
import { FlashMessage } from '../ui/flash.js';
import { canChangeTeamSettings } from '../data/team.js';
import { teamNameOf } from '../data/huddles.js';
import { deviceCard, signOutButton, signedIn } from './devices.js';

const TITLE = 'Board displays';
const DEFAULT_NAME = 'Ward TV';
const NAME_MAX = 120;

export async function DisplaysScreen(app) {
  const teamId = app.params[0];
  const back = h('p', null, link(`/teams/${teamId}/board`, 'Back to the board', { class: 'block-link' }));
  if (!canChangeTeamSettings(app, teamId)) {
    return h('div', { class: 'narrow' }, h('h1', null, TITLE),
      h('p', null, 'The team’s lead or an administrator signs board displays in and out.'), back);
  }
  const path = `/api/teams/${encodeURIComponent(teamId)}/displays`;
  const res = navigator.onLine ? await app.transport.request('GET', path).catch(() => null) : null;
  const here = location.pathname;
  const signOut = (d) => signOutButton(d, async () => {
    const out = navigator.onLine ? await app.transport.request('DELETE', `${path}/${encodeURIComponent(d.id)}`).catch(() => null) : null;
    app.navigate(here, {
      replace: true,
      flash: out?.status === 204 ? `${d.name} is signed out. The next time it connects it shows the sign-in screen and deletes its copy of the board.`
        : navigator.onLine ? `${d.name} could not be signed out: ${errorMessage(out, 'check your connection and try again.')}`
          : `${d.name} is still signed in: signing a display out needs a connection. Connect to the internet and try again.`,
    });
  });

  let list;
  if (res?.status !== 200) {
    list = h('p', { 'data-testid': 'displays-unread' }, navigator.onLine ? 'The board displays could not be read from the server. Try again in a moment.'
      : 'You are offline. The board displays are listed by the server: connect to the internet to see them or sign one out.');
  } else {
    const displays = signedIn(res.body.devices);
    list = displays.length
      ? h('ul', { class: 'cards', 'data-testid': 'displays' }, displays.map((d) => deviceCard(d, signOut(d), { heading: 'h3' })))
      : h('p', { 'data-testid': 'displays' }, 'No screen is signed in as the board display.');
  }
  return h('div', { class: 'narrow' },
    FlashMessage(app),
    h('h1', null, TITLE),
    h('p', null, `A ward TV shows ${teamNameOf(app, teamId)}’s board full screen, signed in as the team’s board display: it keeps showing the last data offline, changes nothing, and stays signed in until a lead or an administrator signs it out here.`),
    h('section', { class: 'section', 'aria-labelledby': 'displays-signed-in' },
      h('h2', { id: 'displays-signed-in' }, 'Signed-in displays'), list),
    useThisScreen(app, teamId),
    back);
}

function useThisScreen(app, teamId) {
  const input = h('input', {
    class: 'input', id: 'display-name', name: 'device_name', value: DEFAULT_NAME, maxlength: NAME_MAX, autocomplete: 'off',
    'aria-describedby': 'display-name-hint',
  });
  const problem = h('p', { class: 'error-message', id: 'display-problem', role: 'alert', 'data-testid': 'display-problem' });
  const button = h('button', { type: 'submit', class: 'button' }, 'Use this screen as the board display');
  const form = h('form', { novalidate: true },
    h('div', { class: 'form-group' },
      h('label', { class: 'label', for: 'display-name' }, 'Name for this screen'),
      h('p', { class: 'hint-text', id: 'display-name-hint' }, 'Shown in the list above, so a lead can sign it out.'),
      input),
    problem, button);
  const show = (text, { onName = false } = {}) => {
    problem.textContent = text;
    input.toggleAttribute('aria-invalid', onName);
    input.setAttribute('aria-describedby', onName ? 'display-problem display-name-hint' : 'display-name-hint');
    if (onName) input.focus();
  };
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const name = input.value.trim();
    if (!name) return show('Enter a name for this screen', { onName: true });
    // Signing the lead out here deletes what this device has not sent yet.
    const unsent = await app.db.count('outbox');
    if (unsent) {
      return show(`${plural(unsent, 'change')} made on this device ${unsent === 1 ? 'has' : 'have'} not been sent to the server yet. Wait until every change is saved to the server, then try again: signing you out here would lose ${unsent === 1 ? 'it' : 'them'}.`);
    }
    if (!navigator.onLine) return show('You are offline. Signing this screen in as the board display needs a connection.');
    show('');
    button.disabled = true;
    const res = await app.transport.request('POST', `/api/teams/${encodeURIComponent(teamId)}/displays`, { device_name: name }).catch(() => null);
    if (res?.status !== 201) {
      button.disabled = false;
      return show(res ? errorMessage(res) : 'Could not reach Valueboard. Check your connection and try again.');
    }
    await app.handOver(res.body);
  });
  return h('section', { class: 'section', 'aria-labelledby': 'use-this-screen' },
    h('h2', { id: 'use-this-screen' }, 'Use this screen as the board display'),
    h('p', null, 'For the TV in front of you: you are signed out on it, and it shows the team’s board full screen, with no buttons. This needs a connection, and every change made on this device saved to the server.'),
    form);
}
