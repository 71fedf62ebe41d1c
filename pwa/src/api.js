// The HTTP transport: JSON in and out, the device's bearer token, and the foundation's
// error shape. Returns {status, body}; throws only when the network itself fails.
import { getMeta } from './db.js';
import { META } from './meta-keys.js';

export function createTransport(db, { base = '', fetchImpl = (...a) => globalThis.fetch(...a) } = {}) {
  return {
    async request(method, path, body) {
      const session = await getMeta(db, META.SESSION);
      const headers = { Accept: 'application/json' };
      if (body !== undefined) headers['Content-Type'] = 'application/json';
      if (session?.token) headers.Authorization = `Bearer ${session.token}`;
      const res = await fetchImpl(base + path, {
        method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store',
      });
      let data = null;
      if (res.status !== 204) {
        try { data = await res.json(); } catch { data = null; }
      }
      return { status: res.status, body: data };
    },
    // A long-lived response read as it arrives (live updates): the token goes in its header as for
    // every request, never in a URL that logs would keep.
    async stream(path, signal) {
      const session = await getMeta(db, META.SESSION);
      const headers = { Accept: 'text/event-stream' };
      if (session?.token) headers.Authorization = `Bearer ${session.token}`;
      return fetchImpl(base + path, { headers, signal, cache: 'no-store' });
    },
  };
}

export function errorMessage(res, fallback = 'Something went wrong. Try again.') {
  return res?.body?.error?.message || fallback;
}
