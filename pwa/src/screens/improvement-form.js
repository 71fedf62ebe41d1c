// The form parts the ideas, PDSA cycle and action screens share: a labelled field with its hint and
// error message, and the error summary that names each problem found by data/improvement-rules.js.
import { h } from '../ui/h.js';

/** A labelled control in a form group; its error message (hidden until a problem) sits above it. */
export function field(name, label, control, hint) {
  control.id ||= name;
  control.name ||= name;
  const described = [hint ? `${name}-hint` : null].filter(Boolean).join(' ');
  if (described) control.setAttribute('aria-describedby', described);
  return h('div', { class: 'form-group', 'data-field': name },
    h('label', { class: 'label', for: control.id }, label),
    hint ? h('div', { class: 'hint-text', id: `${name}-hint` }, hint) : '',
    h('p', { class: 'error-message', id: `${name}-error`, hidden: true }),
    control);
}

export const textInput = (value, attrs = {}) => h('input', { class: 'input', type: 'text', value: value ?? '', ...attrs });
export const textArea = (value, attrs = {}) => h('textarea', { class: 'textarea', rows: 3, ...attrs }, value ?? '');
export const dateInput = (value, attrs = {}) => h('input', { class: 'input input--date', type: 'date', value: value ?? '', ...attrs });
export const select = (options, selected, attrs = {}) => h('select', { class: 'select', ...attrs },
  Object.entries(options).map(([value, label]) => h('option', { value, selected: value === (selected ?? '') }, label)));

/** Text from a form control: trimmed, or null when empty. */
export const textOf = (form, name) => String(new FormData(form).get(name) ?? '').trim() || null;

/**
 * Show `problems` ({field: message}) on `form`: a summary linking to each field, the message next to
 * it. Returns true when there were problems (the summary then has focus).
 */
export function showProblems(form, problems) {
  let summary = form.querySelector('.error-summary');
  if (!summary) {
    summary = h('div', { class: 'error-summary', role: 'alert', tabindex: '-1', hidden: true });
    form.prepend(summary);
  }
  for (const el of form.querySelectorAll('.error-message')) el.hidden = true;
  for (const el of form.querySelectorAll('[aria-invalid]')) {
    el.removeAttribute('aria-invalid');
    el.setAttribute('aria-describedby', (el.getAttribute('aria-describedby') || '').replace(/\S+-error\s?/, '').trim());
  }
  const entries = Object.entries(problems);
  summary.hidden = !entries.length;
  if (!entries.length) return false;
  summary.replaceChildren(h('h2', { class: 'error-summary__title' }, 'There is a problem'),
    h('ul', null, entries.map(([name, message]) => h('li', null, h('a', { href: `#${name}` }, message)))));
  for (const [name, message] of entries) {
    const error = form.querySelector(`#${name}-error`);
    if (error) {
      error.hidden = false;
      error.textContent = message;
    }
    const control = form.querySelector(`#${name}`);
    if (control) {
      control.setAttribute('aria-invalid', 'true');
      control.setAttribute('aria-describedby', `${name}-error ${control.getAttribute('aria-describedby') || ''}`.trim());
    }
  }
  summary.focus();
  return true;
}

/** The screen for a team this person cannot see, or an idea, cycle or action not on this device. */
export function notFound(title, back) {
  return h('div', null, h('h1', null, title), h('p', null, 'It may have been deleted, or it belongs to a team you are not in.'), back);
}
