// The service worker's entry only wires events to named strategies.
// BUILD and PRECACHE are injected by build.mjs (never kept by hand).
/* global BUILD, PRECACHE */
import { backgroundSync } from './sw-background-sync.js';
import { showPush, openNotification } from './sw-push.js';
import { precache, cleanOldCaches, navigationNetworkFirst, cacheFirstAsset, SHELL_CACHE } from './sw-strategies.js';

self.addEventListener('install', (event) => {
  // No skipWaiting here: a new version waits until the page says it is safe.
  event.waitUntil(precache(SHELL_CACHE(BUILD.version), PRECACHE));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(cleanOldCaches([SHELL_CACHE(BUILD.version)]).then(() => self.clients.claim()));
});

self.addEventListener('message', (event) => {
  const { type } = event.data || {};
  if (type === 'GET_BUILD') event.ports[0]?.postMessage(BUILD);
  if (type === 'SKIP_WAITING') self.skipWaiting();
});

self.addEventListener('fetch', (event) => {
  const req = event.request;
  if (req.method !== 'GET') return;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith('/api/')) return; // never cache the API
  if (req.mode === 'navigate') {
    event.respondWith(navigationNetworkFirst(req, SHELL_CACHE(BUILD.version)));
  } else if (PRECACHE.includes(url.pathname)) {
    event.respondWith(cacheFirstAsset(req, SHELL_CACHE(BUILD.version)));
  }
});

// Background Sync, where the browser has it: when no page is open, push the outbox from
// here with the same sync client. Nothing depends on it; open pages sync on their own
// (open, online, focus, after writes, timer), so with a page open this does nothing.
self.addEventListener('sync', (event) => {
  if (event.tag === 'vb-sync') event.waitUntil(backgroundSync());
});

// Web Push (issue 13): show what the server pushed; a tap opens its path in the app (sw-push.js).
self.addEventListener('push', (event) => {
  event.waitUntil(showPush(self.registration, self.clients, event.data, self.location.origin));
});
self.addEventListener('notificationclick', (event) => {
  event.waitUntil(openNotification(event.notification, self.clients, self.location.origin));
});
