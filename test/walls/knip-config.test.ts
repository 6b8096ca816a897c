/**
 * knip with the project's knip.jsonc finds what `npm run knip` is there for: a file nothing imports, an export nobody
 * uses and a dependency nothing needs. A small project that has one of each is checked with the same config.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CLI = path.join(root, 'node_modules', 'knip', 'bin', 'knip.js');

const FILES: Record<string, string> = {
  'package.json': JSON.stringify({
    name: 'walls-fixture',
    private: true,
    type: 'module',
    dependencies: { zod: '4.6.7', 'left-pad': '1.3.0' },
  }),
  'tsconfig.json': JSON.stringify({
    compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', strict: true },
    include: ['src'],
  }),
  // the CLI entry (as in mesh): uses zod and one export of used.ts
  'src/cli/main.ts': "import { z } from 'zod';\nimport { used } from './used.js';\nexport const main = () => [z, used];\n",
  'src/cli/used.ts': 'export const used = 1;\nexport const notUsed = 2;\n',
  'src/stray.ts': 'export const stray = 1;\n',
  // a plane's message catalog: declaration merging only, never imported, and not a finding
  'src/catalog/messages.ts': 'export interface CatalogMessages {\n  readonly n: number;\n}\n',
};

interface KnipIssue {
  readonly file: string;
  readonly files: { name: string }[];
  readonly exports: { name: string }[];
  readonly dependencies: { name: string }[];
}

let dir = '';
let issues: KnipIssue[] = [];

beforeAll(() => {
  expect(existsSync(CLI), `knip is not installed (${CLI}); run npm ci`).toBe(true);
  dir = mkdtempSync(path.join(os.tmpdir(), 'mesh-knip-'));
  for (const [file, text] of Object.entries(FILES)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
  copyFileSync(path.join(root, 'knip.jsonc'), path.join(dir, 'knip.jsonc'));
  symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  const run = spawnSync(process.execPath, [CLI, '--reporter', 'json', '--no-progress'], { cwd: dir, encoding: 'utf8' });
  expect(run.stdout, run.stderr).toMatch(/^\{/);
  issues = JSON.parse(run.stdout).issues;
}, 60_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('knip with knip.jsonc', () => {
  it('finds the file nothing imports (and not the message catalog)', () => {
    expect(issues.flatMap((i) => i.files.map((f) => f.name))).toEqual(['src/stray.ts']);
  });

  it('finds the export nobody uses', () => {
    expect(issues.flatMap((i) => i.exports.map((e) => `${i.file}: ${e.name}`))).toEqual(['src/cli/used.ts: notUsed']);
  });

  it('finds the dependency nothing needs', () => {
    expect(issues.flatMap((i) => i.dependencies.map((d) => d.name))).toEqual(['left-pad']);
  });
});
