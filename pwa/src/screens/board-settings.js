// The board's aims: what the team wants to achieve in each area of the box score, shown on its
// board. Leads and coaches write them (offline too); everyone in the team reads them.
import { h, link } from '../ui/h.js';
import { getRecord, listRecords } from '../records.js';
import { upsert } from '../write.js';
import { problemsWith } from '../collections/rules.js';
import { canSetBoardAims } from '../data/team.js';
import { GROUP_LABELS } from '../lib/measure-text.js';
import { FlashMessage } from '../ui/flash.js';
import { boardSettings, AIM_FIELDS } from '../collections/board-settings.js';
import { measures as measuresCollection } from '../collections/measures.js';

const MAX = 500;

export async function BoardSettingsScreen(app) {
  const title = 'The board’s aims';
  if (!app.teamId) return h('div', null, h('h1', null, title), h('p', null, 'You are not in a team yet.'));
  const id = boardSettings.recordId(app.teamId);
  const current = (await getRecord(app.db, boardSettings.name, id))?.data || {};
  const onBoard = (await listRecords(app.db, measuresCollection.name, app.teamId))
    .map((r) => r.data).filter((m) => m.on_board !== false && m.status !== 'retired' && m.name)
    .sort((a, b) => a.name.localeCompare(b.name));
  const area = (field) => GROUP_LABELS[field.slice('aim_'.length)];
  const measuresOnBoard = h('section', { class: 'section', 'aria-labelledby': 'on-board-title' },
    h('h2', { id: 'on-board-title' }, 'Measures charted on the board'),
    onBoard.length ? h('ul', { 'data-testid': 'on-board' }, onBoard.map((m) => h('li', null, m.name)))
      : h('p', null, 'None yet.'),
    h('p', null, link('/measures', 'Choose them in the measures list'), ' (each measure’s “Show on the team’s board”).'));

  if (!canSetBoardAims(app)) {
    return h('div', null, FlashMessage(app), h('h1', null, title),
      h('dl', { class: 'facts', 'data-testid': 'aims' }, AIM_FIELDS.map((f) => [h('dt', null, area(f)), h('dd', null, current[f] || 'No aim yet')])),
      h('p', { class: 'hint-text' }, 'Your team lead or coach sets the aims.'),
      measuresOnBoard);
  }

  const inputs = Object.fromEntries(AIM_FIELDS.map((f) => [f, h('textarea', {
    class: 'textarea', id: f, name: f, rows: 2, 'aria-describedby': `${f}-hint`,
  }, current[f] || '')]));
  const errors = Object.fromEntries(AIM_FIELDS.map((f) => [f, h('p', { class: 'error-message', id: `${f}-error`, hidden: true })]));
  const form = h('form', { novalidate: true, class: 'aims-form' },
    AIM_FIELDS.map((f) => h('div', { class: 'form-group' },
      h('label', { class: 'label', for: f }, `${area(f)} aim`),
      h('p', { class: 'hint-text', id: `${f}-hint` }, `Up to ${MAX} characters.`),
      errors[f], inputs[f])),
    h('button', { type: 'submit', class: 'button' }, 'Save aims'));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const changes = {};
    let firstBad = null;
    const typed = Object.fromEntries(AIM_FIELDS.map((f) => [f, inputs[f].value.trim() || null]));
    // The rules the server checks (spec/collections/): characters as people count them.
    const problems = await problemsWith(boardSettings, typed);
    for (const f of AIM_FIELDS) {
      const value = typed[f];
      const tooLong = !!problems[f];
      errors[f].hidden = !tooLong;
      errors[f].textContent = problems[f] || '';
      inputs[f].toggleAttribute('aria-invalid', tooLong);
      inputs[f].setAttribute('aria-describedby', tooLong ? `${f}-error ${f}-hint` : `${f}-hint`);
      if (tooLong) firstBad ||= inputs[f];
      else if (value !== (current[f] ?? null)) changes[f] = value;
    }
    if (firstBad) return firstBad.focus();
    if (!Object.keys(changes).length) return app.navigate('/board-settings', { replace: true, flash: 'Nothing changed.' });
    // Only the aims that changed are sent, so two people editing different aims both keep theirs.
    await upsert(app.db, app.session, boardSettings.name, id, current.team_id ? changes : { team_id: app.teamId, ...changes });
    app.navigate('/board-settings', { replace: true, flash: 'Aims saved. They sync to the team’s board.' });
  });
  return h('div', null, FlashMessage(app), h('h1', null, title),
    h('p', null, 'What the team wants to achieve in each area of the box score. They show on the team’s board.'),
    form, measuresOnBoard);
}
