// Tests, benches and scripts read only what is in the checkout (or what they make under os.tmpdir()): an absolute
// path to somewhere else works on one machine and fails on every other. This scans test/, bench/ and scripts/ for
// string literals naming a path outside the checkout, and for the design notes and shared data kept beside it, and
// fails naming each file and line.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const FOLDERS = ['test', 'bench', 'scripts'];
const TEXT = /\.(?:[cm]?[jt]s|mts|py|sh|json|ya?ml|md|sql|toml|txt)$/;
const SKIP_DIRS = new Set(['node_modules', 'lib', 'target', '.services', 'dist']);

// Built from parts so that this file does not match itself.
const ROOTS = ['work', 'home', 'Users', 'root', 'mnt', 'tmp', 'data', 'opt', 'srv', 'media'];
const ABSOLUTE = new RegExp(`(?:['"\`]|file://)/(?:${ROOTS.join('|')})/[^'"\`\\s]*`, 'g');
const BESIDE = new RegExp(['shared', '(?:data|design)'].join('/'), 'g');

interface Finding {
  readonly line: number;
  readonly text: string;
  readonly why: string;
}

/** The lines of a file that name a path outside the checkout. */
function outsidePaths(source: string): Finding[] {
  const found: Finding[] = [];
  source.split('\n').forEach((text, i) => {
    for (const m of text.matchAll(ABSOLUTE)) {
      found.push({
        line: i + 1,
        text: m[0],
        why: 'an absolute path outside the checkout (use a path under the repository, or os.tmpdir())',
      });
    }
    for (const m of text.matchAll(BESIDE)) {
      found.push({ line: i + 1, text: m[0], why: 'the design notes and shared data are not part of the repository' });
    }
  });
  return found;
}

function* files(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name)) yield* files(full);
    } else if (TEXT.test(entry.name)) yield full;
  }
}

describe('paths in tests, benches and scripts', () => {
  it('the scan finds absolute paths outside the checkout and references to the shared folder', () => {
    const sample = [
      'const ok = path.join(os.tmpdir(), "x");',
      `const data = readFileSync('/${ROOTS[0]}/${'shared'}/data/airline/items.csv');`,
      `// see ${['shared', 'design'].join('/')}/notes.md`,
      `const url = new URL('file:///${ROOTS[1]}/me/x.csv');`,
      "const api = '/recommendations/u1'; const dev = '/dev/null';",
    ].join('\n');
    expect(outsidePaths(sample).map((f) => f.line)).toEqual([2, 2, 3, 4]);
  });

  it('no file of test/, bench/ or scripts/ names a path outside the checkout', () => {
    const problems: string[] = [];
    for (const folder of FOLDERS) {
      for (const file of files(path.join(ROOT, folder))) {
        for (const f of outsidePaths(readFileSync(file, 'utf8'))) {
          problems.push(`${path.relative(ROOT, file)}:${f.line}: ${f.text} (${f.why})`);
        }
      }
    }
    expect(problems).toEqual([]);
  });
});
