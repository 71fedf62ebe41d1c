// Build the PWA into dist/: hashed JS and CSS under assets/, index.html, the manifest and
// icons from public/, and sw.js with its precache list and build info generated here
// (never kept by hand). Prints gzipped sizes and fails when the shell (what the first screen loads:
// the entry, the chunks it imports statically, the CSS and sw.js) is over the 60 KB budget. Screens
// a route loads with import() are chunks of their own, precached for offline use but not in the shell.
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DB_VERSION, OUTBOX_FORMAT, READS_OUTBOX_FORMATS, SYNC_SCHEMA_VERSION } from './src/db-versions.js';

const ROOT = new URL('.', import.meta.url).pathname;
const DIST = join(ROOT, 'dist');
const BUDGET = 60 * 1024;

rmSync(DIST, { recursive: true, force: true });
mkdirSync(join(DIST, 'assets'), { recursive: true });

const app = await build({
  entryPoints: [join(ROOT, 'src/main.js')],
  bundle: true, splitting: true, minify: !process.env.VB_DEBUG, format: 'esm', target: ['es2022', 'chrome100', 'safari15.4', 'firefox100'],
  outdir: DIST, entryNames: 'assets/app-[hash]', chunkNames: 'assets/chunk-[hash]', assetNames: 'assets/[name]-[hash]',
  metafile: true, legalComments: 'none', logLevel: 'warning',
});
const url = (p) => '/' + relative(DIST, join(process.cwd(), p));
// Screens loaded with import() are entry points too (dynamic ones): the shell's is main.js.
const [entryPath, entry] = Object.entries(app.metafile.outputs).find(([, o]) => o.entryPoint?.endsWith('src/main.js'));
const js = url(entryPath);
const css = entry.cssBundle ? url(entry.cssBundle) : null;
// The shell: the entry and every chunk reached from it by static imports.
const shellChunks = new Set();
(function follow(o) {
  for (const imp of o.imports) {
    if (imp.kind !== 'import-statement' || shellChunks.has(imp.path)) continue;
    shellChunks.add(imp.path);
    follow(app.metafile.outputs[imp.path]);
  }
})(entry);
const lazyChunks = Object.keys(app.metafile.outputs)
  .filter((p) => p.endsWith('.js') && p !== entryPath && !shellChunks.has(p)).map(url);

cpSync(join(ROOT, 'public'), DIST, { recursive: true });

const template = readFileSync(join(ROOT, 'index.html'), 'utf8');
const html = template
  .replace('<!--STYLES-->', css ? `<link rel="stylesheet" href="${css}">` : '')
  .replace('<!--SCRIPTS-->', `<script type="module" src="${js}"></script>`);
writeFileSync(join(DIST, 'index.html'), html);

// Precache: the shell ('/' is index.html) and every file the build wrote, except sw.js.
const files = walk(DIST).map((f) => '/' + relative(DIST, f)).filter((p) => p !== '/sw.js' && p !== '/index.html' && p !== '/robots.txt');
const precache = ['/', ...files.sort()];
const hash = createHash('sha256');
for (const f of walk(DIST).sort()) hash.update(f).update(readFileSync(f));
const version = hash.digest('hex').slice(0, 12);
const buildInfo = { version, db_version: DB_VERSION, outbox_format: OUTBOX_FORMAT, reads_outbox_formats: READS_OUTBOX_FORMATS, sync_schema_version: SYNC_SCHEMA_VERSION };

const sw = await build({
  entryPoints: [join(ROOT, 'src/sw.js')],
  bundle: true, minify: true, format: 'iife', target: ['es2022'], outfile: join(DIST, 'sw.js'), legalComments: 'none', logLevel: 'warning',
  banner: { js: `const BUILD = ${JSON.stringify(buildInfo)};\nconst PRECACHE = ${JSON.stringify(precache)};` },
  metafile: true,
});
// The service worker opens the database (collections/index.js, for its indexes) but renders
// nothing: a screen in it means something it loads started importing the UI.
const swInputs = Object.values(sw.metafile.outputs).flatMap((o) => Object.keys(o.inputs));
const ui = swInputs.filter((p) => /src\/(screens|ui|routes)\/|\.css$/.test(p));
if (ui.length) {
  console.error(`FAIL: the service worker bundles screens: ${ui.join(', ')}`);
  process.exit(1);
}
// Nor does it describe records: it needs each collection's name and indexes only (the words are
// dropped by their pure marks, collections/words.js), and every byte of it is in the shell.
const swText = readFileSync(join(DIST, 'sw.js'), 'utf8');
if (/\bnoun:/.test(swText)) {
  console.error('FAIL: the service worker bundles the collections\' words; mark the call that keeps them /* @__PURE__ */');
  process.exit(1);
}
writeFileSync(join(DIST, 'build.json'), JSON.stringify({ ...buildInfo, precache }, null, 2) + '\n');

// Sizes
const size = (p) => {
  const buf = readFileSync(join(DIST, p));
  return { file: p, bytes: buf.length, gzip: gzipSync(buf, { level: 9 }).length };
};
const rows = [js, ...[...shellChunks].map(url), css, '/sw.js'].filter(Boolean).map(size);
const total = rows.reduce((t, r) => t + r.gzip, 0);
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
console.log('Valueboard PWA build', version);
for (const r of rows) console.log(`  ${r.file.padEnd(34)} ${kb(r.bytes).padStart(9)}  ${kb(r.gzip).padStart(8)} gzip`);
console.log(`  ${'shell JS + CSS total'.padEnd(34)} ${''.padStart(9)}  ${kb(total).padStart(8)} gzip (budget ${kb(BUDGET)})`);
for (const r of lazyChunks.map(size)) console.log(`  ${(r.file + ' (loaded by a route)').padEnd(34)} ${kb(r.bytes).padStart(9)}  ${kb(r.gzip).padStart(8)} gzip`);
console.log(`  precached files: ${precache.length}`);
if (total > BUDGET) {
  console.error(`FAIL: shell JS + CSS is ${kb(total)} gzipped, over the ${kb(BUDGET)} budget.`);
  process.exit(1);
}

function walk(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}
