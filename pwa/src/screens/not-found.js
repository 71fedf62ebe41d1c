import { h, link } from '../ui/h.js';

export async function NotFoundScreen() {
  return h('div', null, h('h1', null, 'Page not found'), h('p', null, link('/', 'Go to the home screen', { class: 'block-link' })));
}
