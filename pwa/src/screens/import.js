// Import weekly values from a CSV or .xlsx file (issue 5): the server checks the file and shows
// every row it would write, with a reason for each bad one; nothing is imported until the lead
// confirms, and nothing at all if any row is bad. Needs a connection (the server reads the file).
import { h, link, plural } from '../ui/h.js';
import { canEditMeasures, rawFetch } from '../data/team.js';
import { formatValue, longWeek } from '../lib/measure-text.js';

const STATUS_TEXT = { new: 'New value', change: 'Replaces', same: 'Same as now', error: 'Problem' };

export async function ImportScreen(app) {
  const title = h('h1', null, 'Import weekly values');
  if (!app.teamId) return h('div', null, title, h('p', null, 'You are not in a team yet.'));
  if (!canEditMeasures(app)) {
    return h('div', null, title, h('p', { 'data-testid': 'read-only' }, 'Only your team’s leads and coaches can import values.'),
      h('p', null, link('/boxscore', 'Back to the box score', { class: 'block-link' })));
  }
  const result = h('div', { 'data-testid': 'import-result', tabindex: '-1' });
  const fileInput = h('input', { type: 'file', id: 'file', name: 'file', class: 'input', accept: '.csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'aria-describedby': 'file-hint' });
  const offline = h('p', { class: 'warning', role: 'status', hidden: navigator.onLine }, 'You are offline. Importing needs a connection because the server checks the file; connect and try again.');
  const check = h('button', { type: 'submit', class: 'button' }, 'Check the file');
  const form = h('form', { class: 'narrow import-form', novalidate: true },
    h('div', { class: 'form-group' },
      h('label', { class: 'label', for: 'file' }, 'CSV or Excel (.xlsx) file'),
      h('div', { class: 'hint-text', id: 'file-hint' }, 'Either the box score layout (a Measure column and one column per week, headed by its Monday such as 2026-11-23, or an ISO week such as 2026-W48) or three columns: Measure, Week, Value. At most 1 MB.'),
      fileInput),
    h('div', { class: 'button-group' }, check, link('/boxscore', 'Cancel', { class: 'link-cancel' })));

  const post = async (commit) => {
    const body = new FormData();
    body.append('file', fileInput.files[0]);
    const res = await rawFetch(app, 'POST', `/api/teams/${encodeURIComponent(app.teamId)}/measure-values/import?commit=${commit}`, body);
    let data = null;
    try { data = await res.json(); } catch { /* not JSON */ }
    return { status: res.status, body: data };
  };
  const say = (...children) => {
    result.replaceChildren(...children);
    result.focus();
  };
  const problem = (text) => say(h('div', { class: 'error-summary', role: 'alert' }, h('h2', { class: 'error-summary__title' }, 'The file could not be imported'), h('p', null, text)));

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!fileInput.files?.length) {
      fileInput.setAttribute('aria-invalid', 'true');
      return problem('Choose a CSV or .xlsx file first.');
    }
    fileInput.removeAttribute('aria-invalid');
    if (!navigator.onLine) return problem('You are offline. Connect to the internet to import.');
    check.disabled = true;
    try {
      const res = await post(false);
      if (res.status !== 200) return problem(res.body?.error?.message || `The server could not read the file (${res.status}).`);
      say(preview(res.body));
    } catch {
      problem('Could not reach Valueboard. Check the connection and try again.');
    } finally {
      check.disabled = false;
    }
  });

  function preview(plan) {
    const c = plan.counts || {};
    const toWrite = (c.new || 0) + (c.change || 0);
    const rows = plan.rows || [];
    const shown = [...rows.filter((r) => r.status === 'error'), ...rows.filter((r) => r.status !== 'error')].slice(0, 500);
    const commit = h('button', {
      type: 'button', class: 'button', 'data-testid': 'commit-import',
      onclick: async () => {
        commit.disabled = true;
        try {
          const res = await post(true);
          if (res.status !== 200) return problem(res.body?.error?.message || `Nothing was imported (${res.status}).`);
          app.syncNow('import');
          app.navigate('/boxscore', { flash: `Imported ${plural(toWrite, 'value')}. They reach this device with the next sync.` });
        } catch {
          problem('Could not reach Valueboard. Nothing was imported; try again.');
        } finally {
          commit.disabled = false;
        }
      },
    }, `Import ${plural(toWrite, 'value')}`);
    return h('section', { 'aria-labelledby': 'preview-title', class: 'section' },
      h('h2', { id: 'preview-title' }, 'What the file holds'),
      h('ul', { class: 'preview-counts', 'data-testid': 'import-counts' },
        h('li', null, `${c.new || 0} new`), h('li', null, `${c.change || 0} changed`), h('li', null, `${c.same || 0} unchanged`),
        h('li', { class: c.error ? 'status-error' : null }, `${plural(c.error || 0, 'problem')}`)),
      c.error
        ? h('div', { class: 'error-summary', role: 'alert' }, h('h3', { class: 'error-summary__title' }, `${plural(c.error, 'row has', 'rows have')} a problem`),
          h('p', null, 'Nothing has been imported. Fix these rows in the file and check it again.'))
        : toWrite ? h('div', { class: 'button-group' }, commit) : h('p', { class: 'inset' }, 'Every value in the file is already on the box score: nothing to import.'),
      h('div', { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-labelledby': 'rows-caption' },
        h('table', { class: 'data-table', 'data-testid': 'import-rows' },
          h('caption', { id: 'rows-caption', class: 'visually-hidden' }, 'Rows in the file'),
          h('thead', null, h('tr', null, ['Row', 'Measure', 'Week', 'Value', 'Result'].map((t) => h('th', { scope: 'col' }, t)))),
          h('tbody', null, shown.map((r) => h('tr', { 'data-status': r.status },
            h('td', null, String(r.row ?? '')),
            h('td', null, r.measure || ''),
            h('td', null, r.week_start ? longWeek(r.week_start) : (r.week_text ?? r.column ?? '')),
            h('td', null, r.value == null ? '' : formatValue(r.value)),
            h('td', { class: r.status === 'error' ? 'status-error' : null },
              r.status === 'error' ? `Problem: ${r.error}` : r.status === 'change' ? `Replaces ${formatValue(r.current)}` : STATUS_TEXT[r.status] || r.status)))))),
      rows.length > shown.length ? h('p', { class: 'hint-text' }, `Showing ${shown.length} of ${rows.length} rows.`) : '');
  }

  return h('div', null, title, offline, form, result);
}
