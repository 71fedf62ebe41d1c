// A one-off confirmation shown after an action ("Saved …"), with optional Undo: the new record
// `undo: {collection, id}` is deleted again.
import { h } from './h.js';
import { remove } from '../write.js';

export function FlashMessage(app) {
  const flash = app.flash;
  app.flash = null;
  if (!flash) return '';
  const text = typeof flash === 'string' ? flash : flash.text;
  const el = h('div', { class: 'flash', role: 'status', 'data-testid': 'flash' }, h('p', null, text));
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
