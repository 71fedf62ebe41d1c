// The service worker's Web Push part (src/sw-push.js): a payload becomes the notification shown, and
// a tap brings the right window forward (or opens one), only ever at a path of the app's own origin.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { safePath, readPayload, notificationFor, showPush, pickClient, openNotification } from '../src/sw-push.js';

const ORIGIN = 'https://vb.example';
const pushData = (value) => ({ json: () => (typeof value === 'string' ? JSON.parse(value) : value), text: () => String(value) });

test('only a path of this origin is opened; anything else opens the home screen', () => {
  assert.equal(safePath('/teams/t1/board', ORIGIN), '/teams/t1/board');
  assert.equal(safePath('/notifications?x=1#y', ORIGIN), '/notifications?x=1#y');
  assert.equal(safePath(`${ORIGIN}/boxscore/m1`, ORIGIN), '/boxscore/m1');
  assert.equal(safePath('https://evil.example/teams/t1/board', ORIGIN), '/');
  assert.equal(safePath('//evil.example/x', ORIGIN), '/');
  assert.equal(safePath('javascript:alert(1)', ORIGIN), '/');
  assert.equal(safePath('', ORIGIN), '/');
  assert.equal(safePath(undefined, ORIGIN), '/');
  assert.equal(safePath({ url: '/x' }, ORIGIN), '/');
});

test('a milestone payload becomes its title, body, tag, icon and path', () => {
  const { title, options } = notificationFor({
    type: 'milestone', team_id: 't1', code: 'vision_agreed', title: 'Ward 7: vision agreed', body: 'The team agreed its vision.', url: '/teams/t1/board',
  }, ORIGIN);
  assert.equal(title, 'Ward 7: vision agreed');
  assert.deepEqual(options, {
    body: 'The team agreed its vision.', data: { url: '/teams/t1/board' }, tag: 'vb:milestone:t1:vision_agreed', icon: '/icons/icon-192.png',
  });
});

test('a payload without a code or title still shows, under the app name; a foreign url opens home', () => {
  const { title, options } = notificationFor({ type: 'huddle_missed', team_id: 't2', body: 'No huddle this week.', url: 'https://evil.example/' }, ORIGIN);
  assert.equal(title, 'Valueboard');
  assert.equal(options.tag, 'vb:huddle_missed:t2');
  assert.deepEqual(options.data, { url: '/' });
  assert.equal(notificationFor(null, ORIGIN).title, 'Valueboard');
  assert.equal(notificationFor({ id: 'n1', title: 'x', url: '/notifications' }, ORIGIN).options.data.id, 'n1');
});

test('a push with no data, or text that is not JSON, is read without throwing', () => {
  assert.deepEqual(readPayload(null), {});
  assert.deepEqual(readPayload({ json: () => { throw new SyntaxError('x'); }, text: () => 'Hello' }), { body: 'Hello' });
  assert.deepEqual(readPayload(pushData('{"title":"T"}')), { title: 'T' });
  assert.deepEqual(readPayload(pushData('3')), {});
});

function fakeClients(windows) {
  const opened = [];
  return {
    opened,
    matchAll: async (options) => {
      assert.deepEqual(options, { type: 'window', includeUncontrolled: true });
      return windows;
    },
    openWindow: async (url) => { opened.push(url); return null; },
  };
}

function fakeWindow(url, { focused = false, visibilityState = 'hidden' } = {}) {
  const win = { url, focused, visibilityState, messages: [], focusCalls: 0 };
  win.focus = async () => { win.focusCalls += 1; return win; };
  win.postMessage = (m) => win.messages.push(m);
  return win;
}

test('a push shows its notification and tells the open pages, so their badge counts it', async () => {
  const shown = [];
  const page = fakeWindow(`${ORIGIN}/`);
  await showPush({ showNotification: async (t, o) => shown.push([t, o]) }, fakeClients([page]),
    pushData({ type: 'signal', team_id: 't1', code: 'm1', title: 'New signal', body: 'Falls rose', url: '/boxscore/m1' }), ORIGIN);
  assert.equal(shown.length, 1);
  assert.equal(shown[0][0], 'New signal');
  assert.equal(shown[0][1].data.url, '/boxscore/m1');
  assert.deepEqual(page.messages, [{ type: 'PUSHED' }]);
});

test('the window brought forward: the focused one, else a visible one, else the first; never another origin\'s', () => {
  const a = fakeWindow(`${ORIGIN}/a`);
  const b = fakeWindow(`${ORIGIN}/b`, { visibilityState: 'visible' });
  const c = fakeWindow(`${ORIGIN}/c`, { focused: true, visibilityState: 'visible' });
  const other = fakeWindow('https://other.example/', { focused: true });
  assert.equal(pickClient([a, b, c], ORIGIN), c);
  assert.equal(pickClient([a, b], ORIGIN), b);
  assert.equal(pickClient([a], ORIGIN), a);
  assert.equal(pickClient([other], ORIGIN), null);
  assert.equal(pickClient([], ORIGIN), null);
});

test('a tap closes the notification, focuses an open window and has it open the path', async () => {
  const hidden = fakeWindow(`${ORIGIN}/entries`);
  const visible = fakeWindow(`${ORIGIN}/`, { visibilityState: 'visible' });
  const clients = fakeClients([hidden, visible]);
  let closed = false;
  const result = await openNotification({ close: () => { closed = true; }, data: { url: '/teams/t1/board', id: 'n1' } }, clients, ORIGIN);
  assert.ok(closed);
  assert.equal(result.focused, visible);
  assert.equal(visible.focusCalls, 1);
  assert.deepEqual(visible.messages, [{ type: 'OPEN_URL', url: '/teams/t1/board', id: 'n1' }]);
  assert.deepEqual(hidden.messages, []);
  assert.deepEqual(clients.opened, []);
});

test('a tap with no window of the app open opens one at the path; a foreign url opens home', async () => {
  const clients = fakeClients([fakeWindow('https://other.example/')]);
  assert.deepEqual(await openNotification({ close() {}, data: { url: '/teams/t1/board' } }, clients, ORIGIN), { opened: '/teams/t1/board' });
  assert.deepEqual(await openNotification({ close() {}, data: { url: 'https://evil.example/x' } }, clients, ORIGIN), { opened: '/' });
  assert.deepEqual(await openNotification({ close() {} }, clients, ORIGIN), { opened: '/' });
  assert.deepEqual(clients.opened, ['/teams/t1/board', '/', '/']);
});

test('a window that cannot be focused (the browser refused) is still told where to go', async () => {
  const win = fakeWindow(`${ORIGIN}/`);
  win.focus = async () => { throw new Error('Not allowed to focus a window.'); };
  await openNotification({ close() {}, data: { url: '/notifications' } }, fakeClients([win]), ORIGIN);
  assert.deepEqual(win.messages, [{ type: 'OPEN_URL', url: '/notifications', id: null }]);
});
