// iOS Safari evicts a site's storage after 7 days without a visit unless the app is on
// the Home Screen, so say so (once, dismissible).
import { h } from './h.js';

export function isIosSafari(nav = navigator) {
  const ua = nav.userAgent || '';
  const ios = /iPhone|iPad|iPod/.test(ua) || (nav.platform === 'MacIntel' && nav.maxTouchPoints > 1);
  return ios && /Safari\//.test(ua) && !/CriOS|FxiOS|EdgiOS/.test(ua);
}

export function InstallHint() {
  const standalone = matchMedia('(display-mode: standalone)').matches || navigator.standalone;
  if (!isIosSafari() || standalone || localStorage.getItem('vb-ios-hint') === 'no') return null;
  const el = h('aside', { class: 'hint', 'aria-label': 'Add to Home Screen' },
    h('p', null, 'To keep your entries safe on this iPhone or iPad, tap Share, then ',
      h('strong', null, 'Add to Home Screen'), '. Safari may delete offline data of sites not on the Home Screen after 7 days.'),
    h('button', { type: 'button', class: 'button button--small button--secondary', onclick: () => { localStorage.setItem('vb-ios-hint', 'no'); el.remove(); } }, 'Got it'));
  return el;
}
