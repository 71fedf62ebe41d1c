// A confirmation shown after an action ("Saved …"), with optional Undo: the new record
// `undo: {collection, id}` is deleted again. It stays until the next navigation (app.navigate sets
// or clears it), so the screen refreshing after a sync does not take it, or its Undo, away; only
// its first showing is a live region, so a screen reader announces it once.
import { h } from './h.js';
import { remove } from '../write.js';

export function FlashMessage(app) {
  const flash = app.flash;
  if (!flash) return '';
  const text = typeof flash === 'string' ? flash : flash.text;
  const live = !app.flashShown;
  app.flashShown = true;
  const el = h('div', { class: 'flash', role: live ? 'status' : null, 'data-testid': 'flash' }, h('p', null, text));
  if (flash.undo) {
    el.append(h('button', {
      type: 'button', class: 'button button--small button--secondary',
      onclick: async () => {
        await remove(app.db, app.session, flash.undo.collection, flash.undo.id);
        app.navigate(location.pathname, { replace: true, flash: 'Entry removed.' });
      },
    }, 'Undo'));
  }
  return el;
}
