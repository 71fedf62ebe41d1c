// The team's time-lost reasons (issue 5): leads add, rename (the old name is kept in
// former_names so earlier entries still count), reorder and archive; everyone else reads.
// The quick-log and tally screens read the same list (data/capacity.js teamCategories).
import { h, link } from '../ui/h.js';
import { upsert, newId } from '../write.js';
import { problemsWith } from '../collections/rules.js';
import { canEditCategories } from '../data/team.js';
import { categoryRecords, ensureCategories, renameFields, reorder, DEFAULT_CATEGORIES } from '../data/categories.js';
import { FlashMessage } from '../ui/flash.js';
import { timeLostCategories } from '../collections/time-lost-categories.js';

export async function CategoriesScreen(app) {
  if (!app.teamId) return h('div', null, h('h1', null, 'Time-lost reasons'), h('p', null, 'You are not in a team yet.'));
  const editor = canEditCategories(app);
  const records = await categoryRecords(app.db, app.teamId);
  const usingDefaults = records.length === 0;
  const active = usingDefaults ? DEFAULT_CATEGORIES.map((name, i) => ({ id: `default-${i}`, name, position: i, former_names: [] })) : records.filter((c) => !c.archived);
  const archived = records.filter((c) => c.archived);
  const live = h('p', { class: 'visually-hidden', 'aria-live': 'polite' });

  const taken = (name, exceptId) => records.some((c) => c.id !== exceptId && !c.archived && c.name.toLowerCase() === name.toLowerCase())
    || (usingDefaults && DEFAULT_CATEGORIES.some((n) => n.toLowerCase() === name.toLowerCase()));

  // The record to change, creating the team's list from the defaults first if it has none yet.
  async function real(c) {
    if (!usingDefaults) return c;
    const list = await ensureCategories(app, app.teamId);
    return list.find((x) => x.name === c.name);
  }
  const done = (flash) => app.navigate('/categories', { replace: true, flash });

  function item(c, index, list) {
    const former = c.former_names?.length ? h('span', { class: 'cat__former' }, `Earlier: ${c.former_names.join(', ')}`) : '';
    const li = h('li', { 'data-category': c.name }, h('span', { class: 'cat__name' }, c.name, former));
    if (!editor) return li;
    const small = (text, aria, onclick, extra = '') => h('button', { type: 'button', class: `button button--small ${extra || 'button--secondary'}`, 'aria-label': aria, onclick }, text);
    const renameForm = () => {
      const input = h('input', { class: 'input', id: 'rename-input', value: c.name });
      const error = h('p', { class: 'error-message', id: 'rename-error', hidden: true });
      const form = h('form', { novalidate: true },
        h('label', { class: 'label', for: 'rename-input' }, `New name for “${c.name}”`), error,
        h('div', { class: 'inline' }, input, h('button', { type: 'submit', class: 'button button--small' }, 'Save name'),
          h('button', { type: 'button', class: 'button button--small button--secondary', onclick: () => app.refresh() }, 'Cancel')),
        h('p', { class: 'hint-text' }, 'Entries logged under the old name still count for this reason on the box score.'));
      form.addEventListener('submit', async (e) => {
        e.preventDefault();
        const name = input.value.trim();
        const problem = !name ? 'Enter a name' : (await problemsWith(timeLostCategories, { name })).name || (name !== c.name && taken(name, c.id) ? 'Another reason already has this name' : null);
        if (problem) {
          error.textContent = problem;
          error.hidden = false;
          input.setAttribute('aria-invalid', 'true');
          input.setAttribute('aria-describedby', 'rename-error');
          return input.focus();
        }
        if (name === c.name) return app.refresh();
        const target = await real(c);
        await upsert(app.db, app.session, timeLostCategories.name, target.id, renameFields(target, name));
        done(`Renamed “${c.name}” to “${name}”.`);
      });
      li.replaceChildren(form);
      input.focus();
      input.select();
    };
    li.append(h('div', { class: 'button-group' },
      index > 0 ? small('Up', `Move ${c.name} up`, () => move(c, index, -1)) : '',
      index < list.length - 1 ? small('Down', `Move ${c.name} down`, () => move(c, index, 1)) : '',
      small('Rename', `Rename ${c.name}`, renameForm),
      small('Archive', `Archive ${c.name}`, async () => {
        const target = await real(c);
        await upsert(app.db, app.session, timeLostCategories.name, target.id, { archived: true });
        done(`Archived “${c.name}”. It no longer appears when logging; its history is kept.`);
      })));
    return li;
  }

  async function move(c, index, delta) {
    const list = usingDefaults ? (await ensureCategories(app, app.teamId)).filter((x) => !x.archived) : active;
    for (const [id, position] of reorder(list, index, delta)) await upsert(app.db, app.session, timeLostCategories.name, id, { position });
    live.textContent = `Moved ${c.name} ${delta < 0 ? 'up' : 'down'}.`;
    await app.refresh();
    main().querySelector(`[aria-label="Move ${CSS.escape(c.name)} ${delta < 0 ? 'up' : 'down'}"]`)?.focus();
  }
  const main = () => document.getElementById('main') || document.body;

  let addForm = '';
  if (editor) {
    const input = h('input', { class: 'input', id: 'new-category', autocomplete: 'off' });
    const error = h('p', { class: 'error-message', id: 'new-category-error', hidden: true });
    addForm = h('form', { class: 'section', novalidate: true, 'aria-labelledby': 'add-title' },
      h('h2', { id: 'add-title' }, 'Add a reason'),
      h('label', { class: 'label', for: 'new-category' }, 'Name'), error,
      h('div', { class: 'inline' }, input, h('button', { type: 'submit', class: 'button' }, 'Add reason')));
    addForm.addEventListener('submit', async (e) => {
      e.preventDefault();
      const name = input.value.trim();
      const problem = !name ? 'Enter a name' : (await problemsWith(timeLostCategories, { name })).name || (taken(name) ? 'This reason is already on the list' : null);
      if (problem) {
        error.textContent = problem;
        error.hidden = false;
        input.setAttribute('aria-invalid', 'true');
        input.setAttribute('aria-describedby', 'new-category-error');
        return input.focus();
      }
      const list = await ensureCategories(app, app.teamId);
      const position = list.reduce((mx, x) => Math.max(mx, (x.position ?? 0) + 1), 0);
      await upsert(app.db, app.session, timeLostCategories.name, newId(), { team_id: app.teamId, name, former_names: [], position, archived: false });
      done(`Added “${name}”.`);
    });
  }

  return h('div', null,
    FlashMessage(app),
    h('h1', null, 'Time-lost reasons'),
    h('p', null, 'The reasons people pick when they log time lost, in this order.'),
    usingDefaults ? h('p', { class: 'inset' }, 'Your team is using the default list. ', editor ? 'Any change you make here starts the team’s own list.' : '') : '',
    editor ? '' : h('p', { class: 'hint-text', 'data-testid': 'read-only' }, 'Your team lead keeps this list.'),
    h('ul', { class: 'cat-list', 'data-testid': 'categories' }, active.map((c, i, list) => item(c, i, list))),
    addForm,
    archived.length ? h('section', { class: 'section', 'aria-labelledby': 'archived-title' },
      h('h2', { id: 'archived-title' }, 'Archived'),
      h('ul', { class: 'cat-list' }, archived.map((c) => h('li', null, h('span', { class: 'cat__name' }, c.name),
        editor ? h('button', {
          type: 'button', class: 'button button--small button--secondary', 'aria-label': `Restore ${c.name}`,
          onclick: async () => {
            await upsert(app.db, app.session, timeLostCategories.name, c.id, { archived: false });
            done(`Restored “${c.name}”.`);
          },
        }, 'Restore') : '')))) : '',
    live,
    h('p', null, link('/boxscore', 'Back to the box score', { class: 'block-link' })));
}
