// A team's fidelity and protected time (issue 14): week by week, whether the box score and the board
// were updated and a huddle held, beside what Value Management took that week (huddle minutes, and
// box score and board time logged as admin under "Value Management"), so a lead can show their
// manager what the approach takes. From the server (weeks of history no device keeps whole), kept
// for offline reading. Loaded with import().
import { h, link, plural } from '../ui/h.js';
import { formatMinutes } from '../lib/dates.js';
import { readKept } from '../data/kept.js';
import { teamFidelityKey } from '../meta-keys.js';
import { teamsOf } from '../data/team.js';
import { keptNotice } from '../ui/kept-notice.js';

const STATUS = {
  all_three: 'doing all three: each element kept going in at least 3 weeks in 4',
  some: 'using some of the three elements',
  none: 'not using the three elements yet',
};
// "19 Oct 2026": the Monday a row's week starts.
const shortDay = (isoDate) => new Date(`${isoDate}T12:00:00Z`).toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
const mark = (on) => (on ? h('span', null, '✓', h('span', { class: 'visually-hidden' }, ' yes')) : h('span', null, '–', h('span', { class: 'visually-hidden' }, ' no')));

export async function TeamFidelityScreen(app) {
  const teamId = app.params[0];
  const name = teamsOf(app.me).find((t) => t.id === teamId)?.name || 'The team';
  const kept = await readKept(app, teamFidelityKey(teamId), `/api/teams/${encodeURIComponent(teamId)}/fidelity`);
  const title = h('h1', null, `${name}: keeping Value Management going`);
  if (kept.refused) return h('div', null, title, h('p', null, kept.refused.message));
  const f = kept.body;
  if (!f) return h('div', null, title, keptNotice(kept, 'this page'));
  const spent = f.protected_minutes;
  return h('div', { class: 'team-fidelity', 'data-testid': 'team-fidelity' },
    title,
    keptNotice(kept, 'this page'),
    h('p', { 'data-testid': 'fidelity-status' },
      `Over the last ${f.weeks} weeks ${name} is ${STATUS[f.status]}: box score updated in ${plural(f.box_score_weeks, 'week')}, `
      + `board in ${plural(f.board_weeks, 'week')}, huddle held in ${plural(f.huddle_weeks, 'week')}.`),
    h('p', { 'data-testid': 'protected-time' },
      `Value Management took ${formatMinutes(spent.huddle + spent.box_score_and_board)} in these ${f.weeks} weeks `
      + `(${formatMinutes(Math.round(spent.per_week))} a week): ${formatMinutes(spent.huddle)} of huddles and `
      + `${formatMinutes(spent.box_score_and_board)} on the box score and board.`),
    // A phone shows the weeks short and, if still too wide, scrolls the table, never the page.
    h('div', { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-labelledby': 'weeks-caption' }, h('table', null,
      h('caption', { id: 'weeks-caption', class: 'visually-hidden' }, 'Each week: the three elements, and the time Value Management took'),
      h('thead', null, h('tr', null, ['Week of', 'Box score', 'Board', 'Huddle'].map((c) => h('th', { scope: 'col' }, c)),
        h('th', { scope: 'col', class: 'num' }, 'Huddle time'), h('th', { scope: 'col', class: 'num' }, 'Box score and board time'))),
      h('tbody', null, [...f.by_week].reverse().map((w) => h('tr', { 'data-week': w.week_start },
        h('th', { scope: 'row' }, shortDay(w.week_start)),
        h('td', null, mark(w.box_score)), h('td', null, mark(w.board)), h('td', null, mark(w.huddle)),
        h('td', { class: 'num' }, w.huddle_minutes ? formatMinutes(w.huddle_minutes) : '–'),
        h('td', { class: 'num' }, w.box_score_and_board_minutes ? formatMinutes(w.box_score_and_board_minutes) : '–')))))),
    h('p', { class: 'hint-text' }, 'Huddle time is each huddle’s length as recorded when it finished. Box score and board time is what leads log as ',
      link('/log/admin', 'admin time'), ' marked “Value Management”.'));
}
