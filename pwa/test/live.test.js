// Live updates: a poke becomes a sync, a reconnect catches up, sign-out stops for good, and a dropped
// stream is reopened after a back-off with jitter. Driven with a fake transport and hand-fed streams.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LiveUpdates } from '../src/sync/live.js';

function fakeWindow() {
  const target = new EventTarget();
  target.navigator = { onLine: true };
  return target;
}

// A response whose body the test writes to, and a transport that hands them out in order.
function streamResponse(status = 200) {
  let controller;
  const body = new ReadableStream({ start(c) { controller = c; } });
  const enc = new TextEncoder();
  return {
    res: { status, ok: status === 200, body },
    send: (text) => controller.enqueue(enc.encode(text)),
    end: () => controller.close(),
  };
}

function transportOf(responses) {
  const calls = [];
  return {
    calls,
    stream(path, signal) {
      calls.push(path);
      const next = responses.shift();
      signal.addEventListener('abort', () => next.end?.());
      return Promise.resolve(next.res);
    },
  };
}

const until = async (cond) => { while (!cond()) await new Promise((r) => setTimeout(r, 1)); };

test('a poke asks for a sync; the first ready does not, a reconnect does', async () => {
  const first = streamResponse();
  const second = streamResponse();
  const transport = transportOf([first, second]);
  const reasons = [];
  const live = new LiveUpdates(transport, (r) => reasons.push(r), { win: fakeWindow(), random: () => 0 });
  live.start();
  first.send('retry: 5000\nevent: ready\ndata: {}\n\n: keep-alive\n\nevent: po');
  first.send('ke\ndata: {"team_id":"t1","version":3}\n\n');
  await until(() => reasons.length === 1);
  assert.deepEqual(reasons, ['poke']);
  assert.equal(transport.calls[0], '/api/sync/events');
  first.end(); // the server restarted
  await until(() => transport.calls.length === 2);
  second.send('event: ready\ndata: {}\n\n');
  await until(() => reasons.length === 2);
  assert.deepEqual(reasons, ['poke', 'reconnect']);
  live.stop();
});

test('a refused sign-in stops for good; going offline closes the stream and online reopens it', async () => {
  const win = fakeWindow();
  const refused = transportOf([streamResponse(401)]);
  const stopped = new LiveUpdates(refused, () => {}, { win, random: () => 0 });
  stopped.start();
  await until(() => stopped.abort === null && refused.calls.length === 1);
  assert.equal(stopped.timer, null);

  const first = streamResponse();
  const second = streamResponse();
  const transport = transportOf([first, second]);
  const live = new LiveUpdates(transport, () => {}, { win, random: () => 0 });
  live.start();
  first.send('event: ready\ndata: {}\n\n');
  await until(() => live.failures === 0 && transport.calls.length === 1);
  win.navigator.onLine = false;
  win.dispatchEvent(new Event('offline'));
  await until(() => live.abort === null);
  clearTimeout(live.timer); // the retry would find the device offline anyway
  win.navigator.onLine = true;
  win.dispatchEvent(new Event('online'));
  await until(() => transport.calls.length === 2);
  live.stop();
  stopped.stop();
});
