// Dates as the team sees them: Europe/London calendar days, ISO weeks Monday to Sunday.
const TZ = 'Europe/London';
const dayFmt = new Intl.DateTimeFormat('en-CA', { timeZone: TZ, year: 'numeric', month: '2-digit', day: '2-digit' });

export function today(now = new Date()) {
  const p = Object.fromEntries(dayFmt.formatToParts(now).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day}`;
}

export function addDays(isoDate, days) {
  const d = new Date(`${isoDate}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

export function weekStart(isoDate) {
  const dow = (new Date(`${isoDate}T12:00:00Z`).getUTCDay() + 6) % 7; // Monday = 0
  return addDays(isoDate, -dow);
}

export function formatDay(isoDate, ref = today()) {
  if (ref && isoDate === ref) return 'Today';
  if (ref && isoDate === addDays(ref, -1)) return 'Yesterday';
  return new Date(`${isoDate}T12:00:00Z`).toLocaleDateString('en-GB', { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' });
}

export function formatMinutes(total) {
  const h = Math.floor(total / 60);
  const m = total % 60;
  if (!h) return `${m} min`;
  return m ? `${h} h ${m} min` : `${h} h`;
}

export function formatTime(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  const sameDay = today(d) === today();
  return d.toLocaleString('en-GB', sameDay ? { hour: '2-digit', minute: '2-digit' } : { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });
}
