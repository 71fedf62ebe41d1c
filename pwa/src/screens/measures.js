// Measures (issue 5): the team's box score definition. Leads and coaches add and edit; everyone
// else reads. Writes are local first through the ordinary write path (collection `measures`).
import { h, link } from '../ui/h.js';
import { listRecords, getRecord } from '../records.js';
import { upsert, newId } from '../write.js';
import { problemsWith } from '../collections/rules.js';
import { GROUPS } from '../data/boxscore.js';
import { canEditMeasures } from '../data/team.js';
import { categoryRecords } from '../data/categories.js';
import { weekStart, addDays } from '../lib/dates.js';
import { today } from '../lib/clock.js';
import {
  GROUP_LABELS, SUBGROUP_LABELS, DIRECTION_LABELS, STATUS_LABELS, RULE_SET_TEXT, KIND_TEXT, DERIVED_UNIT_TEXT,
  sourceText, unitOf, formatValue, longWeek,
} from '../lib/measure-text.js';
import { FlashMessage } from '../ui/flash.js';
import { measures as measuresCollection } from '../collections/measures.js';

const byPosition = (a, b) => (a.position ?? 0) - (b.position ?? 0) || String(a.name).localeCompare(String(b.name));

async function teamMeasures(app) {
  const rows = await listRecords(app.db, measuresCollection.name, app.teamId);
  return rows.map((r) => ({ ...r.data, id: r.id, pending: r.pending })).sort(byPosition);
}

export async function MeasuresScreen(app) {
  if (!app.teamId) return h('div', null, h('h1', null, 'Measures'), h('p', null, 'You are not in a team yet.'));
  const editor = canEditMeasures(app);
  const [measures, cats] = await Promise.all([teamMeasures(app), categoryRecords(app.db, app.teamId)]);
  const categories = new Map(cats.map((c) => [c.id, c]));
  const item = (m) => h('li', { 'data-measure': m.id },
    h('div', null,
      h('span', { class: 'measure__name' }, m.name), ' ',
      m.status !== 'active' ? h('span', { class: 'tag tag--muted' }, STATUS_LABELS[m.status]) : '',
      m.on_board === false ? h('span', { class: 'tag tag--muted' }, 'Not on the board') : '',
      m.pending ? h('span', { class: 'tag tag--waiting' }, 'Waiting to sync') : '',
      h('span', { class: 'measure__meta' }, [sourceText(m, categories), unitOf(m) && m.source !== 'derived' ? `unit: ${unitOf(m)}` : '',
        DIRECTION_LABELS[m.direction]?.toLowerCase(), m.target != null ? `target ${formatValue(m.target)}` : ''].filter(Boolean).join(' · '))),
    h('div', { class: 'button-group' },
      m.status !== 'retired' ? link(`/boxscore/${m.id}`, 'Chart', { class: 'button button--small button--secondary', 'aria-label': `Chart of ${m.name}` }) : '',
      editor ? link(`/measures/${m.id}`, 'Edit', { class: 'button button--small', 'aria-label': `Edit ${m.name}` }) : ''));
  const live = measures.filter((m) => m.status !== 'retired');
  const retired = measures.filter((m) => m.status === 'retired');
  return h('div', null,
    FlashMessage(app),
    h('h1', null, 'Measures'),
    editor
      ? h('div', { class: 'button-group' }, link('/measures/new', 'Add a measure', { class: 'button', 'data-testid': 'add-measure' }))
      : h('p', { class: 'inset', 'data-testid': 'read-only' }, 'Your team lead or coach chooses the box score measures. You can read them here and enter weekly values in the huddle.'),
    GROUPS.map((g) => {
      const list = live.filter((m) => m.group === g);
      return h('section', { class: 'section', 'aria-labelledby': `group-${g}` },
        h('h2', { id: `group-${g}` }, GROUP_LABELS[g]),
        list.length ? h('ul', { class: 'measure-list' }, list.map(item)) : h('p', { class: 'hint-text' }, 'None yet.'));
    }),
    retired.length ? h('section', { class: 'section', 'aria-labelledby': 'group-retired' },
      h('h2', { id: 'group-retired' }, 'Retired'),
      h('p', { class: 'hint-text' }, 'Not on the box score any more; their history is kept.'),
      h('ul', { class: 'measure-list' }, retired.map(item))) : '',
    h('p', null, link('/boxscore', 'Back to the box score', { class: 'block-link' })));
}

// ---- the form -----------------------------------------------------------------------------------
const FIELDS = ['name', 'group', 'subgroup', 'unit', 'direction', 'target', 'aim', 'operational_definition', 'source',
  'derived_kind', 'derived_category_id', 'derived_unit', 'on_board', 'status', 'rule_set', 'rebase_weeks'];

export async function MeasureFormScreen(app) {
  const id = app.params[0];
  const creating = !id;
  if (!app.teamId) return h('div', null, h('h1', null, 'Measure'), h('p', null, 'You are not in a team yet.'));
  if (!canEditMeasures(app)) {
    return h('div', null, h('h1', null, creating ? 'Add a measure' : 'Edit measure'),
      h('p', { 'data-testid': 'read-only' }, 'Only your team’s leads and coaches can add or change measures.'),
      h('p', null, link('/measures', 'Back to the measures', { class: 'block-link' })));
  }
  const record = creating ? null : await getRecord(app.db, measuresCollection.name, id);
  if (!creating && (!record || record.deleted)) {
    return h('div', null, h('h1', null, 'Measure not found'), h('p', null, link('/measures', 'Back to the measures', { class: 'block-link' })));
  }
  const values = creating
    ? { group: new URLSearchParams(location.search).get('group') || 'performance', direction: 'up', source: 'manual', derived_kind: 'time_lost', derived_unit: 'hours', on_board: true, status: 'active', rule_set: 'mdc', rebase_weeks: [] }
    : { ...record.data };
  const categories = (await categoryRecords(app.db, app.teamId));

  const err = {};
  const errorFor = (name) => (err[name] = h('p', { class: 'error-message', id: `${name}-error`, hidden: true }));
  const group = (name, labelText, control, hint) => {
    if (hint) control.setAttribute('aria-describedby', `${name}-hint`);
    return h('div', { class: 'form-group', 'data-field': name },
      h('label', { class: 'label', for: name }, labelText), hint ? h('div', { class: 'hint-text', id: `${name}-hint` }, hint) : '', errorFor(name), control);
  };
  const radios = (name, legend, options, hint) => h('fieldset', { class: 'fieldset', 'data-field': name },
    h('legend', { class: 'legend' }, legend), hint ? h('div', { class: 'hint-text' }, hint) : '', errorFor(name),
    h('div', { class: 'radios' }, Object.entries(options).map(([k, label]) => h('div', { class: 'radio' },
      h('input', { type: 'radio', class: 'radio__input', name, id: `${name}-${k}`, value: k, checked: values[name] === k }),
      h('label', { class: 'radio__label', for: `${name}-${k}` }, label)))));
  const input = (name, attrs = {}) => h('input', { class: 'input', id: name, name, value: values[name] ?? '', ...attrs });
  const textarea = (name, max, hintId) => h('textarea', { class: 'textarea', id: name, name, rows: 3, 'aria-describedby': hintId || null }, values[name] || '');
  const select = (name, options, selected) => h('select', { class: 'select', id: name, name },
    Object.entries(options).map(([k, label]) => h('option', { value: k, selected: k === (selected ?? '') }, label)));

  const categoryOptions = { '': 'All time lost' };
  for (const c of categories) categoryOptions[c.id] = c.archived ? `${c.name} (archived)` : c.name;
  if (values.derived_category_id && !(values.derived_category_id in categoryOptions)) categoryOptions[values.derived_category_id] = 'A category that no longer exists';
  const derivedBox = h('div', { class: 'inset', 'data-testid': 'derived-fields' },
    group('derived_kind', 'Work out from', select('derived_kind', KIND_TEXT, values.derived_kind || 'time_lost')),
    group('derived_category_id', 'Time-lost reason', select('derived_category_id', categoryOptions, values.derived_category_id || ''), 'For time lost only: count one reason (its earlier names too), or all of them.'),
    radios('derived_unit', 'Show it as', DERIVED_UNIT_TEXT, '% of contracted hours uses the team’s contracted hours per week.'));
  const manualBox = h('div', null, group('unit', 'Unit (optional)', input('unit'), 'For example: patients, %, £, days.'));

  // Re-bases live in form controls (not in script state), so a background refresh cannot drop them.
  const mondays = Array.from({ length: 52 }, (_, i) => addDays(weekStart(today()), -7 * i));
  const rebaseBox = h('fieldset', { class: 'fieldset' }, h('legend', { class: 'legend' }, 'Re-base the limits'),
    h('div', { class: 'hint-text' }, 'After a sustained change, start new limits from a week. Untick a re-base to remove it.'),
    (values.rebase_weeks || []).length
      ? [...values.rebase_weeks].sort().map((w, i) => h('div', { class: 'checkbox' },
        h('input', { type: 'checkbox', id: `rebase-${i}`, name: 'rebase', value: w, checked: true }),
        h('label', { for: `rebase-${i}` }, `New limits from w/c ${longWeek(w)}`)))
      : h('p', null, 'Not re-based: the limits come from the first 12 weeks.'),
    group('rebase_add', 'Start new limits from', h('select', { class: 'select', id: 'rebase_add', name: 'rebase_add' },
      h('option', { value: '' }, 'No new re-base'),
      mondays.map((w, i) => h('option', { value: w }, i === 0 ? `This week (${longWeek(w)})` : `w/c ${longWeek(w)}`)))));

  const form = h('form', { class: 'form narrow', novalidate: true },
    h('div', { class: 'error-summary', role: 'alert', tabindex: '-1', hidden: true }),
    group('name', 'Name', input('name', { required: true })),
    radios('group', 'Group', GROUP_LABELS),
    group('subgroup', 'Area (performance measures)', select('subgroup', { '': 'None', ...SUBGROUP_LABELS }, values.subgroup || '')),
    radios('source', 'Where the numbers come from', { manual: 'Entered each week', derived: 'Worked out from capacity entries' }),
    manualBox, derivedBox,
    radios('direction', 'Which way is better?', DIRECTION_LABELS),
    group('target', 'Target (optional)', input('target', { type: 'number', step: 'any', inputmode: 'decimal', class: 'input input--width-4' })),
    group('aim', 'Aim (optional)', textarea('aim', 500), 'What the team wants to achieve, by when. For example: reduce time lost searching for equipment by half by March.'),
    group('operational_definition', 'Operational definition (optional)', textarea('operational_definition', 2000), 'Exactly what is counted, from where, and who collects it.'),
    radios('rule_set', 'Chart rules', RULE_SET_TEXT),
    rebaseBox,
    radios('status', 'Status', STATUS_LABELS, 'Measures that are sustained can be watched less often; retired ones leave the box score but keep their history.'),
    h('div', { class: 'form-group' }, h('div', { class: 'checkbox' },
      h('input', { type: 'checkbox', id: 'on_board', name: 'on_board', checked: values.on_board !== false }),
      h('label', { for: 'on_board' }, 'Show on the team’s board'))),
    h('div', { class: 'button-group' },
      h('button', { type: 'submit', class: 'button' }, creating ? 'Add measure' : 'Save changes'),
      link('/measures', 'Cancel', { class: 'link-cancel' })));

  const syncSource = () => {
    const derived = form.querySelector('input[name=source]:checked')?.value === 'derived';
    derivedBox.hidden = !derived;
    manualBox.hidden = derived;
    const kind = form.querySelector('#derived_kind').value;
    form.querySelector('[data-field=derived_category_id]').hidden = kind !== 'time_lost';
  };
  form.addEventListener('change', syncSource);
  syncSource();

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const d = new FormData(form);
    const text = (k) => (String(d.get(k) ?? '').trim() || null);
    const next = {
      name: text('name'), group: d.get('group'), subgroup: text('subgroup'), direction: d.get('direction'),
      aim: text('aim'), operational_definition: text('operational_definition'), source: d.get('source'),
      on_board: d.get('on_board') === 'on', status: d.get('status'), rule_set: d.get('rule_set'),
      rebase_weeks: [...new Set([...d.getAll('rebase'), d.get('rebase_add')].filter(Boolean))].sort(),
      target: text('target') === null ? null : Number(text('target')),
    };
    if (next.source === 'derived') {
      Object.assign(next, { unit: null, derived_kind: d.get('derived_kind'), derived_unit: d.get('derived_unit') || 'hours',
        derived_category_id: d.get('derived_kind') === 'time_lost' ? text('derived_category_id') : null });
    } else {
      Object.assign(next, { unit: text('unit'), derived_kind: null, derived_unit: null, derived_category_id: null });
    }
    const problems = [];
    if (!next.name) problems.push(['name', 'Enter a name for the measure']);
    if (!GROUPS.includes(next.group)) problems.push(['group', 'Choose a group']);
    if (next.target !== null && !Number.isFinite(next.target)) problems.push(['target', 'Enter the target as a number, or leave it empty']);
    // Then the rules the server checks (spec/collections/), in this form's words.
    for (const [k, msg] of Object.entries(await problemsWith(measuresCollection, next, { creating }))) {
      if (err[k] && !problems.some(([field]) => field === k)) problems.push([k, msg]);
    }
    if (showErrors(problems)) return;

    let fields;
    if (creating) {
      const existing = await listRecords(app.db, measuresCollection.name, app.teamId);
      const position = existing.reduce((mx, r) => Math.max(mx, (r.data.position ?? 0) + 1), 0);
      fields = { team_id: app.teamId, ...next, position };
    } else {
      fields = {};
      for (const k of FIELDS) if (JSON.stringify(values[k] ?? null) !== JSON.stringify(next[k] ?? null)) fields[k] = next[k];
    }
    const recordId = creating ? newId() : id;
    if (Object.keys(fields).length) await upsert(app.db, app.session, measuresCollection.name, recordId, fields);
    app.navigate('/measures', { flash: creating ? `Added “${next.name}”.` : Object.keys(fields).length ? `Saved “${next.name}”.` : 'Nothing changed.' });
  });

  function showErrors(problems) {
    const summary = form.querySelector('.error-summary');
    for (const el of Object.values(err)) el.hidden = true;
    for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
    if (!problems.length) { summary.hidden = true; return false; }
    summary.hidden = false;
    summary.replaceChildren(h('h2', { class: 'error-summary__title' }, 'There is a problem'),
      h('ul', null, problems.map(([k, msg]) => h('li', null, h('a', { href: `#${k === 'group' ? 'group-performance' : k}` }, msg)))));
    for (const [k, msg] of problems) {
      err[k].hidden = false;
      err[k].textContent = msg;
      const control = form.querySelector(`#${k}`);
      if (control) { control.setAttribute('aria-invalid', 'true'); control.setAttribute('aria-describedby', `${k}-error`); }
    }
    summary.focus();
    return true;
  }

  return h('div', null,
    h('h1', null, creating ? 'Add a measure' : `Edit ${values.name}`),
    form);
}
