import { h, link, plural, unreadBadge } from '../ui/h.js';
import { myEntries, recentRange, mostCommonYesterday, groupTotals } from '../data/capacity.js';
import { KINDS, capacityEntries } from '../collections/capacity-entries.js';
import { formatMinutes } from '../lib/dates.js';
import { today } from '../lib/clock.js';
import { saveEntry, coachLogsNothing } from './log.js';
import { canLogCapacity } from '../data/team.js';
import { FlashMessage } from '../ui/flash.js';
import { notifiableTeams, inboxInBackground, unreadCount } from '../data/inbox.js';
import { keptInBackground } from '../data/kept.js';
import { META } from '../meta-keys.js';
import { weekStart } from '../lib/dates.js';

/** "This week": the rota tasks the signed-in person is on in their teams, each done or not yet. */
const rotaTasks = (mine) => (mine?.week_start === weekStart(today()) ? mine.tasks : []);

function rotaWeek(mine, teamCount) {
  const tasks = rotaTasks(mine);
  if (!tasks.length) return '';
  return h('section', { 'aria-labelledby': 'rota-week-title', class: 'section', 'data-testid': 'rota-this-week' },
    h('h2', { id: 'rota-week-title' }, 'This week'),
    h('ul', { class: 'link-list' }, tasks.map((t) => h('li', { 'data-task': t.task, 'data-team': t.team_id },
      `You’re on the rota to ${t.label} this week${teamCount > 1 ? ` at ${t.team_name}` : ''}: `,
      t.done ? h('strong', { class: 'home-rota__done' }, 'done') : h('strong', null, 'not done yet'),
      ' · ', link(`/teams/${t.team_id}/rota`, 'See the rota')))));
}

export async function HomeScreen(app) {
  const { me, session } = app;
  const teams = [...(me?.teams || []), ...(me?.coached_teams || []).map((t) => ({ ...t, role: 'coach' }))];
  const team = teams.find((t) => t.id === app.teamId) || teams[0];
  const [entries, rejected, conflicts] = await Promise.all([
    team ? myEntries(app.db, team.id, session.user.id, ...recentRange()) : [],
    app.db.count('rejected'),
    app.db.getAll('conflicts').then((c) => c.filter((x) => !x.seen).length),
  ]);
  const totals = groupTotals(entries);
  const repeat = mostCommonYesterday(entries);
  const firstName = (session.user.name || '').split(' ')[0] || 'there';
  const isAdmin = me?.role === 'admin';
  const coached = me?.coached_teams || [];
  const leads = team?.role === 'lead';
  // Only leads, coaches and administrators load their parts of the home (a chunk of its own).
  const roles = isAdmin || leads || coached.length ? await import('./home-roles.js') : null;
  // Leads and coaches are told about their teams: the inbox as last read, with its unread count,
  // and read again in the background.
  const inbox = notifiableTeams(me).length ? await inboxInBackground(app, () => app.refreshUnlessBusy()) : null;
  // Only members of a team take turns on its rota: kept from the server, read again in the background.
  // Drawn again only if the line it shows changes (most people are on no rota: nothing to draw).
  const mine = me?.teams?.length ? await keptInBackground(app, META.MY_ROTA, '/api/rota/mine', (fresh, shown) => {
    if (JSON.stringify(rotaTasks(fresh)) !== JSON.stringify(rotaTasks(shown))) app.refreshUnlessBusy();
  }) : null;
  const [adminPart, weekPart, followedPart] = await Promise.all([
    isAdmin ? roles.AdminHome() : '',
    leads ? roles.TeamWeek(app, team) : '',
    coached.length ? roles.FollowedTeams(app, coached) : '',
  ]);

  const teamList = h('section', { 'aria-labelledby': 'teams-title', class: 'section' },
    h('h2', { id: 'teams-title' }, teams.length === 1 ? 'Your team' : 'Your teams'),
    teams.length
      ? h('ul', { class: 'team-list', 'data-testid': 'team-list' }, teams.map((t) => h('li', null,
        h('button', {
          type: 'button', class: `team${t.id === team?.id ? ' team--current' : ''}`, 'aria-pressed': String(t.id === team?.id),
          onclick: () => app.setTeam(t.id),
        }, h('span', { class: 'team__name' }, t.name), h('span', { class: 'team__role' }, roleLabel(t.role))))))
      : isAdmin ? '' : h('p', null, 'You are not in a team yet. Ask your team lead or an administrator to add you.'));

  const logSection = team && !canLogCapacity(app, team.id) ? h('section', { class: 'section' }, coachLogsNothing(app, team.id)) : team ? h('section', { 'aria-labelledby': 'log-title', class: 'section' },
    h('h2', { id: 'log-title' }, `Log capacity for ${team.name}`),
    h('ul', { class: 'big-actions' },
      Object.entries(KINDS).map(([kind, label]) => h('li', null,
        link(`/log/${kind}`, label, { class: `big-action big-action--${kind}`, 'data-testid': `log-${kind}` })))),
    repeat ? h('button', {
      type: 'button', class: 'button button--secondary button--block', 'data-testid': 'repeat-yesterday',
      onclick: async () => {
        const e = await saveEntry(app, { ...repeat, occurred_on: today() });
        app.navigate('/', { replace: true, flash: { text: `Saved: ${capacityEntries.describe(e)}.`, undo: { collection: capacityEntries.name, id: e.id } } });
      },
    }, `Repeat yesterday’s most common: ${capacityEntries.describe(repeat)}`) : '',
    h('p', { class: 'totals' }, 'Today: ', h('strong', null, formatMinutes(totals.todayMinutes)), ' · This week: ',
      h('strong', null, formatMinutes(totals.weekMinutes)), ' · ', link('/entries', 'My entries'))) : '';

  const alerts = [];
  if (rejected) alerts.push(h('li', null, link('/attention', `${plural(rejected, 'change')} the server could not accept — needs attention`)));
  if (conflicts) alerts.push(h('li', null, link('/conflicts', `${plural(conflicts, 'change')} of yours replaced by someone else’s`)));

  return h('div', null,
    FlashMessage(app),
    h('h1', null, `Hello, ${firstName}`),
    inbox ? h('p', { 'data-testid': 'home-inbox', class: 'button-group' },
      link('/notifications', ['Notifications', unreadBadge(unreadCount(inbox.notifications))], { class: 'block-link' }),
      link('/notifications/settings', 'Notification settings', { class: 'block-link' })) : '',
    alerts.length ? h('section', { class: 'attention', 'aria-labelledby': 'attention-title' },
      h('h2', { id: 'attention-title' }, 'Needs attention'), h('ul', null, alerts)) : '',
    rotaWeek(mine?.body, (me?.teams || []).length),
    adminPart,
    weekPart,
    followedPart,
    logSection,
    teams.length || !isAdmin ? teamList : '');
}

export function roleLabel(role) {
  return { lead: 'Team lead', member: 'Member', coach: 'Coach' }[role] || role || '';
}
