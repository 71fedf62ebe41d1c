// "Update available": shown when a new service worker is waiting. The page only lets it
// take over when the queued changes can still be sent by the new version (register-sw.js).
import { h, plural } from './h.js';

export function UpdateBanner(app) {
  const el = h('div', { class: 'banner', hidden: true, 'data-testid': 'update-banner', role: 'region', 'aria-label': 'App update' });
  function update() {
    const u = app.update;
    el.hidden = !u;
    if (!u) return el.replaceChildren();
    const body = [h('strong', null, 'Update available. ')];
    if (u.canActivate) {
      body.push(h('button', { type: 'button', class: 'button button--small', onclick: () => u.activate() }, 'Update now'));
    } else {
      body.push(h('span', { 'data-testid': 'update-waiting' },
        `It will be ready once your ${plural(app.status.pending, 'change')} waiting to sync ${app.status.pending === 1 ? 'is' : 'are'} saved to the server.`));
    }
    el.replaceChildren(h('div', { class: 'width' }, body));
  }
  return { el, update };
}
