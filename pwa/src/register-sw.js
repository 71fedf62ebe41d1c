// Service worker registration and the update flow.
//
// Rule (never activate a version that cannot read the queued changes): a new version
// waits. The page asks the waiting worker which outbox formats it can send
// (BUILD.reads_outbox_formats, injected by the build from db.js). The page sends
// SKIP_WAITING only when the outbox is empty, or when that list contains this version's
// OUTBOX_FORMAT. Otherwise the banner says the update will be ready once the queued
// changes are saved, and becomes an "Update now" button after the next successful sync.
import { OUTBOX_FORMAT } from './db-versions.js';

export function registerServiceWorker({ countQueued, onUpdate }) {
  if (!('serviceWorker' in navigator)) return null;
  let reg = null;
  let reloading = false;

  // The first install claims the page (controller null -> set): no reload for that. A new
  // version taking over (here or in another tab) reloads so page and cache agree.
  let controlled = !!navigator.serviceWorker.controller;
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    const wasControlled = controlled;
    controlled = true;
    if (reloading || !wasControlled) return;
    reloading = true;
    location.reload();
  });

  async function describeWaiting() {
    const worker = reg?.waiting;
    if (!worker || !navigator.serviceWorker.controller) return onUpdate(null);
    const build = await ask(worker, { type: 'GET_BUILD' });
    const queued = await countQueued();
    const compatible = !!build && (build.reads_outbox_formats || []).includes(OUTBOX_FORMAT);
    const canActivate = queued === 0 || compatible;
    onUpdate({
      version: build?.version,
      canActivate,
      async activate() {
        // Re-check at the moment of the tap: a write may have been queued since.
        if ((await countQueued()) > 0 && !compatible) return describeWaiting();
        worker.postMessage({ type: 'SKIP_WAITING' });
      },
    });
  }

  const ready = navigator.serviceWorker.register('/sw.js', { scope: '/' }).then((r) => {
    reg = r;
    if (r.waiting) describeWaiting();
    r.addEventListener('updatefound', () => {
      const nw = r.installing;
      nw?.addEventListener('statechange', () => {
        if (nw.state === 'installed') describeWaiting();
      });
    });
    // Look for a new version now and then (the browser also checks on navigation).
    setInterval(() => r.update().catch(() => {}), 30 * 60_000);
    return r;
  }).catch((err) => {
    console.warn('Service worker registration failed', err);
    return null;
  });

  return { ready, recheck: () => describeWaiting(), update: () => reg?.update() };
}

function ask(worker, message, timeout = 3000) {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    const timer = setTimeout(() => resolve(null), timeout);
    channel.port1.onmessage = (e) => {
      clearTimeout(timer);
      resolve(e.data);
    };
    worker.postMessage(message, [channel.port2]);
  });
}
