// The inbox (src/data/inbox.js): who is told about which teams, the unread count, the copy kept for
// offline and the badge, one request for a home screen drawn twice, and marking one read.
import 'fake-indexeddb/auto';
import { test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { openDb, getMeta } from '../src/db.js';
import { META } from '../src/meta-keys.js';
import { notifiableTeams, typesFor, unreadCount, fetchInbox, cachedInbox, inboxInBackground, markRead } from '../src/data/inbox.js';

const had = Object.getOwnPropertyDescriptor(globalThis, 'navigator');
beforeEach(() => Object.defineProperty(globalThis, 'navigator', { value: { onLine: true }, configurable: true, writable: true }));
afterEach(() => {
  if (had) Object.defineProperty(globalThis, 'navigator', had);
  else delete globalThis.navigator;
});

const N1 = { id: 'n1', type: 'milestone', team_id: 't1', title: 'Ward 1: Vision agreed', url: '/teams/t1/board', created_at: '2026-10-21T10:00:00Z', read_at: null };
const N2 = { id: 'n2', type: 'signal', team_id: 't1', title: 'A new signal', url: '/boxscore/m1', created_at: '2026-10-22T09:00:00Z', read_at: null };

let n = 0;
async function appWith(answers) {
  const calls = [];
  const transport = {
    calls,
    async request(method, path) {
      calls.push(`${method} ${path}`);
      const answer = answers[`${method} ${path}`];
      if (typeof answer === 'function') return answer();
      if (!answer) throw new TypeError('Failed to fetch');
      return answer;
    },
  };
  return { db: await openDb(`inbox-test-${process.pid}-${++n}`), transport, unread: 0 };
}

test('leads and coaches are told about their teams; members only of their turns on the rota', () => {
  const me = {
    teams: [{ id: 't1', name: 'Ward 1', role: 'lead' }, { id: 't2', name: 'Ward 2', role: 'member' }],
    coached_teams: [{ id: 't3', name: 'Ward 3' }, { id: 't1', name: 'Ward 1' }],
  };
  assert.deepEqual(notifiableTeams(me).map((t) => [t.id, !!t.rota_only]), [['t3', false], ['t1', false], ['t2', true]]);
  const member = notifiableTeams({ teams: [{ id: 't2', role: 'member' }], coached_teams: [] });
  assert.deepEqual(member, [{ id: 't2', role: 'member', rota_only: true }]);
  const types = [{ type: 'milestone', label: 'A milestone reached' }, { type: 'rota_reminder', label: 'Your rota task not done yet' }];
  assert.deepEqual(typesFor(member[0], types).map((t) => t.type), ['rota_reminder']);
  assert.deepEqual(typesFor(notifiableTeams(me)[0], types).map((t) => t.type), ['milestone']); // t3: coached, not a member
  assert.deepEqual(typesFor(notifiableTeams(me)[1], types), types); // t1: led (and coached)
  assert.deepEqual(notifiableTeams(null), []);
  assert.equal(unreadCount([N1, { ...N2, read_at: '2026-10-22T10:00:00Z' }]), 1);
});

test('the inbox read from the server is kept newest first, with its unread count', async () => {
  const app = await appWith({ 'GET /api/notifications': { status: 200, body: { notifications: [N1, N2] } } });
  const fresh = await fetchInbox(app);
  assert.deepEqual(fresh.notifications.map((x) => x.id), ['n2', 'n1']);
  assert.equal(app.unread, 2);
  assert.deepEqual((await getMeta(app.db, META.INBOX)).notifications.map((x) => x.id), ['n2', 'n1']);
});

test('offline nothing is asked, and the list as last read is what there is', async () => {
  const app = await appWith({ 'GET /api/notifications': { status: 200, body: { notifications: [N1] } } });
  await fetchInbox(app);
  navigator.onLine = false;
  assert.equal(await fetchInbox(app), null);
  assert.deepEqual(app.transport.calls, ['GET /api/notifications']);
  const kept = await cachedInbox(app);
  assert.deepEqual(kept.notifications.map((x) => x.id), ['n1']);
  assert.ok(kept.fetched_at);
});

test('a home screen drawn twice while the inbox is being read makes one request; a change redraws it', async () => {
  let answer;
  const app = await appWith({ 'GET /api/notifications': () => new Promise((resolve) => { answer = resolve; }) });
  const changed = [];
  const [a, b] = await Promise.all([inboxInBackground(app, (x) => changed.push(x)), inboxInBackground(app, (x) => changed.push(x))]);
  assert.deepEqual([a.notifications, b.notifications], [[], []]);
  assert.deepEqual(app.transport.calls, ['GET /api/notifications']);
  answer({ status: 200, body: { notifications: [N1] } });
  while (changed.length < 2) await new Promise((r) => setImmediate(r));
  assert.equal(app.unread, 1);
  // The same list again changes nothing.
  const again = [];
  app.transport.request = async () => ({ status: 200, body: { notifications: [N1] } });
  await inboxInBackground(app, (x) => again.push(x));
  await fetchInbox(app);
  assert.deepEqual(again, []);
});

test('marking one read tells the server and updates the kept list; offline it does not pretend', async () => {
  const app = await appWith({
    'GET /api/notifications': { status: 200, body: { notifications: [N1, N2] } },
    'POST /api/notifications/n1/read': { status: 200, body: { ...N1, read_at: '2026-10-22T10:00:00Z' } },
  });
  await fetchInbox(app);
  assert.equal(await markRead(app, 'n1'), true);
  const kept = await cachedInbox(app);
  assert.equal(kept.notifications.find((x) => x.id === 'n1').read_at, '2026-10-22T10:00:00Z');
  assert.equal(app.unread, 1);
  navigator.onLine = false;
  assert.equal(await markRead(app, 'n2'), false);
  assert.equal((await cachedInbox(app)).notifications.find((x) => x.id === 'n2').read_at, null);
});
