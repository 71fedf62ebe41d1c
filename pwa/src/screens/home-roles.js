// What a lead, a coach and an administrator see on the home screen besides quick logging: the
// team's week, the teams a coach follows, the way to administration. Loaded with import() by
// home.js only for them, so a staff member's home (the one opened most) stays as small and fast.
import { h, link, plural } from '../ui/h.js';
import { localBoxScore } from '../data/boxscore.js';
import { teamSettings } from '../data/team.js';
import { variationText } from '../lib/measure-text.js';
import { longDay } from '../lib/dates.js';
import { nextHuddleDay } from '../data/huddles.js';

const SIGNALS = ['concern', 'improvement', 'neutral'];

/** From this device's records: the measures still missing this week's value, and the latest signals. */
async function weekOf(app, teamId) {
  const settings = await teamSettings(app, teamId);
  const score = await localBoxScore(app.db, teamId, { contractedHours: settings.contracted_hours_per_week });
  const measures = score.groups.flatMap((g) => g.measures);
  const manual = measures.filter((m) => m.source !== 'derived');
  return {
    measures,
    manual,
    toEnter: manual.filter((m) => m.this_week === null),
    // Concerns first: what the huddle should look at before what is going well.
    signals: measures.filter((m) => SIGNALS.includes(m.analysis.variation))
      .sort((a, b) => SIGNALS.indexOf(a.analysis.variation) - SIGNALS.indexOf(b.analysis.variation)),
  };
}

const names = (measures) => measures.map((m) => m.name).join(', ');

/** A lead's view of their team's week: the next huddle, what needs entering, the latest signals. */
export async function TeamWeek(app, team) {
  const week = await weekOf(app, team.id);
  const huddle = nextHuddleDay(team.huddle_day, team.huddle_time);
  const parts = [];
  if (huddle) {
    parts.push(h('p', { 'data-testid': 'next-huddle' }, 'Next huddle: ',
      h('strong', null, `${longDay(huddle, { withYear: false })}${team.huddle_time ? ` at ${team.huddle_time}` : ''}`)));
  }
  if (!week.measures.length) {
    parts.push(h('p', null, 'The box score has no measures yet.'), h('p', null, link('/measures', 'Add the box score’s measures', { class: 'block-link' })));
  } else {
    if (week.manual.length) {
      parts.push(h('p', { 'data-testid': 'to-enter' }, week.toEnter.length
        ? `${plural(week.manual.length - week.toEnter.length, 'measure')} of ${week.manual.length} entered by hand ${week.manual.length - week.toEnter.length === 1 ? 'has' : 'have'} this week’s value. Still to enter: ${names(week.toEnter)}.`
        : `Every measure entered by hand has this week’s value.`));
      if (week.toEnter.length) parts.push(h('p', null, link('/values', 'Enter this week’s values', { class: 'button button--secondary' })));
    }
    parts.push(h('h3', null, 'Latest signals'), signalList(week.signals));
    parts.push(h('p', null, link('/boxscore', 'Open the box score', { class: 'block-link' })));
  }
  parts.push(h('p', null, link(`/teams/${team.id}/fidelity`, 'Fidelity and the time Value Management takes', { class: 'block-link' })));
  parts.push(h('p', null, link(`/teams/${team.id}/rota`, 'Weekly rota: who updates the box score and the board and runs the huddle', { class: 'block-link', 'data-testid': 'rota-link' })));
  return h('section', { 'aria-labelledby': 'week-title', class: 'section', 'data-testid': 'team-week' },
    h('h2', { id: 'week-title' }, `This week at ${team.name}`), parts);
}

function signalList(signals) {
  if (!signals.length) return h('p', null, 'No special causes: every measure shows only common cause variation, or has too few values yet.');
  return h('ul', { class: 'signal-list', 'data-testid': 'signals' }, signals.map((m) => h('li', { 'data-signal': m.analysis.variation },
    link(`/boxscore/${m.id}`, m.name, { class: 'block-link' }), ' ', h('span', null, variationText(m.analysis)))));
}

/** The teams a coach follows, each with what needs attention; one tap opens a team's box score. */
export async function FollowedTeams(app, teams) {
  const weeks = await Promise.all(teams.map((t) => weekOf(app, t.id)));
  return h('section', { 'aria-labelledby': 'followed-title', class: 'section', 'data-testid': 'followed-teams' },
    h('h2', { id: 'followed-title' }, 'Teams you follow'),
    h('p', null, link('/coach', 'Your caseload: the teams needing help first, with fidelity and coaching notes', { class: 'block-link' })),
    h('ul', { class: 'cards' }, teams.map((t, i) => {
      const week = weeks[i];
      const concerns = week.signals.filter((m) => m.analysis.variation === 'concern');
      return h('li', { class: 'card', 'data-team': t.id },
        h('h3', { class: 'card__title' }, t.name),
        !week.measures.length ? h('p', null, 'No measures on the box score yet.') : [
          h('p', { 'data-testid': 'team-signals' }, week.signals.length
            ? `${plural(week.signals.length, 'special cause')}${concerns.length ? `, ${concerns.length} concerning: ${names(concerns)}` : ''}.`
            : 'No special causes.'),
          week.toEnter.length ? h('p', null, `This week’s value still to enter: ${names(week.toEnter)}.`) : '',
        ],
        h('button', {
          type: 'button', class: 'button button--small button--secondary',
          onclick: async () => {
            await app.setTeam(t.id);
            app.navigate('/boxscore');
          },
        }, `Open ${t.name}’s box score`));
    })));
}

/** An administrator's way in: what administration there is today, and where it is done. */
export function AdminHome() {
  return h('section', { 'aria-labelledby': 'admin-title', class: 'section', 'data-testid': 'admin-home' },
    h('h2', { id: 'admin-title' }, 'Administration'),
    h('p', null, 'You are an administrator: you set up boards, teams and people, and choose each team’s leads and coaches.'),
    h('p', null, 'The app has no screens for this yet. It is done through Valueboard’s interface for other systems, which lists every request an administrator can make:'),
    h('ul', { class: 'link-list' },
      h('li', null, h('a', { href: '/api/openapi.json', class: 'block-link' }, 'Valueboard’s interface description (OpenAPI)')),
      h('li', null, link('/devices', 'My devices', { class: 'block-link' }))),
    h('p', null, 'Once you are a member of a team, or follow one as a coach, its box score and logging appear here too.'));
}
