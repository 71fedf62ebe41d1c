// A strip of weeks, one square each, filled where an element of Value Management was kept going
// (the caseload's fidelity). The squares are a picture; its words say the same for a screen reader
// and for anyone who cannot tell the squares apart.
import { h } from './h.js';
import { longDay } from '../lib/dates.js';

export function weekStrip(label, weeks, kept) {
  const count = kept.filter(Boolean).length;
  const missed = weeks.filter((_, i) => !kept[i]).map((w) => longDay(w, { withYear: false }).replace(/^\w+ /, ''));
  const words = `${label}: kept in ${count} of the last ${weeks.length} weeks`
    + (missed.length && missed.length < weeks.length ? `; not in the weeks of ${missed.join(', ')}` : '');
  return h('span', { class: 'strip', role: 'img', 'aria-label': words, title: words },
    kept.map((on) => h('span', { class: `strip__week${on ? ' strip__week--on' : ''}`, 'aria-hidden': 'true' })));
}
