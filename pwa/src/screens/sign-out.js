// Sign out: warn about changes not yet sent, then wipe this device's copy.
import { h, link, plural } from '../ui/h.js';

export async function SignOutScreen(app) {
  const display = app.me?.display_of;
  // Whoever walks past a ward TV could sign it out; its lead does, from another device.
  if (display) {
    return h('div', { class: 'narrow' }, h('h1', null, 'Sign out'),
      h('p', null, `This screen is ${display.name}\u2019s board display. The team\u2019s lead signs it out from their own device, on the Board displays screen (linked from the team\u2019s board).`),
      h('p', null, link('/', 'Back to the board')));
  }
  const pending = await app.db.count('outbox');
  return h('div', { class: 'narrow' },
    h('h1', null, 'Sign out'),
    pending
      ? h('div', { class: 'warning', role: 'alert', 'data-testid': 'unsynced-warning' },
        h('p', null, h('strong', null, `${plural(pending, 'change')} on this device ${pending === 1 ? 'has' : 'have'} not been sent to the server yet.`)),
        h('p', null, navigator.onLine ? 'Wait a moment for them to sync, or sign out and lose them.' : 'You are offline. If you sign out now they will be lost. Connect to the internet first if you can.'))
      : h('p', null, 'All your changes are saved to the server.'),
    h('p', null, 'Signing out deletes this device’s copy of your team’s data.'),
    h('div', { class: 'button-group' },
      h('button', { type: 'button', class: `button${pending ? ' button--warning' : ''}`, 'data-testid': 'confirm-sign-out', onclick: () => app.signOut() },
        pending ? `Sign out and delete ${plural(pending, 'unsent change')}` : 'Sign out'),
      link('/', 'Cancel', { class: 'link-cancel' })));
}
