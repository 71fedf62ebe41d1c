// A person's own password (issue 15): change it (every other device of theirs is signed out), and
// the page an invitation or password-reset link opens, where they choose one and this device signs
// in. A one-time password set by an administrator leads here before anything else. Online only: the
// server checks the password. Loaded with import().
import { h, link } from '../ui/h.js';
import { errorMessage } from '../api.js';
import { acceptInvitation, defaultDeviceName, refreshMe } from '../session.js';

const RULE = 'At least 12 characters, not your email address or name, and not a common password. A few unrelated words make a good one.';

function passwordField(id, label, autocomplete, hint) {
  return h('div', { class: 'form-group' }, h('label', { class: 'label', for: id }, label),
    hint ? h('p', { class: 'hint-text', id: `${id}-hint` }, hint) : '',
    h('input', { class: 'input', id, name: id, type: 'password', autocomplete, required: true, ...(hint ? { 'aria-describedby': `${id}-hint` } : {}) }));
}

/** The form of a new password typed twice; `send(password, data)` answers an error message or ''. */
function newPasswordForm({ label, submit, extra = [], current = false, send }) {
  const problem = h('div', { class: 'error-summary', role: 'alert', tabindex: '-1', hidden: true });
  const button = h('button', { type: 'submit', class: 'button' }, submit);
  const form = h('form', { class: 'form', novalidate: true, 'aria-label': label }, problem,
    current ? passwordField('current_password', 'Current password', 'current-password') : '',
    passwordField('new_password', 'New password', 'new-password', RULE),
    passwordField('confirm_password', 'Type the new password again', 'new-password'),
    extra, button);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const data = new FormData(form);
    const password = String(data.get('new_password') || '');
    let said = '';
    if (current && !data.get('current_password')) said = 'Enter your current password.';
    else if (password.length < 12) said = 'The new password must be at least 12 characters.';
    else if (password !== data.get('confirm_password')) said = 'The two new passwords are not the same.';
    if (!said) {
      button.disabled = true;
      try {
        said = await send(password, data);
      } catch {
        said = navigator.onLine ? 'Could not reach Valueboard. Try again.' : 'You are offline. Connect to the internet and try again.';
      }
      button.disabled = false;
    }
    problem.hidden = !said;
    problem.replaceChildren(h('h2', { class: 'error-summary__title' }, 'There is a problem'), h('p', null, said));
    if (said) problem.focus();
  });
  return form;
}

export async function ChangePasswordScreen(app) {
  const mustChange = !!app.me?.must_change_password;
  const form = newPasswordForm({
    label: 'Change your password', submit: 'Change my password', current: true,
    send: async (password, data) => {
      const res = await app.transport.request('POST', '/api/me/password', { current_password: data.get('current_password'), new_password: password });
      if (res.status !== 204) return errorMessage(res);
      await refreshMe(app.db, app.transport);
      app.me = { ...app.me, must_change_password: false };
      app.navigate('/', { replace: true, flash: 'Your password is changed. Your other devices are signed out.' });
      return '';
    },
  });
  return h('div', { class: 'narrow' },
    h('h1', null, mustChange ? 'Choose your own password' : 'Change your password'),
    h('p', null, mustChange ? 'Your administrator gave you a one-time password. Choose your own before you carry on.'
      : 'Every other device you are signed in on is signed out: sign in there again with the new password.'),
    form,
    mustChange ? '' : h('p', null, link('/devices', 'Back to my devices', { class: 'block-link' })));
}

/** /invite/<token>: shown signed out (the app's router sends it here before the sign-in screen). */
export async function InviteScreen(app, token) {
  const title = h('h1', null, 'Choose your password');
  if (app.session) {
    // Accepting signs this device in as the invited person: whoever is signed in here goes first,
    // from the sign-out screen that warns about changes not yet sent.
    return h('div', { class: 'narrow' }, title,
      h('p', null, `This device is signed in as ${app.me?.name || 'someone'}. To use this link for another person, sign out first, then open the link again.`),
      h('p', null, link('/sign-out', 'Sign out', { class: 'block-link' })));
  }
  let res;
  try {
    res = await app.transport.request('GET', `/api/invitations/${encodeURIComponent(token)}`);
  } catch {
    return h('div', { class: 'narrow' }, title, h('p', null, 'Could not reach Valueboard. Connect to the internet and open the link again.'));
  }
  if (res.status !== 200) {
    return h('div', { class: 'narrow', 'data-testid': 'invitation-expired' }, h('h1', null, 'This link has expired'),
      h('p', null, res.status === 410 || res.status === 404
        ? 'This link has expired or was already used. Ask your administrator for a new one.'
        : errorMessage(res)),
      h('p', null, link('/login', 'Go to sign in', { class: 'block-link' })));
  }
  const who = res.body;
  const form = newPasswordForm({
    label: 'Choose your password', submit: 'Save and sign in',
    extra: h('div', { class: 'form-group' }, h('label', { class: 'label', for: 'device_name' }, 'Name for this device'),
      h('p', { class: 'hint-text', id: 'device_name-hint' }, 'Shown in your list of devices, so you can sign this one out if it is lost.'),
      h('input', { class: 'input', id: 'device_name', name: 'device_name', value: defaultDeviceName(), 'aria-describedby': 'device_name-hint', maxlength: 100 })),
    send: async (password, data) => {
      const result = await acceptInvitation(app.db, app.transport, token, { password, device_name: String(data.get('device_name') || '').trim() || defaultDeviceName() });
      if (!result.ok) {
        return result.res.status === 410 ? 'This link has expired or was already used. Ask your administrator for a new one.' : errorMessage(result.res);
      }
      history.replaceState(null, '', '/');
      await app.afterLogin();
      return '';
    },
  });
  return h('div', { class: 'narrow' }, title,
    h('p', { class: 'lede' }, `Welcome, ${who.name}.`, who.team_name ? ` You are joining ${who.team_name}.` : '',
      who.purpose === 'reset' ? ' Choose a new password for ' : ' Choose the password for ', h('strong', null, who.email), '.'),
    form);
}
