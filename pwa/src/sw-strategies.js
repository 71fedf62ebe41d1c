// Named caching strategies for the service worker.
export const SHELL_CACHE = (version) => `vb-shell-${version}`;
const NAV_TIMEOUT_MS = 4000;

export async function precache(cacheName, urls) {
  const cache = await caches.open(cacheName);
  // cache: 'reload' bypasses the HTTP cache so a new version never precaches stale files.
  await cache.addAll(urls.map((u) => new Request(u, { cache: 'reload' })));
}

/** Delete every cache of ours not in the keep-list. */
export async function cleanOldCaches(keep) {
  const names = await caches.keys();
  await Promise.all(names.filter((n) => n.startsWith('vb-') && !keep.includes(n)).map((n) => caches.delete(n)));
}

/**
 * Navigations: try the network (fresh index.html), fall back to the cached shell when
 * offline or slow. Every app path is served by the same shell.
 */
export async function navigationNetworkFirst(request, cacheName) {
  const cache = await caches.open(cacheName);
  try {
    const res = await withTimeout(fetch(request), NAV_TIMEOUT_MS);
    if (res.ok && (res.headers.get('content-type') || '').includes('text/html')) return res;
    const shell = await cache.match('/');
    return res.ok || !shell ? res : shell;
  } catch {
    const shell = await cache.match('/');
    return shell || Response.error();
  }
}

export async function cacheFirstAsset(request, cacheName) {
  const cache = await caches.open(cacheName);
  const hit = await cache.match(request, { ignoreSearch: true });
  if (hit) return hit;
  const res = await fetch(request);
  if (res.ok) cache.put(request, res.clone());
  return res;
}

function withTimeout(promise, ms) {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('timeout')), ms);
    promise.then((v) => { clearTimeout(t); resolve(v); }, (e) => { clearTimeout(t); reject(e); });
  });
}
