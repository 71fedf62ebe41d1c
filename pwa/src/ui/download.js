// A file the server makes (a CSV or .xlsx), saved through the browser: fetched with this device's
// token (a plain link could not send it), then handed to a temporary download link.
import { h } from './h.js';
import { rawFetch } from '../data/team.js';

/** Downloads `path`; resolves to the file's name (the server's, else `fallbackName`), throws on failure. */
export async function downloadFrom(app, path, fallbackName) {
  const res = await rawFetch(app, 'GET', path);
  if (!res.ok) throw new Error(String(res.status));
  const name = /filename="([^"]+)"/.exec(res.headers.get('Content-Disposition') || '')?.[1] || fallbackName;
  const url = URL.createObjectURL(await res.blob());
  const a = h('a', { href: url, download: name, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
  return name;
}
