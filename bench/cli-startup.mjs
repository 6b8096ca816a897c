// Start-up cost of the CLI: `mesh --help`, `mesh --version`, `mesh validate` on the example workspace, against bare
// `node -e 0`. 21 rounds after 2 warm-ups; in each round every command runs once, in turn (A B C … A B C …), and
// each command's time is divided by the same round's bare node: the "vs node" figure is the median of those paired
// ratios, so a machine whose speed drifts during the run affects both sides of each ratio alike.
// The "unbundled" rows run the same CLI from the tsc output (dist/cli/main.js) instead of the esbuild bundle that
// bin/mesh.js runs (dist/bundle/main.js, scripts/build-cli.mjs): before and after, measured in the same run.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(root, 'bin', 'mesh.js');
const RUNS = 21;
const ws = mkdtempSync(path.join(os.tmpdir(), 'mesh-bench-'));
const init = spawnSync(process.execPath, [bin, 'init', '--example', 'music-streaming', '--yes', '--cwd', ws], { encoding: 'utf8' });
if (init.status !== 0) {
  console.error(init.stderr);
  process.exit(1);
}
const bundle = path.join(root, 'dist', 'bundle', 'main.js');
if (!existsSync(bundle) || statSync(bundle).mtimeMs < statSync(path.join(root, 'dist', 'cli', 'main.js')).mtimeMs) {
  // bin/mesh.js would fall back to dist/cli/main.js: the figures would not be the bundle's.
  console.error('dist/bundle/main.js is missing or older than dist/cli/main.js: run `npm run build` (it bundles the CLI).');
  process.exit(1);
}
// The CLI without the bundle: the entry point as it was before bin/mesh.js ran dist/bundle.
const unbundled = path.join(ws, 'unbundled.mjs');
writeFileSync(
  unbundled,
  `import { main } from ${JSON.stringify(pathToFileURL(path.join(root, 'dist', 'cli', 'main.js')).href)};\nawait main(process.argv);\n`,
);

function once(args, cwd) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { cwd, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
}

const median = (samples) => {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};
const p90 = (samples) => [...samples].sort((a, b) => a - b)[Math.min(samples.length - 1, Math.floor(0.9 * samples.length))];

const cases = [
  { name: 'node -e 0 (baseline)', args: ['-e', '0'] },
  { name: 'mesh --help', args: [bin, '--help'], goal: 1.25 },
  { name: 'mesh --version', args: [bin, '--version'] },
  { name: 'mesh validate (music-streaming)', args: [bin, 'validate'], goal: 2.5 },
  { name: 'mesh --help, unbundled (before)', args: [unbundled, '--help'] },
  { name: 'mesh validate, unbundled (before)', args: [unbundled, 'validate'] },
];
const samples = cases.map(() => []);
const ratios = cases.map(() => []);
for (let i = 0; i < RUNS + 2; i++) {
  const round = cases.map(({ args }) => once(args, ws));
  if (i < 2) continue;
  round.forEach((ms, c) => {
    samples[c].push(ms);
    ratios[c].push(ms / round[0]);
  });
}
const rows = cases.map(({ name, goal }, c) => {
  const ratio = median(ratios[c]);
  const verdict = goal === undefined ? '' : `≤ ${goal.toFixed(2)}x ${ratio <= goal ? 'met' : 'NOT met'}`;
  return `| ${name} | ${median(samples[c]).toFixed(0)} | ${p90(samples[c]).toFixed(0)} | ${ratio.toFixed(2)}x | ${verdict} |`;
});
console.log(`| command | median ms | p90 ms | vs node (paired median) | goal |\n|---|---|---|---|---|\n${rows.join('\n')}`);
console.log(
  `\n${RUNS} rounds after 2 warm-ups, Node ${process.version}, ${os.cpus().length} cores, load average ${os
    .loadavg()[0]
    .toFixed(1)} (a loaded machine inflates every figure; the paired ratios are the ones to compare).`,
);
rmSync(ws, { recursive: true, force: true });
