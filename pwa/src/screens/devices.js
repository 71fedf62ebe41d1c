// My devices: every device signed in as me, which one this is, when each was last seen; sign out
// a lost one (it deletes its copy of the team's data the next time it connects). This device signs
// out through the sign-out screen, which warns about changes not yet sent. Loaded with import().
import { h, link } from '../ui/h.js';
import { formatTime } from '../lib/dates.js';
import { FlashMessage } from '../ui/flash.js';

const title = () => h('h1', null, 'My devices');

export async function DevicesScreen(app) {
  const res = navigator.onLine ? await app.transport.request('GET', '/api/devices').catch(() => null) : null;
  if (res?.status !== 200) {
    return h('div', { class: 'narrow' }, FlashMessage(app), title(),
      h('p', null, navigator.onLine ? 'Your devices could not be read from the server. Try again in a moment.'
        : 'You are offline. Your devices are listed by the server: connect to the internet to see them.'),
      h('p', null, link('/', 'Back to the home screen', { class: 'block-link' })));
  }
  const devices = signedIn(res.body.devices);
  return h('div', { class: 'narrow' },
    FlashMessage(app),
    title(),
    h('p', null, 'Each phone, tablet or computer you have signed in on. Sign out one you have lost or no longer use: it deletes its copy of your team’s data the next time it connects.'),
    h('ul', { class: 'cards', 'data-testid': 'devices' }, devices.map((d) => deviceItem(app, d))),
    h('p', null, link('/account/password', 'Change your password', { class: 'block-link' })));
}

function deviceItem(app, d) {
  const action = d.current
    ? link('/sign-out', 'Sign out this device', { class: 'button button--secondary button--small' })
    : signOutButton(d, async () => {
      const out = await app.transport.request('DELETE', `/api/devices/${encodeURIComponent(d.id)}`).catch(() => null);
      app.navigate('/devices', {
        replace: true,
        flash: out?.status === 204 ? `${d.name} is signed out.` : `${d.name} could not be signed out: check your connection and try again.`,
      });
    });
  return deviceCard(d, action, { tag: d.current ? [' ', h('span', { class: 'tag tag--saved' }, 'This device')] : '' });
}

/** A signed-in device (of mine, or a team's board display): its name, when it was last seen and
 * signed in, and what can be done with it. */
export function deviceCard(d, action, { tag = '', heading = 'h2' } = {}) {
  return h('li', { class: 'card', 'data-current': d.current ? 'yes' : 'no' },
    h(heading, { class: 'card__title' }, d.name, tag),
    h('p', { class: 'device__seen' }, 'Last seen ', h('time', { datetime: seen(d) }, formatTime(seen(d))),
      ' · signed in ', h('time', { datetime: d.created_at }, formatTime(d.created_at))),
    action);
}

/** "Sign out <name>", which asks once more before `signOut` runs. */
export function signOutButton(d, signOut) {
  const button = h('button', {
    type: 'button', class: 'button button--secondary button--small', 'data-device': d.id,
    onclick: async () => {
      if (button.dataset.confirm !== 'yes') {
        button.dataset.confirm = 'yes';
        button.setAttribute('data-dirty', ''); // no background refresh rebuilds the list under the confirmation
        button.textContent = `Yes, sign out ${d.name}`;
        return;
      }
      button.disabled = true;
      await signOut();
    },
  }, `Sign out ${d.name}`);
  return button;
}

/** Signed-out devices hold nothing any more; the current one first, then the most recently seen. */
export const signedIn = (devices) => devices.filter((d) => !d.revoked_at)
  .sort((a, b) => Number(b.current) - Number(a.current) || seen(b).localeCompare(seen(a)));

function seen(d) {
  return d.last_seen_at || d.created_at;
}
