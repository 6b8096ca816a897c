// Start-up cost of the CLI: `mesh --help`, `mesh --version`, `mesh validate` on the example workspace, against bare
// `node -e 0`. 21 rounds (CLI_STARTUP_RUNS) after 2 warm-ups; in each round every command runs once, in turn (A B C … A B C …), and
// each command's time is divided by the same round's bare node: the "vs node" figure is the median of those paired
// ratios, so a machine whose speed drifts during the run affects both sides of each ratio alike.
//
// Every Node at hand is measured: the one running this file, and Node 22 and 24 when scripts/test-node-versions.mjs
// has fetched them (node_modules/.cache/mesh-node/). The goals are checked on each.
//
// The children run without NODE_EXTRA_CA_CERTS: Node 20 reads and parses that certificate file at start-up (some
// 30 ms here), which would inflate bare node and flatter every ratio; `mesh --help` makes no TLS connection. When it
// is set, one more row shows bare node with it, for comparison with figures measured that way.
// `mesh --help` and `--version` print from the build's help template (bin/help.cjs): piped, as here, that is the help
// kept at 80 columns; on a terminal of another width commander's Help class (one small file) wraps it. `mesh help`
// prints the same help through commander and the bundle, for comparison.
// On a Node with a compile cache (22.1+), bin/mesh.cjs keeps one in the user's cache folder: the warm-ups fill it,
// and the "no compile cache" rows show the same commands without it (NODE_DISABLE_COMPILE_CACHE=1).
// The "unbundled" rows run the tsc output (dist/cli/main.js) instead of the esbuild bundle that bin/mesh.cjs runs
// (dist/bundle/main.js, scripts/build-cli.mjs): every command module loaded, one file per module.
// The "floor" row is bench/validate-floor.mjs: only what any validator built on mesh's three parsing libraries (yaml,
// zod, avsc) must do with this workspace, bundled into one minified CommonJS file and started like bin/mesh.cjs starts
// the CLI (with a compile cache where Node has one). It is a lower bound for `mesh validate`, and shows how much of
// the goal the libraries alone use. The "libraries loaded" row only loads the three.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildSync } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(root, 'bin', 'mesh.cjs');
const RUNS = Number(process.env.CLI_STARTUP_RUNS ?? 21);
const ws = mkdtempSync(path.join(os.tmpdir(), 'mesh-bench-'));
const { NODE_EXTRA_CA_CERTS: extraCaCerts, ...cleanEnv } = process.env;

const init = spawnSync(process.execPath, [bin, 'init', '--example', 'music-streaming', '--yes', '--cwd', ws], { encoding: 'utf8' });
if (init.status !== 0) {
  console.error(init.stderr);
  process.exit(1);
}
const bundle = path.join(root, 'dist', 'bundle', 'main.js');
if (!existsSync(bundle) || statSync(bundle).mtimeMs < statSync(path.join(root, 'dist', 'cli', 'main.js')).mtimeMs) {
  // bin/mesh.cjs would fall back to dist/cli/main.js: the figures would not be the bundle's.
  console.error('dist/bundle/main.js is missing or older than dist/cli/main.js: run `npm run build` (it bundles the CLI).');
  process.exit(1);
}
// The CLI without the bundle: the compiled modules, every command loaded.
const unbundled = path.join(ws, 'unbundled.mjs');
writeFileSync(
  unbundled,
  `import { main } from ${JSON.stringify(pathToFileURL(path.join(root, 'dist', 'cli', 'main.js')).href)};\nawait main(process.argv);\n`,
);

// The floor (see above): bundled here, so that it is built from the same library versions as the CLI.
const floorBundle = path.join(ws, 'validate-floor.cjs');
buildSync({
  entryPoints: [path.join(root, 'bench', 'validate-floor.mjs')],
  bundle: true,
  minify: true,
  format: 'cjs',
  platform: 'node',
  outfile: floorBundle,
  logLevel: 'error',
});
const librariesOnly = path.join(ws, 'libraries-only.cjs');
buildSync({
  stdin: {
    contents: `import avsc from 'avsc/etc/browser/avsc-types.js'; import { parseDocument } from 'yaml'; import { z } from 'zod';
if (process.argv.length > 9) console.log(avsc, parseDocument, z);`,
    resolveDir: root,
  },
  bundle: true,
  minify: true,
  format: 'cjs',
  platform: 'node',
  outfile: librariesOnly,
  logLevel: 'error',
});
// Started like bin/mesh.cjs starts the CLI: the compile cache on where Node has one (in the bench's own folder).
const startLikeMesh = (file) => {
  const starter = path.join(ws, `start-${path.basename(file)}`);
  writeFileSync(
    starter,
    `'use strict';\nconst m = require('node:module');\nif (m.enableCompileCache) m.enableCompileCache(${JSON.stringify(
      path.join(ws, 'compile-cache'),
    )});\nrequire(${JSON.stringify(file)});\n`,
  );
  return starter;
};
const floorStarter = startLikeMesh(floorBundle);
const librariesStarter = startLikeMesh(librariesOnly);

function once(node, { args, env }, cwd) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(node, args, { cwd, encoding: 'utf8', env: { ...cleanEnv, ...env } });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${node} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
}

const median = (samples) => {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};
const p90 = (samples) => [...samples].sort((a, b) => a - b)[Math.min(samples.length - 1, Math.floor(0.9 * samples.length))];

function casesFor(node) {
  const version = spawnSync(node, ['-p', 'process.version + " " + typeof require("node:module").enableCompileCache'], {
    encoding: 'utf8',
    env: cleanEnv,
  }).stdout.trim();
  const [nodeVersion, cacheFn] = version.split(' ');
  const noCache = { NODE_DISABLE_COMPILE_CACHE: '1' };
  const cases = [
    { name: 'node -e 0 (baseline)', args: ['-e', '0'] },
    { name: 'mesh --help', args: [bin, '--help'], goal: 1.25 },
    { name: 'mesh --version', args: [bin, '--version'] },
    { name: 'mesh help (the same help through commander)', args: [bin, 'help'] },
    { name: 'mesh validate (music-streaming)', args: [bin, 'validate'], goal: 2.5 },
    { name: 'floor: yaml + zod + avsc parse the same files, nothing else', args: [floorStarter] },
    { name: 'floor: yaml + zod + avsc loaded, nothing run', args: [librariesStarter] },
  ];
  if (cacheFn === 'function') {
    cases.push(
      { name: 'mesh --help, no compile cache', args: [bin, '--help'], env: noCache },
      { name: 'mesh validate, no compile cache', args: [bin, 'validate'], env: noCache },
    );
  }
  cases.push(
    { name: 'mesh --help, unbundled', args: [unbundled, '--help'] },
    { name: 'mesh validate, unbundled', args: [unbundled, 'validate'] },
  );
  if (extraCaCerts)
    cases.push({ name: 'node -e 0 with NODE_EXTRA_CA_CERTS', args: ['-e', '0'], env: { NODE_EXTRA_CA_CERTS: extraCaCerts } });
  return { nodeVersion, cases };
}

function bench(node) {
  const { nodeVersion, cases } = casesFor(node);
  const samples = cases.map(() => []);
  const ratios = cases.map(() => []);
  for (let i = 0; i < RUNS + 2; i++) {
    const round = cases.map((c) => once(node, c, ws));
    if (i < 2) continue;
    round.forEach((ms, c) => {
      samples[c].push(ms);
      ratios[c].push(ms / round[0]);
    });
  }
  const rows = cases.map(({ name, goal }, c) => {
    const ratio = median(ratios[c]);
    const verdict = goal === undefined ? '' : `≤ ${goal.toFixed(2)}x ${ratio <= goal ? 'met' : 'NOT met'}`;
    return `| ${nodeVersion} | ${name} | ${median(samples[c]).toFixed(0)} | ${p90(samples[c]).toFixed(0)} | ${ratio.toFixed(2)}x | ${verdict} |`;
  });
  const at = (prefix) => median(ratios[cases.findIndex((c) => c.name.startsWith(prefix))]);
  const floor = at('floor: yaml + zod + avsc parse');
  floorLines.push(
    `${nodeVersion}: the floor is ${floor.toFixed(2)}x bare node (loading the three libraries alone ` +
      `${at('floor: yaml + zod + avsc loaded').toFixed(2)}x); mesh validate adds ${(at('mesh validate (') - floor).toFixed(2)}x ` +
      `for its rules, model, command line and output. ${
        floor > 2.5 ? 'The 2.5x goal is below the floor.' : `The floor leaves ${(2.5 - floor).toFixed(2)}x for the rest.`
      }`,
  );
  return rows;
}

const registryNodes = ['22', '24']
  .map((major) => ({ major, bin: path.join(root, 'node_modules', '.cache', 'mesh-node', `node-${major}`, 'package', 'bin', 'node') }))
  .filter(({ major }) => !process.version.startsWith(`v${major}.`));
const nodes = [process.execPath, ...registryNodes.filter((n) => existsSync(n.bin)).map((n) => n.bin)];
const missing = registryNodes.filter((n) => !existsSync(n.bin)).map((n) => n.major);

const floorLines = [];
const rows = nodes.flatMap((node) => bench(node));
console.log(`| node | command | median ms | p90 ms | vs node (paired median) | goal |\n|---|---|---|---|---|---|\n${rows.join('\n')}`);
console.log(
  `\n${RUNS} rounds after 2 warm-ups on each Node, ${os.cpus().length} cores, load average ${os
    .loadavg()[0]
    .toFixed(1)} (a loaded machine inflates every figure; the paired ratios are the ones to compare).` +
    (extraCaCerts ? ' NODE_EXTRA_CA_CERTS is set here: every row but the last one per Node ran without it.' : '') +
    (missing.length > 0
      ? ` Node ${missing.join(' and ')} not measured: \`npm run test:node-versions\` fetches them into node_modules/.cache/mesh-node/.`
      : ''),
);
console.log(`\n${floorLines.join('\n')}`);
rmSync(ws, { recursive: true, force: true });
