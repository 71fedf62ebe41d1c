// Rules about the PWA's source that a reviewer would otherwise have to remember.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const SRC = fileURLToPath(new URL('../src/', import.meta.url));
const walk = (dir) => readdirSync(dir).flatMap((name) => {
  const p = join(dir, name);
  return statSync(p).isDirectory() ? walk(p) : [p];
});
const sources = walk(SRC).filter((p) => p.endsWith('.js')).map((p) => ({ file: relative(SRC, p), text: readFileSync(p, 'utf8') }));

/** Lines of src/ (outside `except`) matching `re`, as "file:line: text". */
function offenders(re, except = []) {
  return sources.filter((s) => !except.includes(s.file)).flatMap((s) => s.text.split('\n')
    .map((line, i) => (re.test(line) ? `${s.file}:${i + 1}: ${line.trim()}` : null)).filter(Boolean));
}

test('the source files are there to check', () => {
  assert.ok(sources.length > 30, `only ${sources.length} files under ${SRC}`);
});

test('only lib/clock.js reads the system clock', () => {
  assert.deepEqual(offenders(/Date\.now\(|new Date\(\s*\)|performance\.now\(/, ['lib/clock.js']), []);
});

test('meta keys are spelled out only in meta-keys.js', async () => {
  const { META } = await import('../src/meta-keys.js');
  const names = Object.values(META).join('|');
  // A key as a string literal, or a template starting like the per-team settings key.
  const literal = new RegExp(`(['"])(${names})\\1|\`team:`);
  assert.deepEqual(offenders(literal, ['meta-keys.js']), []);
});

test('collection names are spelled out only in collections/ (screens read the registry)', async () => {
  const { COLLECTIONS } = await import('../src/collections/index.js');
  const names = new RegExp(`(['"])(${COLLECTIONS.map((c) => c.name).join('|')})\\1`);
  assert.deepEqual(offenders(names, sources.map((s) => s.file).filter((f) => f.startsWith('collections/'))), []);
});

test('no test hook in the app: tests reach it through the screen and IndexedDB', () => {
  assert.deepEqual(offenders(/__vb/), []);
});
