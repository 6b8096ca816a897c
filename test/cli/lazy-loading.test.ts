// `mesh --help` and `mesh --version` must not load the AWS SDK, kafkajs, DuckDB or SQLite: heavy modules load inside
// the command that needs them. Checked in a child process with a loader hook that records every resolved module.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from './run-cli.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const HEAVY = [/@aws-sdk\//, /\/kafkajs\//, /@duckdb\//, /better-sqlite3/, /@inquirer\//, /\/ora\//, /\/avsc\//, /\/chalk\//];
let dir = '';

beforeAll(async () => {
  ensureBuilt();
  dir = mkdtempSync(path.join(os.tmpdir(), 'mesh-lazy-'));
  // Records every module URL the ESM loader resolves, and every CommonJS require, into a file.
  const log = JSON.stringify(path.join(dir, 'modules.log'));
  // The resolve hook runs in the loader thread; its own imports are not seen by it (no recursion).
  writeFileSync(
    path.join(dir, 'hooks.mjs'),
    `import { appendFileSync } from 'node:fs';\nexport async function resolve(specifier, context, next) {\n  const r = await next(specifier, context);\n  appendFileSync(${log}, r.url + '\\n');\n  return r;\n}\n`,
  );
  writeFileSync(
    path.join(dir, 'record.mjs'),
    `import { register } from 'node:module';\nimport Module from 'node:module';\nimport { appendFileSync } from 'node:fs';\nregister(${JSON.stringify(`file://${path.join(dir, 'hooks.mjs')}`)});\nconst original = Module._load;\nModule._load = function (request, ...rest) { appendFileSync(${log}, 'cjs:' + request + '\\n'); return original.call(this, request, ...rest); };\n`,
  );
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function modulesLoadedBy(args: string[]): string[] {
  const log = path.join(dir, 'modules.log');
  writeFileSync(log, '');
  const r = spawnSync(process.execPath, ['--import', path.join(dir, 'record.mjs'), path.join(root, 'bin', 'mesh.js'), ...args], {
    encoding: 'utf8',
  });
  expect(r.status, r.stderr).toBe(0);
  return spawnSync('cat', [log], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
}

describe('start-up loads only what it needs', () => {
  it.each([['--help'], ['--version'], ['publish-product', '--help']])(
    'mesh %s loads no SDK, Kafka, DuckDB, SQLite or prompt module',
    (...args) => {
      const loaded = modulesLoadedBy(args);
      expect(loaded.some((m) => m.includes('commander'))).toBe(true); // the hook records what it should
      expect(loaded.filter((m) => HEAVY.some((h) => h.test(m)))).toEqual([]);
    },
  );

  it('the hook does see heavy modules when a command loads them (so the check above can fail)', () => {
    const ws = path.join(dir, 'ws');
    spawnSync(process.execPath, [path.join(root, 'bin', 'mesh.js'), 'init', '--example', 'music-streaming', '--yes', '--dir', ws], {
      encoding: 'utf8',
    });
    const log = path.join(dir, 'modules.log');
    writeFileSync(log, '');
    spawnSync(process.execPath, ['--import', path.join(dir, 'record.mjs'), path.join(root, 'bin', 'mesh.js'), 'doctor', '--cwd', ws], {
      encoding: 'utf8',
    });
    const loaded = spawnSync('cat', [log], { encoding: 'utf8' }).stdout;
    expect(loaded).toMatch(/@duckdb/);
    expect(loaded).toMatch(/better-sqlite3/);
  });
});
