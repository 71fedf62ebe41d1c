// The PWA's one clock: every "now" and "today" comes from here (as server/core/clock.py is the
// server's). Nothing else in src/ reads the system clock (test/source-rules.test.js fails if
// anything does), so a unit test stands anywhere in time with setClock(), and a browser test moves
// the page's clock with Playwright's page.clock, which these functions read through Date.now().
//
// A day is a Europe/London calendar day: a ward's Monday starts at London midnight, which in
// summer is 23:00 UTC on the Sunday.
const LONDON = 'Europe/London';
const dayFmt = new Intl.DateTimeFormat('en-CA', { timeZone: LONDON, year: 'numeric', month: '2-digit', day: '2-digit' });
const timeFmt = new Intl.DateTimeFormat('en-GB', { timeZone: LONDON, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

const systemClock = () => Date.now();
let source = systemClock;

/** Now, in epoch milliseconds. */
export function now() {
  return source();
}

/** Now, as a Date. */
export function nowDate() {
  return new Date(source());
}

/** Now, as an ISO 8601 UTC string (what the app stores: queued_at, rejected_at, last_sync_at). */
export function nowIso() {
  return nowDate().toISOString();
}

/** The London calendar day ("2026-11-26") at an instant (a Date or epoch ms). */
export function londonDay(instant) {
  const p = Object.fromEntries(dayFmt.formatToParts(instant).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day}`;
}

/** The time of day in London ("09:30") at an instant; now if none is given. */
export function londonTime(instant = source()) {
  return timeFmt.format(instant);
}

/** Today in London. */
export function today() {
  return londonDay(source());
}

/** Tests only: read the time from `fn` (epoch ms) until resetClock(). */
export function setClock(fn) {
  source = fn;
}

export function resetClock() {
  source = systemClock;
}
