// Notification settings: notifications on this device (Web Push: the browser asks for permission only
// when "Turn on" is tapped, never when the screen opens), which of them come for each team the user
// leads or coaches, and quiet hours. The choices are the user's on the server (PUT
// /api/notification-settings), for all their devices, so changing them needs a connection. Where
// the browser cannot receive pushes it says why, and how to change that; the inbox works regardless.
// Loaded with import().
import { h, link } from '../ui/h.js';
import { errorMessage } from '../api.js';
import { FlashMessage } from '../ui/flash.js';
import { notifiableTeams, typesFor } from '../data/inbox.js';
import { pushSupport, pushIsOn, turnOnPush, turnOffPush } from '../push.js';

const PATH = '/notifications/settings';
const FIELDS = { quiet_hours_start: 'Quiet hours from', quiet_hours_end: 'Quiet hours until', off: 'Notifications' };
const INBOX_STILL = 'Your notifications are still listed in the app, under Notifications.';

// The choices as last read in this page, so a screen redrawn after the connection dropped (a sync
// finishing) still shows them, with saving turned off, rather than only saying it is offline.
let lastRead = null;

export async function NotificationSettingsScreen(app) {
  const [res, device] = await Promise.all([
    navigator.onLine ? app.transport.request('GET', '/api/notification-settings').catch(() => null) : null,
    DeviceSection(app),
  ]);
  if (res?.status === 200) lastRead = { user: app.session?.user?.id, settings: res.body };
  const settings = lastRead?.user === app.session?.user?.id ? lastRead?.settings : null;
  const back = h('p', null, link('/notifications', 'Back to your notifications', { class: 'block-link' }));
  return h('div', { class: 'narrow' },
    FlashMessage(app),
    h('h1', null, 'Notification settings'),
    device,
    settings ? ChoicesForm(app, settings) : h('section', { 'aria-labelledby': 'choices-title', class: 'section' },
      h('h2', { id: 'choices-title' }, 'What you are told about'),
      h('p', { class: 'warning', 'data-testid': 'needs-connection' }, navigator.onLine
        ? 'Your choices could not be read from the server. Try again in a moment.'
        : 'You are offline. Your choices are kept on the server: connect to the internet to see and change them.')),
    back);
}

/** Notifications on this device: on or off, or why this browser cannot have them. */
async function DeviceSection(app) {
  const support = pushSupport();
  const on = support === 'ok' && (await pushIsOn(app.db));
  const message = h('div', { class: 'error-message', role: 'alert', 'data-testid': 'push-problem' });
  const parts = [];
  if (support === 'ios-browser') {
    parts.push(h('p', { 'data-testid': 'push-state' }, 'On an iPhone or iPad, notifications come only to Valueboard added to the Home Screen. In Safari, tap Share, then “Add to Home Screen”, and open Valueboard from there to turn them on.'),
      h('p', null, INBOX_STILL));
  } else if (support === 'unsupported') {
    parts.push(h('p', { 'data-testid': 'push-state' }, 'This browser cannot show notifications from Valueboard.'), h('p', null, INBOX_STILL));
  } else if (support === 'denied') {
    parts.push(h('p', { 'data-testid': 'push-state' }, 'Notifications are blocked for Valueboard in this browser.'),
      h('p', null, 'To allow them, open this site’s settings (the icon beside the web address, or the browser’s Settings, then Site settings, then Notifications), allow notifications for Valueboard, and come back to this screen.'),
      h('p', null, INBOX_STILL));
  } else {
    const button = h('button', {
      type: 'button', class: `button${on ? ' button--secondary' : ''}`, 'data-testid': 'push-toggle',
      onclick: async () => {
        message.textContent = '';
        button.disabled = true;
        if (on) {
          const forgotten = await turnOffPush(app.db, app.transport);
          return app.navigate(PATH, { replace: true, flash: forgotten
            ? 'Notifications are off on this device. Your inbox still lists them.'
            : 'This device no longer shows notifications. The server could not be told yet: turn them off again when you are online.' });
        }
        const result = await turnOnPush(app.db, app.transport).catch((err) => {
          console.warn('turning push on failed', err);
          return { ok: false, problem: 'push_service' };
        });
        if (result.ok) return app.navigate(PATH, { replace: true, flash: 'Notifications are on for this device.' });
        if (result.problem === 'denied') return app.navigate(PATH, { replace: true });
        button.disabled = false;
        message.textContent = problemText(result);
      },
    }, on ? 'Turn off notifications on this device' : 'Turn on notifications on this device');
    parts.push(h('p', { 'data-testid': 'push-state' }, on
      ? 'Notifications come to this device, also when Valueboard is closed.'
      : `Notifications do not come to this device. Turn them on to hear about your teams when Valueboard is closed${Notification.permission === 'granted' ? '.' : '; the browser asks you to allow them.'}`),
    message, button);
  }
  return h('section', { 'aria-labelledby': 'device-title', class: 'section', 'data-push': support === 'ok' ? (on ? 'on' : 'off') : support },
    h('h2', { id: 'device-title' }, 'On this device'), parts);
}

/** A field's messages from the server, however deep (a list's are by position: {"0": {type: [...]}}). */
const words = (v) => (v && typeof v === 'object' ? Object.values(v).map(words).join(' ') : String(v));

function problemText({ problem, res }) {
  if (problem === 'dismissed') return 'You did not allow notifications, so they are not on. Tap the button again to be asked again.';
  if (problem === 'offline') return 'You are offline. Turning notifications on needs a connection.';
  if (problem === 'push_service') return `This browser could not reach its notification service, so notifications are not on. Try again later. ${INBOX_STILL}`;
  return res ? errorMessage(res) : 'The server could not be reached. Check the connection and try again.';
}

/** Per team and kind, on or off; and quiet hours. */
function ChoicesForm(app, settings) {
  const teams = notifiableTeams(app.me);
  const types = settings.types || [];
  const isOff = (teamId, type) => (settings.off || []).some((o) => o.team_id === teamId && o.type === type);
  const boxes = [];
  const teamSets = teams.map((t, i) => h('fieldset', { class: 'fieldset', 'data-team': t.id },
    h('legend', { class: 'legend' }, t.name),
    typesFor(t, types).map(({ type, label }) => {
      const id = `notify-${i}-${type}`;
      const input = h('input', { type: 'checkbox', id, name: 'notify', checked: !isOff(t.id, type), dataset: { team: t.id, type } });
      boxes.push(input);
      return h('div', { class: 'checkbox' }, input, h('label', { for: id }, label));
    })));
  const start = h('input', { class: 'input input--width-4', type: 'time', id: 'quiet_hours_start', name: 'quiet_hours_start', value: settings.quiet_hours_start || '' });
  const end = h('input', { class: 'input input--width-4', type: 'time', id: 'quiet_hours_end', name: 'quiet_hours_end', value: settings.quiet_hours_end || '' });
  const problem = h('div', { class: 'error-message', role: 'alert', 'data-testid': 'settings-problem' });
  const save = h('button', { type: 'submit', class: 'button' }, 'Save');
  const offline = h('p', { class: 'warning', 'data-testid': 'needs-connection' });
  const stop = () => {
    window.removeEventListener('online', showNetwork);
    window.removeEventListener('offline', showNetwork);
  };
  function showNetwork(event) {
    if (event && !save.isConnected) return stop();
    offline.textContent = navigator.onLine
      ? 'These are saved on the server straight away, for all your devices, so saving needs a connection.'
      : 'You are offline. These are saved on the server, not on this device: connect to the internet to save them.';
    save.disabled = !navigator.onLine;
  }
  showNetwork();
  window.addEventListener('online', showNetwork);
  window.addEventListener('offline', showNetwork);

  const form = h('form', { novalidate: true, class: 'notify-grid', 'data-testid': 'notification-choices' },
    offline,
    teams.length
      ? [h('p', null, 'For each of your teams, what comes to your devices (everything about the teams you lead or coach; your turns on the rota in the others). One you turn off is not sent to your devices; it is still listed under Notifications.'), teamSets]
      : h('p', null, 'You are told about the teams you lead or coach, and of your turns on a team’s rota. You are not in a team yet.'),
    h('fieldset', { class: 'fieldset', 'aria-describedby': 'quiet-hint' },
      h('legend', { class: 'legend' }, 'Quiet hours'),
      h('p', { class: 'hint-text', id: 'quiet-hint' }, 'No notification comes to your devices between these times (London time); those that come up meanwhile wait until the quiet hours end. Leave both empty for none.'),
      h('div', { class: 'board__form-row' },
        h('div', { class: 'form-group' }, h('label', { class: 'label', for: 'quiet_hours_start' }, 'From'), start),
        h('div', { class: 'form-group' }, h('label', { class: 'label', for: 'quiet_hours_end' }, 'Until'), end))),
    problem, save);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!start.value !== !end.value) {
      problem.textContent = 'Quiet hours: give the time they start and the time they end, or leave both empty.';
      return (start.value ? end : start).focus();
    }
    if (start.value && start.value === end.value) {
      problem.textContent = 'Quiet hours: the start and the end must be different times.';
      return end.focus();
    }
    problem.textContent = '';
    // Only the teams listed: the server refuses choices about a team the user is no longer in.
    const off = boxes.filter((b) => !b.checked).map((b) => ({ team_id: b.dataset.team, type: b.dataset.type }));
    save.disabled = true;
    const res = await app.transport.request('PUT', '/api/notification-settings',
      { quiet_hours_start: start.value || null, quiet_hours_end: end.value || null, off }).catch(() => null);
    save.disabled = !navigator.onLine;
    if (res?.status === 200) return app.navigate(PATH, { replace: true, flash: 'Saved. Your choices apply to all your devices.' });
    const fields = Object.entries(res?.body?.error?.fields || {}).map(([k, v]) => `${FIELDS[k] || k}: ${words(v)}`);
    problem.textContent = res ? [errorMessage(res), ...fields].join(' ') : 'The server could not be reached. Check the connection and try again.';
  });
  return h('section', { 'aria-labelledby': 'choices-title', class: 'section' },
    h('h2', { id: 'choices-title' }, 'What you are told about'), form);
}
