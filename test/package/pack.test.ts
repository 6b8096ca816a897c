// The published package works as a new user gets it: `npm pack`, install the tarball in an empty folder,
// then run the packed bin. Uses the npm cache (--prefer-offline), so only missing packages are fetched.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
let dir = '';
let bin = '';

beforeAll(() => {
  if (!existsSync(path.join(root, 'dist', 'cli', 'main.js'))) {
    execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  }
  dir = mkdtempSync(path.join(os.tmpdir(), 'mesh-pack-'));
  // dist is already built by `npm test`; --ignore-scripts skips the prepack rebuild
  execFileSync('npm', ['pack', '--ignore-scripts', '--pack-destination', dir], { cwd: root, stdio: 'pipe' });
  const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'));
  if (!tarball) throw new Error('npm pack wrote no tarball');
  const app = path.join(dir, 'app');
  execFileSync('mkdir', ['-p', app]);
  execFileSync('npm', ['init', '-y'], { cwd: app, stdio: 'pipe' });
  execFileSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', path.join(dir, tarball)], { cwd: app, stdio: 'pipe' });
  bin = path.join(app, 'node_modules', '.bin', 'mesh');
}, 300_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the packed package', () => {
  it('prints its version and help from the installed bin', () => {
    const version = spawnSync(bin, ['--version'], { encoding: 'utf8' });
    expect(version.status).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    const help = spawnSync(bin, ['--help'], { encoding: 'utf8' });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('publish-product');
  });

  it('scaffolds the example from the shipped templates and validates it, in an empty folder', () => {
    const ws = path.join(dir, 'ws');
    const init = spawnSync(bin, ['init', '--example', 'music-streaming', '--yes', '--dir', ws], {
      encoding: 'utf8',
      env: { ...process.env, CI: 'true' },
    });
    expect(init.status, init.stderr).toBe(0);
    const validate = spawnSync(bin, ['validate', '--json'], { cwd: ws, encoding: 'utf8' });
    expect(validate.status, validate.stderr).toBe(0);
    expect(JSON.parse(validate.stdout)).toMatchObject({ ok: true });
  });
});
