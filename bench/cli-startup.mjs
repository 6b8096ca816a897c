// Start-up cost of the CLI: `mesh --help`, `mesh --version`, `mesh validate` on the example workspace,
// against bare `node -e 0`. Median and p90 of 21 runs each (after 2 warm-ups). Goal: --help within 2x of bare node.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(root, 'bin', 'mesh.js');
const RUNS = 21;
const ws = mkdtempSync(path.join(os.tmpdir(), 'mesh-bench-'));
const init = spawnSync(process.execPath, [bin, 'init', '--example', 'music-streaming', '--yes', '--cwd', ws], { encoding: 'utf8' });
if (init.status !== 0) {
  console.error(init.stderr);
  process.exit(1);
}

function once(args, cwd) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { cwd, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
}

function stats(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { median: at(0.5), p90: at(0.9) };
}

const cases = [
  ['node -e 0 (baseline)', ['-e', '0']],
  ['mesh --help', [bin, '--help']],
  ['mesh --version', [bin, '--version']],
  ['mesh validate (music-streaming)', [bin, 'validate']],
];
// Round-robin (A B C D A B C D …) so that a machine whose speed drifts affects every command alike.
const samples = cases.map(() => []);
for (let i = 0; i < RUNS + 2; i++) {
  cases.forEach(([, args], c) => {
    const ms = once(args, ws);
    if (i >= 2) samples[c].push(ms);
  });
}
const rows = [];
const baseline = stats(samples[0]).median;
cases.forEach(([name], c) => {
  const r = stats(samples[c]);
  rows.push(`| ${name} | ${r.median.toFixed(0)} | ${r.p90.toFixed(0)} | ${(r.median / baseline).toFixed(2)}x |`);
});
console.log(`| command | median ms | p90 ms | vs node |\n|---|---|---|---|\n${rows.join('\n')}`);
console.log(`\n${RUNS} runs each after 2 warm-ups. Goal: mesh --help within 2x of bare node.`);
rmSync(ws, { recursive: true, force: true });
