// The ideas kanban (a column per status) and the PICK chart (impact × effort). A card moves by drag
// and drop, by its "Move to…" buttons, or by the arrow keys on the focused card (WCAG 2.2's
// alternative to dragging); moves are free in both directions and show at once, before the write.
import { h, link, plural } from '../ui/h.js';
import { upsert, newId } from '../write.js';
import { FlashMessage } from '../ui/flash.js';
import { teamRole, canTakePart } from '../data/team.js';
import {
  teamIdeas, teamActions, overwrittenMoves, overdueByIdea, moveHistory, moveIdea, STATUS_ORDER,
} from '../data/improvement.js';
import { checkIdea, TITLE_MAX } from '../data/improvement-rules.js';
import { ideas as ideasCollection, IDEA_STATUSES, PICKS } from '../collections/improvement.js';
import { today } from '../lib/clock.js';
import { formatTime } from '../lib/dates.js';
import { field, textInput, textArea, textOf, showProblems, notFound } from './improvement-form.js';

const shortPick = (pick) => PICKS[pick]?.split(' (')[0];
const ideasHref = (teamId) => `/teams/${teamId}/ideas`;

function views(teamId, here) {
  const item = (href, text) => h('li', null, link(href, text, here === href ? { 'aria-current': 'page' } : {}));
  return h('nav', { 'aria-label': 'Ideas views', class: 'views' }, h('ul', null,
    item(ideasHref(teamId), 'Kanban board'), item(`/teams/${teamId}/pick-chart`, 'PICK chart'), item(`/teams/${teamId}/actions`, 'Actions')));
}

function addIdeaForm(app, teamId, open) {
  const form = h('form', { class: 'form narrow', novalidate: true },
    field('title', 'Idea', textInput('', { maxlength: TITLE_MAX * 2, autocomplete: 'off' }), 'What could the team try? It starts in New, raised today.'),
    field('description', 'Details (optional)', textArea('')),
    h('button', { type: 'submit', class: 'button' }, 'Add idea'));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const fields = { title: textOf(form, 'title'), description: textOf(form, 'description'), status: 'new', raised_on: today() };
    if (showProblems(form, checkIdea(fields))) return;
    await upsert(app.db, app.session, ideasCollection.name, newId(), { team_id: teamId, ...fields });
    app.navigate(ideasHref(teamId), { replace: true, flash: `Added “${fields.title}” to New.` });
  });
  return h('details', { class: 'details add-idea', open }, h('summary', null, 'Add an idea'), form);
}

export async function IdeasScreen(app) {
  const teamId = app.params[0];
  if (!teamRole(app, teamId)) return notFound('Ideas', link('/', 'Go to the home screen'));
  const editor = canTakePart(app, teamId);
  // A background refresh rebuilds the screen: the card that had focus gets it back.
  const hadFocus = document.activeElement?.closest?.('[data-idea]')?.dataset.idea;
  const [list, actionList, overwritten] = await Promise.all([
    teamIdeas(app.db, teamId), teamActions(app.db, teamId), overwrittenMoves(app.db)]);
  const overdue = overdueByIdea(actionList);
  const deviceId = app.session?.device_id;
  const announce = h('p', { class: 'visually-hidden', role: 'status', 'data-testid': 'move-announcement' });

  const history = (idea) => {
    const moves = moveHistory(idea, overwritten.get(idea.id), deviceId);
    return moves.length ? h('ul', { class: 'moves', 'aria-label': 'Recent moves' }, moves.map((m) => h('li', { class: m.overwritten ? 'moves__overwritten' : null },
      m.overwritten ? h('strong', null, 'Overwritten: ') : '', m.text, m.at ? h('span', { class: 'moves__when' }, ` · ${formatTime(new Date(m.at).toISOString())}`) : ''))) : '';
  };
  const tags = (idea) => {
    const n = overdue.get(idea.id) || 0;
    return [
      idea.pick ? h('span', { class: 'tag tag--muted' }, `PICK: ${shortPick(idea.pick)}`) : '',
      n ? h('span', { class: 'tag tag--overdue' }, `${plural(n, 'overdue action')}`) : '',
      idea.pending ? h('span', { class: 'tag tag--waiting' }, 'Waiting to sync') : '',
    ];
  };
  const byId = new Map(list.map((i) => [i.id, i]));

  function card(idea) {
    const titleId = `idea-${idea.id}`;
    const menu = h('details', { class: 'move-menu' },
      h('summary', null, h('span', null, 'Move', h('span', { class: 'visually-hidden' }, ` “${idea.title}”`), ' to…')),
      h('div', { class: 'move-menu__options' }));
    // The options are made as the menu opens (on the summary's click, before the details open, so
    // a keyboard user's next Tab finds them): 300 cards need not carry 1,500 buttons.
    menu.firstChild.addEventListener('click', () => {
      if (menu.open) return;
      const el = menu.closest('[data-idea]');
      menu.lastChild.replaceChildren(...STATUS_ORDER.filter((s) => s !== el.dataset.status).map((s) => h('button', {
        type: 'button', class: 'button button--small button--secondary', onclick: () => move(el, s, { focusCard: true }),
      }, IDEA_STATUSES[s])));
    });
    return h('li', {
      class: 'idea-card', 'data-idea': idea.id, 'data-status': idea.status, tabindex: editor ? '0' : null,
      'aria-labelledby': titleId, 'aria-describedby': editor ? 'move-help' : null,
    },
    h('div', { class: 'idea-card__top' },
      editor ? h('span', { class: 'idea-card__grip', 'aria-hidden': 'true', title: 'Drag to another column' }, '⠿') : '',
      link(`${ideasHref(teamId)}/${idea.id}`, idea.title || 'Untitled idea', { id: titleId, class: 'idea-card__title' })),
    h('div', { class: 'idea-card__tags' }, tags(idea)),
    h('div', { class: 'idea-card__history' }, history(idea)),
    editor ? menu : '');
  }

  const columns = new Map(STATUS_ORDER.map((status) => [status, {
    list: h('ul', { class: 'column__cards' }),
    count: h('span', { class: 'column__count' }),
    empty: h('p', { class: 'column__empty' }, 'No ideas here.'),
  }]));
  for (const idea of list) (columns.get(idea.status) || columns.get('new')).list.append(card(idea));
  const recount = () => {
    for (const c of columns.values()) {
      const n = c.list.children.length;
      c.count.textContent = `${n}`;
      c.empty.hidden = n > 0;
    }
  };
  recount();

  /** The move itself: the card is in its new column before the write starts. */
  async function move(cardEl, status, { focusCard = false } = {}) {
    const idea = byId.get(cardEl.dataset.idea);
    if (!idea || cardEl.dataset.status === status) return;
    cardEl.dataset.status = status;
    columns.get(status).list.append(cardEl);
    recount();
    const menu = cardEl.querySelector('.move-menu');
    if (menu) menu.open = false;
    if (focusCard) cardEl.focus();
    announce.textContent = `“${idea.title}” moved to ${IDEA_STATUSES[status]}.`;
    const record = await moveIdea(app, idea.id, status);
    if (!record || !cardEl.isConnected) return;
    const next = { ...idea, ...record.data, id: idea.id, pending: record.pending };
    byId.set(idea.id, next);
    cardEl.querySelector('.idea-card__tags').replaceChildren(...tags(next).filter(Boolean));
    cardEl.querySelector('.idea-card__history').replaceChildren(history(next));
  }

  const board = h('div', { class: 'kanban', 'data-testid': 'kanban' }, STATUS_ORDER.map((status) => {
    const c = columns.get(status);
    return h('section', { class: 'column', 'data-column': status, 'aria-labelledby': `column-${status}` },
      h('h2', { class: 'column__title', id: `column-${status}` }, IDEA_STATUSES[status], ' ', c.count),
      c.empty, c.list);
  }));

  if (editor) {
    board.addEventListener('keydown', (e) => {
      const cardEl = e.target;
      if (!cardEl.matches?.('.idea-card') || !['ArrowLeft', 'ArrowRight'].includes(e.key) || e.altKey || e.ctrlKey || e.metaKey) return;
      e.preventDefault();
      const at = STATUS_ORDER.indexOf(cardEl.dataset.status);
      const to = STATUS_ORDER[at + (e.key === 'ArrowRight' ? 1 : -1)];
      if (to) move(cardEl, to, { focusCard: true });
      else announce.textContent = `“${byId.get(cardEl.dataset.idea)?.title}” is already in the ${e.key === 'ArrowRight' ? 'last' : 'first'} column.`;
    });
    dragAndDrop(board, (cardEl, status) => move(cardEl, status));
  }

  if (hadFocus) {
    requestAnimationFrame(() => {
      if (document.activeElement === document.body || !document.activeElement) board.querySelector(`[data-idea="${hadFocus}"]`)?.focus({ preventScroll: true });
    });
  }

  return h('div', { class: 'ideas-screen' },
    FlashMessage(app),
    h('h1', null, 'Ideas'),
    views(teamId, ideasHref(teamId)),
    editor ? addIdeaForm(app, teamId, list.length === 0) : '',
    editor ? h('p', { class: 'hint-text', id: 'move-help' },
      'Drag a card to another column, or use its “Move to…” button. With a keyboard, focus a card and press the left or right arrow key.') : '',
    announce,
    board);
}

/**
 * Drag a card to a column with a mouse, pen or finger (pointer events, so touch works on a tablet).
 * With a mouse the whole card drags; a finger drags by the grip, so touching a card elsewhere still
 * scrolls the page.
 */
function dragAndDrop(board, drop) {
  let drag = null;
  const columnAt = (x, y) => document.elementFromPoint(x, y)?.closest?.('[data-column]') || null;
  const mark = (column) => {
    if (drag.over === column) return;
    drag.over?.classList.remove('column--over');
    drag.over = column;
    column?.classList.add('column--over');
  };
  const end = (e, dropped) => {
    if (!drag || e.pointerId !== drag.pointerId) return;
    const { cardEl, moved, over } = drag;
    window.removeEventListener('pointermove', onMove);
    window.removeEventListener('pointerup', onUp);
    window.removeEventListener('pointercancel', onCancel);
    cardEl.classList.remove('idea-card--dragging');
    cardEl.style.transform = '';
    over?.classList.remove('column--over');
    drag = null;
    if (moved && dropped && over) drop(cardEl, over.dataset.column);
  };
  const onMove = (e) => {
    if (!drag || e.pointerId !== drag.pointerId) return;
    const dx = e.clientX - drag.x;
    const dy = e.clientY - drag.y;
    if (!drag.moved && Math.hypot(dx, dy) < 8) return;
    drag.moved = true;
    drag.cardEl.classList.add('idea-card--dragging');
    drag.cardEl.style.transform = `translate(${dx}px, ${dy}px)`;
    mark(columnAt(e.clientX, e.clientY));
  };
  const onUp = (e) => end(e, true);
  const onCancel = (e) => end(e, false);
  board.addEventListener('pointerdown', (e) => {
    const cardEl = e.target.closest('.idea-card');
    if (drag || !cardEl || e.button !== 0 || e.target.closest('a, button, summary, details[open]')) return;
    if (e.pointerType !== 'mouse' && !e.target.closest('.idea-card__grip')) return;
    e.preventDefault(); // no text selection while dragging
    drag = { cardEl, pointerId: e.pointerId, x: e.clientX, y: e.clientY, moved: false, over: null };
    window.addEventListener('pointermove', onMove);
    window.addEventListener('pointerup', onUp);
    window.addEventListener('pointercancel', onCancel);
  });
}

// ---- the PICK chart -------------------------------------------------------------------------------
// Impact up, effort across: easy on the left.
const QUADRANTS = ['implement', 'challenge', 'possible', 'kill'];
const ON_CHART = new Set(['new', 'prioritised', 'testing', 'parked']);

export async function PickChartScreen(app) {
  const teamId = app.params[0];
  if (!teamRole(app, teamId)) return notFound('PICK chart', link('/', 'Go to the home screen'));
  const editor = canTakePart(app, teamId);
  const list = (await teamIdeas(app.db, teamId)).filter((i) => ON_CHART.has(i.status));
  const here = `/teams/${teamId}/pick-chart`;
  const place = async (idea, pick) => {
    await upsert(app.db, app.session, ideasCollection.name, idea.id, { pick });
    app.navigate(here, { replace: true, flash: pick ? `“${idea.title}” placed in ${shortPick(pick)}.` : `“${idea.title}” taken off the chart.` });
  };
  const item = (idea) => h('li', { class: 'pick-item', 'data-idea': idea.id },
    link(`${ideasHref(teamId)}/${idea.id}`, idea.title || 'Untitled idea'),
    h('span', { class: 'pick-item__status' }, ` · ${IDEA_STATUSES[idea.status]}`),
    editor ? h('details', { class: 'move-menu' },
      h('summary', null, h('span', null, idea.pick ? 'Move' : 'Place', h('span', { class: 'visually-hidden' }, ` “${idea.title}”`), ' on the chart…')),
      h('div', { class: 'move-menu__options' },
        QUADRANTS.filter((q) => q !== idea.pick).map((q) => h('button', { type: 'button', class: 'button button--small button--secondary', onclick: () => place(idea, q) }, shortPick(q))),
        idea.pick ? h('button', { type: 'button', class: 'button button--small button--secondary', onclick: () => place(idea, null) }, 'Take off the chart') : '')) : '');
  const group = (title, ideasIn, attrs = {}) => h('section', { class: 'quadrant', 'aria-labelledby': `${attrs.id}-title`, ...attrs },
    h('h2', { id: `${attrs.id}-title` }, title, ' ', h('span', { class: 'column__count' }, String(ideasIn.length))),
    ideasIn.length ? h('ul', { class: 'pick-list' }, ideasIn.map(item)) : h('p', { class: 'column__empty' }, 'No ideas here.'));
  return h('div', null,
    FlashMessage(app),
    h('h1', null, 'PICK chart'),
    views(teamId, here),
    h('p', null, 'Place each idea by the difference it would make (impact) and how hard it is to do (effort). Adopted and abandoned ideas are left off.'),
    h('div', { class: 'pick-chart', 'data-testid': 'pick-chart' },
      h('p', { class: 'pick-chart__axis pick-chart__axis--impact', 'aria-hidden': 'true' }, 'Impact: high at the top, low below'),
      h('p', { class: 'pick-chart__axis pick-chart__axis--effort', 'aria-hidden': 'true' }, 'Effort: easy on the left, hard on the right'),
      QUADRANTS.map((q) => group(PICKS[q], list.filter((i) => i.pick === q), { id: `quadrant-${q}`, 'data-quadrant': q, class: `quadrant quadrant--${q}` }))),
    group('Not placed yet', list.filter((i) => !i.pick), { id: 'unplaced', 'data-quadrant': '' }));
}
