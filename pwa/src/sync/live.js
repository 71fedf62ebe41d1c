// Live updates: while online and signed in, hold the server's event stream (GET /api/sync/events) and
// sync as soon as it says one of our teams changed. Only "team X changed" travels on it; the data comes
// by the ordinary pull, and the scheduler's timer stays the fallback. Read with fetch rather than
// EventSource, which cannot send the bearer token in a header and reconnects on its own terms.
import { backoffDelay } from './scheduler.js';

export class LiveUpdates {
  constructor(transport, onChange, { win = globalThis, random = Math.random } = {}) {
    this.transport = transport;
    this.onChange = onChange;
    this.win = win;
    this.random = random;
    this.running = false;
    this.failures = 0;
    this.timer = null;
    this.abort = null;
    this.onOnline = () => this.connect();
    this.onOffline = () => this.abort?.abort();
  }

  start() {
    if (this.running) return;
    this.running = true;
    this.heard = false;
    this.win.addEventListener('online', this.onOnline);
    this.win.addEventListener('offline', this.onOffline);
    this.connect();
  }

  stop() {
    this.running = false;
    clearTimeout(this.timer);
    this.abort?.abort();
    this.win.removeEventListener('online', this.onOnline);
    this.win.removeEventListener('offline', this.onOffline);
  }

  async connect() {
    clearTimeout(this.timer);
    if (!this.running || this.abort || this.win.navigator?.onLine === false) return;
    const abort = (this.abort = new AbortController());
    let giveUp = false;
    try {
      const res = await this.transport.stream('/api/sync/events', abort.signal);
      // Signed out or revoked: the next sync finds out and stops everything.
      if (res.status === 401 || res.status === 403) giveUp = true;
      else if (res.ok && res.body) await this.read(res.body);
    } catch {
      /* network lost, server restarted, or aborted: reconnect below */
    }
    this.abort = null;
    if (!this.running || giveUp) return;
    this.failures += 1;
    this.timer = setTimeout(() => this.connect(), backoffDelay(this.failures, { base: 1000, max: 60_000, random: this.random }));
  }

  async read(body) {
    const reader = body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value;
      const events = buffer.split('\n\n');
      buffer = events.pop();
      for (const event of events) {
        if (/^event: ready$/m.test(event)) {
          this.failures = 0;
          // Changes made while we were not listening would otherwise wait for the timer.
          if (this.heard) this.onChange('reconnect');
          this.heard = true;
        } else if (/^event: poke$/m.test(event)) {
          this.onChange('poke');
        }
      }
    }
  }
}
