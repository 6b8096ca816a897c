// The published package works as a team gets it: `npm pack`, then `npm install --global` of the tarball into a
// temporary prefix (no project around it), and the tour's first steps run from that prefix's `mesh` in an empty
// folder: init --example, validate, publish-product, query. Uses the npm cache (--prefer-offline), so only missing
// packages are fetched; better-sqlite3 is compiled for this Node as a user's install would.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { name: string; bin: Record<string, string> };
let dir = '';
let bin = '';
let ws = '';

beforeAll(() => {
  if (!existsSync(path.join(root, 'dist', 'cli', 'main.js'))) {
    execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  }
  dir = mkdtempSync(path.join(os.tmpdir(), 'mesh-pack-'));
  // dist is already built by `npm test`; --ignore-scripts skips the prepack rebuild
  execFileSync('npm', ['pack', '--ignore-scripts', '--pack-destination', dir], { cwd: root, stdio: 'pipe' });
  const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'));
  if (!tarball) throw new Error('npm pack wrote no tarball');
  const prefix = path.join(dir, 'prefix');
  execFileSync('npm', ['install', '--global', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', path.join(dir, tarball)], {
    cwd: dir,
    stdio: 'pipe',
  });
  bin = path.join(prefix, 'bin', 'mesh');
  ws = path.join(dir, 'ws');
  mkdirSync(ws);
}, 600_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The globally installed `mesh`, found on PATH as a user's shell finds it, run in the empty workspace folder. */
function mesh(...args: string[]) {
  const env = { ...process.env, CI: 'true', NO_COLOR: '1', PATH: `${path.dirname(bin)}${path.delimiter}${process.env.PATH ?? ''}` };
  const run = spawnSync('mesh', args, { cwd: ws, encoding: 'utf8', env, timeout: 120_000 });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('the packed package, installed globally', () => {
  it('is publishable under its name and installs the `mesh` command', () => {
    expect(pkg.name).toMatch(/^(@[a-z0-9-]+\/)?[a-z0-9][a-z0-9.-]*$/);
    expect(pkg.bin).toEqual({ mesh: 'bin/mesh.cjs' });
    expect(existsSync(bin)).toBe(true);
    const version = mesh('--version');
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('runs init --example, validate, publish-product and query from the installed command', () => {
    const init = mesh('init', '--example', 'music-streaming', '--yes');
    expect(init.code, init.stderr).toBe(0);
    const validate = mesh('validate', '--json');
    expect(validate.code, validate.stderr).toBe(0);
    expect(JSON.parse(validate.stdout)).toMatchObject({ ok: true });
    const publish = mesh('publish-product');
    expect(publish.code, publish.stderr).toBe(0);
    expect(publish.stdout).toMatch(/Applied \d+ change\(s\)/);
    const query = mesh('--json', 'query', '--domain', 'songs', 'select count(*) as n from songs');
    expect(query.code, query.stderr).toBe(0);
    const rows = (JSON.parse(query.stdout) as { rows: { n: number | string }[] }).rows;
    expect(Number(rows[0]?.n)).toBeGreaterThan(0);
  });
});
