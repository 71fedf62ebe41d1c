// When to sync: on open, when the network comes back, when the app regains focus, shortly
// after each local write, and on a timer; after a failure, back off exponentially with
// jitter. Background Sync is asked for where the browser has it, but nothing depends on it.
import { now } from '../lib/clock.js';

export function backoffDelay(failures, { base = 2000, max = 5 * 60_000, random = Math.random } = {}) {
  const ceiling = Math.min(max, base * 2 ** Math.max(0, failures - 1));
  return Math.round(ceiling * (0.5 + random() / 2));
}

export class SyncScheduler {
  constructor(client, { interval = 60_000, afterWrite = 1500, win = globalThis, doc = globalThis.document } = {}) {
    this.client = client;
    this.interval = interval;
    this.afterWrite = afterWrite;
    this.win = win;
    this.doc = doc;
    this.failures = 0;
    this.timer = null;
    this.stopped = false;
  }

  start() {
    const kick = (reason) => () => this.soon(reason, 0);
    this.handlers = {
      online: kick('online'),
      focus: kick('focus'),
      'vb-local-write': () => this.soon('write', this.afterWrite),
    };
    for (const [name, fn] of Object.entries(this.handlers)) this.win.addEventListener(name, fn);
    this.onVisible = () => { if (this.doc.visibilityState === 'visible') this.soon('visible', 0); };
    this.doc?.addEventListener('visibilitychange', this.onVisible);
    this.soon('open', 0);
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = null;
    for (const [name, fn] of Object.entries(this.handlers || {})) this.win.removeEventListener(name, fn);
    this.doc?.removeEventListener('visibilitychange', this.onVisible);
  }

  soon(reason, delay) {
    if (this.stopped) return;
    // The earliest wins: a sync that was already running when a change was written ends by asking for
    // the long timer, which must not push back the run the write asked for (the change would wait a
    // minute, "1 change waiting to sync", with the device online).
    const due = now() + delay;
    if (this.timer !== null && this.due <= due) return;
    clearTimeout(this.timer);
    this.due = due;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.run(reason);
    }, delay);
  }

  async run(reason) {
    if (this.stopped) return;
    if (this.win.navigator && this.win.navigator.onLine === false) {
      await this.client.refreshStatus({ state: 'offline' });
      this.soon('timer', this.interval);
      return;
    }
    const result = await this.client.sync(reason);
    if (result.skipped) {
      // Another tab (or this tab's page being replaced by a reload) held the sync lock: a change written
      // meanwhile may not be in its sync, so try again shortly rather than after the long timer.
      this.soon(reason, this.afterWrite);
    } else if (result.ok) {
      this.failures = 0;
      this.soon('timer', this.interval);
    } else if (result.retry) {
      this.failures += 1;
      const delay = backoffDelay(this.failures);
      await this.client.refreshStatus({ nextRetryAt: now() + delay });
      this.soon('retry', delay);
      if (this.client.status.pending) requestBackgroundSync();
    }
    // signed_out / update_needed: stop retrying until something changes.
  }
}

async function requestBackgroundSync() {
  try {
    const reg = await globalThis.navigator?.serviceWorker?.ready;
    await reg?.sync?.register('vb-sync');
  } catch {
    /* not available or not allowed: the timer and triggers still run */
  }
}
