import { h } from '../ui/h.js';
import { login, defaultDeviceName } from '../session.js';
import { errorMessage } from '../api.js';

export async function LoginScreen(app) {
  const queued = await app.db.count('outbox');
  const errors = h('div', { class: 'error-summary', role: 'alert', tabindex: '-1', hidden: true });
  const field = (id, label, attrs, hint) => h('div', { class: 'form-group' },
    h('label', { class: 'label', for: id }, label),
    hint ? h('div', { class: 'hint-text', id: `${id}-hint` }, hint) : '',
    h('input', { class: 'input', id, name: id, ...(hint ? { 'aria-describedby': `${id}-hint` } : {}), ...attrs }));
  const button = h('button', { type: 'submit', class: 'button' }, 'Sign in');
  const form = h('form', { novalidate: true, class: 'form', 'aria-labelledby': 'login-title' },
    field('email', 'Email address', { type: 'email', autocomplete: 'username', required: true, spellcheck: 'false' }),
    field('password', 'Password', { type: 'password', autocomplete: 'current-password', required: true }),
    field('device_name', 'Name for this device', { type: 'text', value: defaultDeviceName(), required: true, maxlength: 100 },
      'Shown in your list of devices, so you can sign this one out if it is lost.'),
    button);

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const data = Object.fromEntries(new FormData(form));
    const problems = [];
    if (!data.email.trim()) problems.push(['email', 'Enter your email address']);
    if (!data.password) problems.push(['password', 'Enter your password']);
    if (!data.device_name.trim()) problems.push(['device_name', 'Enter a name for this device']);
    if (problems.length) return showErrors(problems);
    button.disabled = true;
    button.textContent = 'Signing in…';
    try {
      const result = await login(app.db, app.transport, { email: data.email.trim(), password: data.password, device_name: data.device_name.trim() });
      if (!result.ok) {
        const msg = result.res.status === 401 ? 'The email address or password is not right.' : errorMessage(result.res);
        return showErrors([['email', msg]]);
      }
      await app.afterLogin();
    } catch {
      showErrors([['email', navigator.onLine ? 'Could not reach Valueboard. Try again.' : 'You are offline. Connect to sign in.']]);
    } finally {
      button.disabled = false;
      button.textContent = 'Sign in';
    }
  });

  function showErrors(list) {
    errors.hidden = false;
    errors.replaceChildren(
      h('h2', { class: 'error-summary__title' }, 'There is a problem'),
      h('ul', null, list.map(([id, msg]) => h('li', null, h('a', { href: `#${id}` }, msg)))));
    for (const el of form.querySelectorAll('.input')) el.removeAttribute('aria-invalid');
    for (const [id] of list) form.querySelector(`#${id}`)?.setAttribute('aria-invalid', 'true');
    errors.focus();
  }

  return h('div', { class: 'narrow' },
    app.flash ? h('div', { class: 'inset', role: 'status' }, app.flash) : '',
    h('h1', { id: 'login-title' }, 'Sign in to Valueboard'),
    h('p', { class: 'lede' }, 'Log capacity, run your huddle and keep your box score up to date — even without a signal.'),
    queued ? h('p', { class: 'inset' }, `${queued} change${queued === 1 ? '' : 's'} made here before you were signed out ${queued === 1 ? 'is' : 'are'} kept and will be sent when the same person signs in again.`) : '',
    errors, form);
}
