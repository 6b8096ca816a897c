// `mesh --help` and `mesh --version` load nothing but bin/ and Node's own modules (they print from the build's help
// template), and no help must load the AWS SDK, kafkajs, DuckDB or SQLite: heavy modules load inside the command that
// needs them. Checked in a child process with a loader hook that records every resolved module. The bundle (what
// bin/mesh.cjs runs) loads only the command a run names (src/cli/help-only-commands.ts), and `mesh help` loads no
// schema or YAML code: checked by module name, and by the code in the files loaded.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, writeFullProgramEntry } from './run-cli.js';

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

function modulesLoadedBy(args: string[], cwd?: string): string[] {
  const log = path.join(dir, 'modules.log');
  writeFileSync(log, '');
  const r = spawnSync(process.execPath, ['--import', path.join(dir, 'record.mjs'), path.join(root, 'bin', 'mesh.cjs'), ...args], {
    encoding: 'utf8',
    ...(cwd ? { cwd } : {}),
  });
  expect(r.status, r.stderr).toBe(0);
  return spawnSync('cat', [log], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
}

describe('start-up loads only what it needs', () => {
  it.each([['--help'], ['--version']])(
    'mesh %s loads no module of mesh or of any package: it prints from the build (bin/help.cjs) or package.json',
    (arg) => {
      const loaded = modulesLoadedBy([arg]);
      expect(loaded).toContain(`cjs:${path.join(root, 'bin', 'mesh.cjs')}`); // the hook records what it should
      const own = new Set(['cjs:./help.cjs', 'cjs:../package.json']);
      expect(loaded.filter((m) => !m.startsWith('cjs:node:') && !m.includes('/bin/mesh.cjs') && !own.has(m))).toEqual([]);
    },
  );

  it.each([['help'], ['publish-product', '--help']])('mesh %s loads no SDK, Kafka, DuckDB, SQLite or prompt module', (...args) => {
    const loaded = modulesLoadedBy(args);
    expect(loaded.some((m) => m.includes('commander'))).toBe(true); // the hook records what it should
    expect(loaded.filter((m) => HEAVY.some((h) => h.test(m)))).toEqual([]);
  });

  it('the hook does see heavy modules when a command loads them (so the check above can fail)', () => {
    const ws = path.join(dir, 'ws');
    spawnSync(process.execPath, [path.join(root, 'bin', 'mesh.cjs'), 'init', '--example', 'music-streaming', '--yes', '--dir', ws], {
      encoding: 'utf8',
    });
    const log = path.join(dir, 'modules.log');
    writeFileSync(log, '');
    spawnSync(process.execPath, ['--import', path.join(dir, 'record.mjs'), path.join(root, 'bin', 'mesh.cjs'), 'doctor', '--cwd', ws], {
      encoding: 'utf8',
    });
    const loaded = spawnSync('cat', [log], { encoding: 'utf8' }).stdout;
    expect(loaded).toMatch(/@duckdb/);
    expect(loaded).toMatch(/better-sqlite3/);
  });
});

/** The bundle's files a run loaded: their names under dist/bundle/. */
function bundleFiles(loaded: readonly string[]): string[] {
  const prefix = `file://${path.join(root, 'dist', 'bundle')}/`;
  return loaded.filter((m) => m.startsWith(prefix)).map((m) => m.slice(prefix.length));
}

/** The code of the bundle files a run loaded, to look for a library's own code (zod and yaml are bundled in). */
function loadedCode(loaded: readonly string[]): string {
  return bundleFiles(loaded)
    .map((f) => readFileSync(path.join(root, 'dist', 'bundle', f), 'utf8'))
    .join('\n');
}

// zod's and yaml's own class names, in the chunks that bundle them
const ZOD = /\$ZodObject/;
const YAML = /\bYAMLMap\b/;

/** One run of a CLI entry point as a child process: exit code and both streams. */
function run(entry: string[], args: string[], cwd = root): { code: number | null; out: string } {
  const r = spawnSync(process.execPath, [...entry, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, out: `${r.stdout}\n--- stderr\n${r.stderr}` };
}

describe('the bundle loads only the command a run names', () => {
  let ws = '';
  beforeAll(() => {
    ws = path.join(dir, 'ws-commands');
    const init = run([path.join(root, 'bin', 'mesh.cjs')], ['init', '--example', 'music-streaming', '--yes', '--dir', ws]);
    expect(init.code, init.out).toBe(0);
  });

  it('mesh help runs the bundle and loads no command module, schema or YAML code', () => {
    const loaded = modulesLoadedBy(['help']);
    const files = bundleFiles(loaded);
    expect(files).toContain('main.js');
    expect(files.filter((f) => f.includes('.command-'))).toEqual([]);
    const code = loadedCode(loaded);
    expect(code).not.toMatch(ZOD);
    expect(code).not.toMatch(YAML);
  });

  it('mesh validate loads its own command module and no other, and does load zod and yaml (so the checks above can fail)', () => {
    const loaded = modulesLoadedBy(['validate'], ws);
    expect(bundleFiles(loaded).filter((f) => f.includes('.command-'))).toEqual([expect.stringMatching(/^validate\.command-/)]);
    const code = loadedCode(loaded);
    expect(code).toMatch(ZOD);
    expect(code).toMatch(YAML);
  });

  it('mesh publish-product --help and mesh help events load only that command', () => {
    const publish = bundleFiles(modulesLoadedBy(['publish-product', '--help'])).filter((f) => f.includes('.command-'));
    expect(publish).toEqual([expect.stringMatching(/^publish\.command-/)]);
    const events = bundleFiles(modulesLoadedBy(['help', 'events'])).filter((f) => f.includes('.command-'));
    expect(events).toEqual([expect.stringMatching(/^events\.command-/)]);
  });

  // The help-only commands show each command's line from commands.json, which the build takes from the full program: the help
  // and the usage errors must read exactly as the full program's (dist/cli, every command loaded).
  it.each([
    [['--help']],
    [['-h']],
    [[]],
    [['help']],
    [['help', 'events']],
    [['events', '--help']],
    [['publsh']],
    [['--json', 'publsh']],
    [['validate', '--jsn']],
    [['--version']],
    [['-V']],
  ])('mesh %j reads the same from the bundle as from the full program', (args) => {
    const full = writeFullProgramEntry(dir);
    const bundled = run([path.join(root, 'bin', 'mesh.cjs')], args);
    expect(bundled).toEqual(run([full], args));
  });

  it('a form the command finder does not follow (-yC <dir> validate) still runs the command, with the full program', () => {
    const loaded = modulesLoadedBy(['-yC', ws, 'validate']);
    const commands = bundleFiles(loaded).filter((f) => f.includes('.command-'));
    expect(commands.length).toBeGreaterThan(1);
    const r = run([path.join(root, 'bin', 'mesh.cjs')], ['-yC', ws, 'validate']);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain('Workspace is valid: 6 domains, 4 products, 5 subscriptions.');
  });
});
