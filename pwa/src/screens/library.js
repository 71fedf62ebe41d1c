// The shared learning library (issue 14): changes other teams adopted (with their PDSA cycles and the
// measure they moved, before and after) and case studies from their huddles, shared with a lead's
// consent, searched by words, measure and service across every board; "Adopt and adapt" copies a
// shared change into one of the reader's teams' ideas to test it there. Read from the server (it holds
// every board's items) and kept for offline reading: the newest items and each item opened. Also a
// team's own drafts and shared items, where its leads consent (/teams/<id>/shared). Loaded with import().
import { h, link, plural } from '../ui/h.js';
import { longDay } from '../lib/dates.js';
import { londonDay } from '../lib/clock.js';
import { readKept } from '../data/kept.js';
import { META, libraryItemKey, teamSharedKey } from '../meta-keys.js';
import { keptNotice } from '../ui/kept-notice.js';
import { FlashMessage } from '../ui/flash.js';
import { errorSlot, showErrors, characterCounter } from '../ui/field-errors.js';
import { teamsOf, canTakePart } from '../data/team.js';
import { beforeAfterText, renderBeforeAfterChart } from '../lib/before-after-chart.js';

const KIND = { adopted_change: 'Adopted change', case_study: 'Case study' };
const DECISION = { adopt: 'Adopt', adapt: 'Adapt', abandon: 'Abandon' };
const day = (iso) => longDay(iso);
const FILTERS = [['q', 'Words'], ['measure', 'Measure'], ['service', 'Service']];
let chartSeq = 0;

function chartFigure(chart, title, { width, height } = {}) {
  const description = beforeAfterText(chart, day);
  const holder = h('div', { class: 'before-after__drawing' });
  holder.innerHTML = renderBeforeAfterChart(chart, { title, description, width, height, id: `before-after-${++chartSeq}` });
  return h('figure', { class: 'before-after__figure', 'data-testid': 'before-after' },
    holder, h('figcaption', { class: 'hint-text' }, description));
}

const source = (item) => [item.team_name, item.board_name, item.service].filter(Boolean).join(' · ');

function itemCard(item) {
  return h('li', { class: 'card library__item', 'data-item': item.id, 'data-testid': 'library-item' },
    h('h2', { class: 'card__title' }, link(`/library/${item.id}`, item.title, { class: 'block-link' })),
    h('p', null, h('span', { class: 'tag tag--muted' }, KIND[item.kind] || item.kind), ' ', source(item)),
    item.measure_name ? h('p', null, h('strong', null, 'Measure: '), item.measure_name) : '',
    item.chart ? chartFigure(item.chart, `${item.measure_name} before and after “${item.title}”`) : '',
    item.text ? h('p', { class: 'library__excerpt' }, item.text.length > 240 ? `${item.text.slice(0, 239)}…` : item.text) : '');
}

function query() {
  const params = new URLSearchParams(location.search);
  return Object.fromEntries(FILTERS.map(([k]) => [k, (params.get(k) || '').trim()]).filter(([, v]) => v));
}

const pathOf = (q, cursor) => {
  const params = new URLSearchParams({ ...q, ...(cursor ? { cursor } : {}) });
  const text = params.toString();
  return `/api/library${text ? `?${text}` : ''}`;
};

export async function LibraryScreen(app) {
  const q = query();
  const filtered = Object.keys(q).length > 0;
  // The newest items are kept for offline reading; a search asks the server each time.
  const kept = filtered
    ? await app.transport.request('GET', pathOf(q)).then((res) => (res.status === 200 ? { body: res.body, fresh: true }
      : { refused: { status: res.status, message: res.body?.error?.message || 'The server refused this search.' } }))
      .catch(() => ({ body: null, fresh: false, offline_search: true }))
    : await readKept(app, META.LIBRARY, pathOf(q));
  const title = h('h1', null, 'Library');
  if (kept.refused) return h('div', { class: 'narrow' }, title, h('p', null, kept.refused.message));
  const body = kept.body;
  const items = body?.items || [];
  const list = h('ol', { class: 'cards library__items', 'data-testid': 'library-items' }, items.map(itemCard));
  let cursor = body?.next_cursor || null;
  const more = h('button', {
    type: 'button', class: 'button button--secondary', 'data-testid': 'more',
    onclick: async () => {
      const res = await app.transport.request('GET', pathOf(q, cursor)).catch(() => null);
      if (res?.status !== 200) return;
      list.append(...res.body.items.map(itemCard));
      cursor = res.body.next_cursor;
      more.hidden = !cursor;
    },
  }, 'Show more');
  more.hidden = !cursor;
  return h('div', { class: 'library', 'data-testid': 'library' },
    FlashMessage(app),
    title,
    h('p', null, 'Changes other teams tested and adopted, and what they learned from their huddles, shared with their lead’s consent. Find one that fits your team and adopt it to test it yourselves.'),
    ownTeams(app),
    searchForm(app, q, body?.facets || { measures: [], services: [] }),
    kept.offline_search ? h('p', { class: 'warning', 'data-testid': 'kept-notice' },
      'You are offline: searching needs a connection. ', link('/library', 'Show the newest items kept on this device')) : '',
    filtered ? '' : keptNotice(kept, 'the library'),
    body ? h('p', { role: 'status', 'data-testid': 'library-count' }, items.length
      ? `${filtered ? 'Found' : 'Newest'}: ${plural(items.length, 'item')}${cursor ? ' (more below)' : ''}.`
      : filtered ? 'Nothing matches this search. Try fewer words or another measure.' : 'Nothing has been shared yet.') : '',
    list, more);
}

// Leads and coaches prepare their teams' items and consent on each team's page.
function ownTeams(app) {
  const teams = teamsOf(app.me).filter((t) => t.role === 'lead' || (app.me?.coached_teams || []).some((c) => c.id === t.id));
  const unique = [...new Map(teams.map((t) => [t.id, t])).values()];
  return unique.length ? h('p', null, 'Your teams’ drafts and shared items: ',
    unique.map((t, i) => [i ? ', ' : '', link(`/teams/${t.id}/shared`, t.name)])) : '';
}

function searchForm(app, q, facets) {
  const words = h('input', { class: 'input', type: 'search', id: 'library-q', name: 'q', value: q.q || '' });
  const choose = (name, label, options) => {
    const current = q[name] || '';
    const values = current && !options.includes(current) ? [current, ...options] : options;
    return h('div', { class: 'form-group library__filter' },
      h('label', { class: 'label', for: `library-${name}` }, label),
      h('select', { class: 'select', id: `library-${name}`, name },
        h('option', { value: '' }, 'Any'),
        values.map((v) => h('option', { value: v, selected: v === current ? true : null }, v))));
  };
  return h('form', {
    class: 'library__search', role: 'search', 'aria-label': 'Search the library',
    onsubmit: (e) => {
      e.preventDefault();
      const data = new FormData(e.target);
      const params = new URLSearchParams([...data].filter(([, v]) => String(v).trim()).map(([k, v]) => [k, String(v).trim()]));
      const text = params.toString();
      app.navigate(`/library${text ? `?${text}` : ''}`);
    },
  },
  h('div', { class: 'form-group' }, h('label', { class: 'label', for: 'library-q' }, 'Words in the title or story'), words),
  h('div', { class: 'library__filters' },
    choose('measure', 'Measure', facets.measures), choose('service', 'Service', facets.services)),
  h('button', { type: 'submit', class: 'button' }, 'Search'));
}

// ------------------------------------------------------------------------------------------------ one item
export async function LibraryItemScreen(app) {
  const [itemId] = app.params;
  const kept = await readKept(app, libraryItemKey(itemId), `/api/library/${encodeURIComponent(itemId)}`);
  const back = h('p', null, link('/library', 'Back to the library', { class: 'block-link' }));
  if (kept.refused) {
    return h('div', { class: 'narrow' }, h('h1', null, kept.refused.status === 404 ? 'Not in the library' : 'Library'),
      h('p', null, kept.refused.status === 404 ? 'This item is not shared, or no longer: its team may have withdrawn it.' : kept.refused.message), back);
  }
  const item = kept.body;
  if (!item) return h('div', { class: 'narrow' }, h('h1', null, 'Library'), keptNotice(kept, 'this item'), back);
  return h('div', { class: 'library-item', 'data-testid': 'library-item-page' },
    FlashMessage(app),
    h('h1', null, item.title),
    keptNotice(kept, 'this item'),
    h('p', null, h('span', { class: 'tag tag--muted' }, KIND[item.kind] || item.kind), ' ',
      item.shared ? '' : h('span', { class: 'tag tag--waiting' }, 'Draft: not shared yet')),
    h('dl', { class: 'facts' },
      h('dt', null, 'Shared by'), h('dd', null, source(item)),
      item.measure_name ? [h('dt', null, 'Measure'), h('dd', null, item.measure_name)] : '',
      item.consented_at ? [h('dt', null, 'Shared on'), h('dd', null, day(londonDay(new Date(item.consented_at))))] : ''),
    item.text ? h('p', { class: 'prose' }, item.text) : '',
    item.chart ? h('section', { class: 'section', 'aria-labelledby': 'chart-title' },
      h('h2', { id: 'chart-title' }, `${item.chart.measure_name}: before and after`),
      chartFigure(item.chart, `${item.chart.measure_name} before and after “${item.title}”`, { width: 560, height: 200 })) : '',
    item.kind === 'adopted_change' ? h('section', { class: 'section', 'aria-labelledby': 'cycles-title' },
      h('h2', { id: 'cycles-title' }, 'How they tested it: PDSA cycles'),
      item.cycles.length ? h('ol', { class: 'cards' }, item.cycles.map((c) => h('li', { class: 'card', 'data-testid': 'cycle' },
        h('h3', { class: 'card__title' }, `Cycle started ${day(c.started_on)}`),
        h('dl', { class: 'facts' },
          h('dt', null, 'Plan'), h('dd', null, c.plan),
          h('dt', null, 'Do'), h('dd', null, c.do || 'Not written'),
          h('dt', null, 'Study'), h('dd', null, c.study || 'Not written'),
          h('dt', null, 'Act'), h('dd', null, c.act ? DECISION[c.act] : 'Not decided'))))) : h('p', null, 'No cycles recorded.')) : '',
    item.shared && item.kind === 'adopted_change' ? adoptForm(app, item) : '',
    back);
}

function adoptForm(app, item) {
  const teams = teamsOf(app.me).filter((t) => canTakePart(app, t.id) && t.id !== item.team_id);
  if (!teams.length) return '';
  const select = h('select', { class: 'select', id: 'adopt-team', name: 'team_id' },
    teams.map((t) => h('option', { value: t.id, selected: t.id === app.teamId ? true : null }, t.name)));
  const form = h('form', {
    class: 'section', novalidate: true, 'aria-labelledby': 'adopt-title',
    onsubmit: async (e) => {
      e.preventDefault();
      if (!navigator.onLine) return showErrors(form, { team_id: ['You are offline: adopting needs a connection. Try again when you are back online.'] });
      const res = await app.transport.request('POST', `/api/library/${encodeURIComponent(item.id)}/adopt`, { team_id: select.value }).catch(() => null);
      if (res?.status === 201 || res?.status === 200) {
        // The idea is written on the server like any synced record: pull it before showing the team's ideas.
        await app.syncNow?.('adopted');
        const name = teams.find((t) => t.id === res.body.team_id)?.name || 'your team';
        return app.navigate(`/teams/${res.body.team_id}/ideas`, { flash: res.status === 201
          ? `“${res.body.title}” is now one of ${name}’s ideas: plan a PDSA cycle to test it.` : `${name} has already adopted “${res.body.title}”.` });
      }
      showErrors(form, res?.body?.error?.fields || { team_id: [res?.body?.error?.message || 'The server could not be reached. Try again in a moment.'] });
    },
  },
  h('h2', { id: 'adopt-title' }, 'Adopt and adapt'),
  h('p', null, 'Copy this change into your team’s ideas, then test it your own way with PDSA cycles.'),
  h('div', { class: 'form-group' }, h('label', { class: 'label', for: 'adopt-team' }, 'Add it to the ideas of'), errorSlot('team_id'), select),
  h('button', { type: 'submit', class: 'button', 'data-testid': 'adopt' }, 'Adopt and adapt'));
  return form;
}

// ------------------------------------------------------------------------------------------------ a team's items
const isLead = (app, teamId) => (app.me?.teams || []).some((t) => t.id === teamId && t.role === 'lead');

export async function TeamSharedScreen(app) {
  const [teamId] = app.params;
  const name = teamsOf(app.me).find((t) => t.id === teamId)?.name || 'The team';
  const kept = await readKept(app, teamSharedKey(teamId), `/api/teams/${encodeURIComponent(teamId)}/shared-items`);
  const title = h('h1', null, `${name}: shared learning`);
  if (kept.refused) return h('div', { class: 'narrow' }, title, h('p', null, kept.refused.message));
  const items = kept.body?.items || [];
  const lead = isLead(app, teamId);
  const act = async (method, path, flash) => {
    const res = await app.transport.request(method, path).catch(() => null);
    if (res && res.status < 300) return app.navigate(location.pathname, { replace: true, flash });
    app.navigate(location.pathname, { replace: true, flash: res?.body?.error?.message || 'The server could not be reached. Try again in a moment.' });
  };
  const itemPath = (i) => `/api/teams/${encodeURIComponent(teamId)}/shared-items/${encodeURIComponent(i.id)}`;
  const card = (i) => h('li', { class: 'card', 'data-item': i.id, 'data-testid': 'shared-item' },
    h('h2', { class: 'card__title' }, link(`/library/${i.id}`, i.title, { class: 'block-link' })),
    h('p', null, h('span', { class: 'tag tag--muted' }, KIND[i.kind]), ' ',
      i.shared ? h('span', { class: 'tag tag--saved', 'data-testid': 'item-state' }, 'In the library')
        : h('span', { class: 'tag tag--waiting', 'data-testid': 'item-state' }, 'Draft: only this team sees it')),
    h('p', { class: 'hint-text' }, i.shared
      ? `Shared with ${i.consented_by_name}’s consent on ${day(londonDay(new Date(i.consented_at)))}.`
      : `Drafted by ${i.author_name}. A lead of the team consents before any other team sees it.`),
    lead && !i.shared ? h('button', { type: 'button', class: 'button button--small', 'data-testid': 'consent',
      onclick: () => act('POST', `${itemPath(i)}/consent`, `“${i.title}” is in the library.`) }, 'Consent and share') : '',
    lead && i.shared ? h('button', { type: 'button', class: 'button button--small button--secondary', 'data-testid': 'withdraw',
      onclick: () => act('DELETE', `${itemPath(i)}/consent`, `“${i.title}” is no longer in the library.`) }, 'Withdraw from the library') : '',
    lead || i.author_id === app.me?.id ? [' ', h('button', { type: 'button', class: 'button button--small button--warning',
      onclick: () => act('DELETE', itemPath(i), `Deleted “${i.title}”.`) }, 'Delete')] : '');
  return h('div', { class: 'team-shared', 'data-testid': 'team-shared' },
    FlashMessage(app),
    title,
    keptNotice(kept, 'this page'),
    h('p', null, lead
      ? 'Nothing leaves the team until you consent. You can withdraw an item from the library at any time.'
      : 'Items you prepare stay inside the team until one of its leads consents to share them.'),
    items.length ? h('ul', { class: 'cards' }, items.map(card)) : h('p', null, 'Nothing prepared or shared yet. Share an adopted idea from its page, or write a case study below.'),
    caseStudyForm(app, teamId),
    h('p', null, link('/library', 'Open the library', { class: 'block-link' })));
}

function caseStudyForm(app, teamId) {
  const titleInput = h('input', { class: 'input', id: 'case-title', name: 'title' });
  const text = h('textarea', { class: 'textarea', id: 'case-text', name: 'text', rows: 6 });
  const group = (name, label, control, extra = '') => h('div', { class: 'form-group' },
    h('label', { class: 'label', for: control.id }, label), errorSlot(name), control, extra);
  const form = h('form', {
    novalidate: true,
    onsubmit: async (e) => {
      e.preventDefault();
      if (!navigator.onLine) return showErrors(form, { text: ['You are offline: a case study is saved on the server. Connect and try again.'] });
      const res = await app.transport.request('POST', `/api/teams/${encodeURIComponent(teamId)}/shared-items`,
        { kind: 'case_study', title: titleInput.value.trim(), text: text.value.trim() }).catch(() => null);
      if (res?.status === 201) return app.navigate(location.pathname, { replace: true, flash: 'Case study saved as a draft.' });
      showErrors(form, res?.body?.error?.fields || { text: [res?.body?.error?.message || 'The server could not be reached. Try again in a moment.'] });
    },
  },
  h('p', { class: 'hint-text warning-text' }, 'Do not write patient details here: no names, CHI numbers or anything that identifies a person.'),
  group('title', 'Title', titleInput, characterCounter(titleInput, 200)),
  group('text', 'What you changed and what came of it', text, characterCounter(text, 4000)),
  h('button', { type: 'submit', class: 'button' }, 'Save as a draft'));
  return h('details', { class: 'details' }, h('summary', null, 'Write a case study from your huddles'), form);
}
