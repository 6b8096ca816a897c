#!/usr/bin/env node
// `npm run bench`: runs every benchmark in this folder in turn, each printing its own markdown table.
// Benchmarks import from ../dist (npm run bench builds first). Pass names to run a subset: npm run bench -- cli catalog
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
const benches = readdirSync(here)
  .filter((f) => f.endsWith('.mjs') && f !== 'run.mjs')
  .filter((f) => wanted.length === 0 || wanted.some((w) => f.startsWith(w)))
  .sort();
let failed = 0;
for (const file of benches) {
  process.stdout.write(`\n## ${file.replace(/\.mjs$/, '')}\n\n`);
  const started = Date.now();
  const res = spawnSync(process.execPath, ['--expose-gc', path.join(here, file)], { stdio: 'inherit', env: process.env });
  if (res.status !== 0) {
    failed++;
    process.stdout.write(`\n(${file} failed with exit code ${res.status})\n`);
  }
  process.stdout.write(`\n_${file} took ${((Date.now() - started) / 1000).toFixed(1)} s_\n`);
}
process.exitCode = failed > 0 ? 1 : 0;
