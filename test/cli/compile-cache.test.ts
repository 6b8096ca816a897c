// bin/mesh.cjs keeps V8's compile cache (Node 22.1+) in the user's own cache folder: never in the workspace, never in
// the shared temp folder. The folder rule is checked as a function, and the real CLI is run with a cache home of
// the test's own: on a Node with a compile cache the entries land there; on Node 20 nothing is written anywhere.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import module from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, ensureBuilt, ROOT } from './run-cli.js';

interface System {
  env: Record<string, string | undefined>;
  platform: string;
  homedir: () => string;
}
const { compileCacheDir } = (await import(pathToFileURL(path.join(ROOT, 'bin', 'compile-cache.cjs')).href)) as {
  compileCacheDir: (system: System) => string | undefined;
};

// A made-up home folder (under the temp folder: the wall forbids naming paths outside the checkout); nothing is created.
const HOME = path.join(os.tmpdir(), 'home-ada');
const home = () => HOME;
const under = (...parts: string[]) => path.join(HOME, ...parts);
const XDG = path.join(os.tmpdir(), 'var-cache-ada');
const MINE = path.join(os.tmpdir(), 'mine');

describe('the compile cache folder', () => {
  it('is the user cache folder of each platform', () => {
    expect(compileCacheDir({ env: {}, platform: 'linux', homedir: home })).toBe(under('.cache', 'mesh', 'compile-cache'));
    expect(compileCacheDir({ env: { XDG_CACHE_HOME: XDG }, platform: 'linux', homedir: home })).toBe(
      path.join(XDG, 'mesh', 'compile-cache'),
    );
    expect(compileCacheDir({ env: {}, platform: 'darwin', homedir: home })).toBe(under('Library', 'Caches', 'mesh', 'compile-cache'));
    expect(compileCacheDir({ env: { LOCALAPPDATA: 'C:\\Users\\ada\\AppData\\Local' }, platform: 'win32', homedir: home })).toBe(
      'C:\\Users\\ada\\AppData\\Local\\mesh\\compile-cache',
    );
  });

  it('is never relative to the current folder (the workspace), and absent without a home of the user', () => {
    // a relative XDG_CACHE_HOME would resolve inside the workspace: ignored, as the XDG spec says
    expect(compileCacheDir({ env: { XDG_CACHE_HOME: '.cache' }, platform: 'linux', homedir: home })).toBe(
      under('.cache', 'mesh', 'compile-cache'),
    );
    expect(compileCacheDir({ env: {}, platform: 'linux', homedir: () => '' })).toBeUndefined();
    expect(compileCacheDir({ env: {}, platform: 'linux', homedir: () => '/' })).toBeUndefined();
    expect(compileCacheDir({ env: {}, platform: 'linux', homedir: () => 'relative/home' })).toBeUndefined();
    expect(
      compileCacheDir({
        env: {},
        platform: 'linux',
        homedir: () => {
          throw new Error('no home');
        },
      }),
    ).toBeUndefined();
    expect(compileCacheDir({ env: { LOCALAPPDATA: 'AppData' }, platform: 'win32', homedir: home })).toBeUndefined();
    expect(compileCacheDir({ env: {}, platform: 'win32', homedir: home })).toBeUndefined();
  });

  it("leaves a NODE_COMPILE_CACHE of the user's choice to Node", () => {
    expect(compileCacheDir({ env: { NODE_COMPILE_CACHE: MINE }, platform: 'linux', homedir: home })).toBeUndefined();
  });
});

describe('mesh with a cache home of its own', () => {
  let dir = '';
  beforeAll(() => {
    ensureBuilt();
    dir = mkdtempSync(path.join(os.tmpdir(), 'mesh-compile-cache-'));
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the cache there on a Node that has one, nowhere on one that has not, and nothing into the workspace', () => {
    const cacheHome = path.join(dir, 'cache');
    const ws = path.join(dir, 'ws');
    mkdirSync(ws);
    // Node reads NODE_DISABLE_COMPILE_CACHE by its presence: both are taken out, not emptied
    const { NODE_COMPILE_CACHE: _chosen, NODE_DISABLE_COMPILE_CACHE: _disabled, ...inherited } = process.env;
    const env = { ...inherited, XDG_CACHE_HOME: cacheHome };
    // `mesh --help` prints the build's help template and compiles nothing: no cache anywhere
    const help = spawnSync(process.execPath, [BIN, '--help'], { cwd: ws, env, encoding: 'utf8' });
    expect(help.status, help.stderr).toBe(0);
    expect(existsSync(cacheHome)).toBe(false);
    // `mesh help` prints the same through the CLI, which loads (and compiles) its modules
    const r = spawnSync(process.execPath, [BIN, 'help'], { cwd: ws, env, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe(help.stdout);
    expect(readdirSync(ws)).toEqual([]);
    const folder = path.join(cacheHome, 'mesh', 'compile-cache');
    if (typeof (module as { enableCompileCache?: unknown }).enableCompileCache === 'function') {
      // one subfolder per Node version, holding the entries of the modules `mesh help` loaded
      const [versioned] = readdirSync(folder);
      expect(versioned).toMatch(new RegExp(`^${process.version}-`));
      expect(readdirSync(path.join(folder, versioned ?? '')).length).toBeGreaterThan(3);
    } else {
      expect(existsSync(cacheHome)).toBe(false);
    }
  });
});
