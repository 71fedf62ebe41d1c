// A form's problems shown next to their fields (before anything is saved), and the character
// counter of a text box: counted as people count characters, and never cutting what they typed.
import { h } from './h.js';
import { characters } from '../lib/characters.js';

/** The place for a field's message, above its input (`#${name}-error`); hidden while empty. */
export function errorSlot(name, text = '') {
  return h('p', { class: 'error-message', id: `${name}-error`, hidden: !text, 'data-error-for': name }, text);
}

/** Show `errors` ({field: message}) in `form`'s slots, mark the inputs, focus the first. True if any. */
export function showErrors(form, errors) {
  let first = null;
  for (const slot of form.querySelectorAll('[data-error-for]')) {
    const name = slot.dataset.errorFor;
    const text = errors[name] || '';
    slot.textContent = text;
    slot.hidden = !text;
    const input = form.querySelector(`#${name}`) || form.querySelector(`[name=${name}]`);
    if (!input) continue;
    if (text) input.setAttribute('aria-invalid', 'true');
    else input.removeAttribute('aria-invalid');
    if (text && !first) first = input;
  }
  const details = first?.closest('details');
  if (details) details.open = true;
  first?.focus();
  return !!first;
}

/**
 * "480 of 500 characters" under `textarea`, which is never cut (no maxlength: a browser counts in
 * code units and cuts emoji). A screen reader hears it only when it matters: nearing the limit,
 * over it, back under it.
 */
export function characterCounter(textarea, max) {
  const id = `${textarea.id}-count`;
  const counter = h('p', { class: 'hint-text', id });
  const spoken = h('p', { class: 'visually-hidden', 'aria-live': 'polite' });
  let band = 'ok';
  const update = () => {
    const n = characters(textarea.value);
    counter.textContent = `${n} of ${max} characters`;
    counter.classList.toggle('error-message', n > max);
    const next = n > max ? 'over' : n > max * 0.9 ? 'near' : 'ok';
    if (next !== band) spoken.textContent = next === 'over' ? `${n - max} characters too many` : next === 'near' ? `${max - n} characters left` : '';
    band = next;
  };
  textarea.setAttribute('aria-describedby', [textarea.getAttribute('aria-describedby'), id].filter(Boolean).join(' '));
  textarea.addEventListener('input', update);
  update();
  return h('div', null, counter, spoken);
}
