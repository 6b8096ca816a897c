#!/usr/bin/env node
// Scale benchmark (issue 16): a generated mesh of 50 domains, 1,000 table products and 5,000 subscriptions
// (bench/scale/generate.mjs, fixed seed), and the same 50 domains with 100 tables for the growth figures.
//   - `mesh validate` and a local `mesh plan`, run as the CLI (child processes; median wall time of 3 runs, peak RSS);
//   - on a moto of its own whose list calls page as AWS does (MESH_MOTO_PAGE_SIZE=aws: MaxResults up to each API
//     model's maximum, GetTables 100, ListPermissions 1,000): the catalog plane's first publish,
//     a no-op re-run, the subscriptions, and a no-op re-run of everything, each in a child process
//     (bench/scale/aws-run.mjs), counting every AWS call and the child's peak RSS.
// Prints the figures next to their goals, then the growth from 100 to 1,000 tables and the calls by operation.
//
//   node bench/scale.mjs [--sizes 100,1000]     (npm run bench -- scale)
//
// Imports the built CLI from ../dist. Without moto's venv (`npm run services -- up moto`) the moto rows are left out,
// except with CI=true, which fails.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { floors } from './scale/floors.mjs';
import { generateScaleWorkspace } from './scale/generate.mjs';
import { startPagedMoto } from './scale/moto.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const MESH = path.join(ROOT, 'bin', 'mesh.cjs');
const PROBE = path.join(ROOT, 'bench', 'scale', 'rss-probe.mjs');
const AWS_RUN = path.join(ROOT, 'bench', 'scale', 'aws-run.mjs');
const RUNS = 3;
const MOTO_PAGE_SIZE = 'aws';
const MB = 1024;

const argSizes = process.argv.indexOf('--sizes');
const SIZES = (argSizes > 0 ? process.argv[argSizes + 1] : '100,1000').split(',').map(Number);
const BIG = Math.max(...SIZES);

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const s = (ms) => `${(ms / 1000).toFixed(2)} s`;
const mb = (kb) => `${Math.round(kb / MB)} MB`;
const ok = (pass) => (pass ? '✓' : '✗');

/** Runs the CLI once; returns wall ms and peak RSS (KB). Fails the bench when the command fails. */
function cli(args, cwd) {
  const rssFile = path.join(os.tmpdir(), `mesh-scale-rss-${process.pid}-${Date.now()}`);
  const started = performance.now();
  const res = spawnSync(process.execPath, ['--import', PROBE, MESH, ...args, '--cwd', cwd], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
    env: { ...process.env, MESH_BENCH_RSS_FILE: rssFile, NO_COLOR: '1' },
  });
  const ms = performance.now() - started;
  if (res.status !== 0) throw new Error(`mesh ${args.join(' ')} failed (${res.status}):\n${res.stderr.slice(-2000)}`);
  const { maxRssKb, cpuMs } = JSON.parse(readFileSync(rssFile, 'utf8'));
  rmSync(rssFile, { force: true });
  return { ms, cpuMs, rssKb: maxRssKb, stdout: res.stdout };
}

function measureCli(args, cwd, check) {
  const runs = Array.from({ length: RUNS }, () => cli(args, cwd));
  check(runs[0].stdout);
  return { ms: median(runs.map((r) => r.ms)), cpuMs: median(runs.map((r) => r.cpuMs)), rssKb: Math.max(...runs.map((r) => r.rssKb)) };
}

function local(tables) {
  const dir = mkdtempSync(path.join(os.tmpdir(), `mesh-scale-local-${tables}-`));
  try {
    const ws = generateScaleWorkspace(dir, { tables });
    const want = `${ws.domains.length} domains, ${ws.products.length} products, ${ws.subscriptions.length} subscriptions`;
    const validate = measureCli(['validate'], dir, (out) => {
      if (!out.includes(want)) throw new Error(`mesh validate did not report "${want}":\n${out.slice(0, 500)}`);
    });
    const plan = measureCli(['plan'], dir, (out) => {
      if (!/Plan: \d+ to create/.test(out)) throw new Error(`mesh plan printed no plan:\n${out.slice(-500)}`);
    });
    return { tables, subscriptions: ws.subscriptions.length, validate, plan };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function awsStep(root, step, env) {
  const started = performance.now();
  const res = spawnSync(process.execPath, [AWS_RUN, root, step], { encoding: 'utf8', env, maxBuffer: 1 << 26 });
  if (res.status !== 0) throw new Error(`aws-run ${step} failed (${res.status}):\n${res.stderr.slice(-2000)}`);
  return { ...JSON.parse(res.stdout.trim().split('\n').pop()), wallMs: performance.now() - started };
}

async function aws(tables, moto) {
  const dir = mkdtempSync(path.join(os.tmpdir(), `mesh-scale-aws-${tables}-`));
  const accountBase = `7${String(Math.floor(Math.random() * 1e9)).padStart(9, '0')}00`;
  const env = {
    ...process.env,
    AWS_ENDPOINT_URL: moto.endpoint,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_REGION: 'us-east-1',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
  try {
    const ws = generateScaleWorkspace(dir, { tables, target: 'aws', accountBase });
    awsStep(dir, 'buckets', env);
    const publish = awsStep(dir, 'publish', env);
    const noop = awsStep(dir, 'publish', env);
    const subscribe = awsStep(dir, 'subscribe', env);
    const noopAll = awsStep(dir, 'all', env);
    // last: it readies the accounts for preflight (LF settings, roles), which the steps above must not see
    const preflight = awsStep(dir, 'preflight', env);
    return { tables, subscriptions: ws.subscriptions.length, domains: ws.domains.length, publish, noop, subscribe, noopAll, preflight };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function goals(l, a) {
  const rows = [
    [
      '`mesh validate`, wall time (median of 3; its CPU time)',
      `${s(l.validate.ms)} (${s(l.validate.cpuMs)})`,
      '< 1 s',
      l.validate.ms < 1000,
    ],
    ['local `mesh plan`, wall time (median of 3; its CPU time)', `${s(l.plan.ms)} (${s(l.plan.cpuMs)})`, '< 3 s', l.plan.ms < 3000],
    ['peak memory: `mesh validate`', mb(l.validate.rssKb), '< 300 MB', l.validate.rssKb < 300 * MB],
    ['peak memory: local `mesh plan`', mb(l.plan.rssKb), '< 300 MB', l.plan.rssKb < 300 * MB],
  ];
  if (a) {
    const perTable = a.publish.calls / a.tables;
    const perSub = a.subscribe.calls / a.subscriptions;
    const readsPer20 = (a.noop.reads / a.tables) * 20;
    const readsAllPer20 = (a.noopAll.reads / a.tables) * 20;
    rows.push(
      ['moto: first publish, calls per table', `${perTable.toFixed(2)} (${a.publish.calls} calls)`, '≤ 2.1', perTable <= 2.1],
      ['moto: no-op re-run of publish, mutating calls', String(a.noop.mutating), '0', a.noop.mutating === 0],
      [
        'moto: no-op re-run of publish, read calls per 20 tables',
        `${readsPer20.toFixed(2)} (${a.noop.reads} reads)`,
        '≤ 1',
        readsPer20 <= 1,
      ],
      ['moto: no-op re-run of everything, mutating calls', String(a.noopAll.mutating), '0', a.noopAll.mutating === 0],
      [
        'moto: no-op re-run of everything, read calls per 20 tables',
        `${readsAllPer20.toFixed(2)} (${a.noopAll.reads} reads)`,
        '≤ 1',
        readsAllPer20 <= 1,
      ],
      ['moto: subscriptions, calls each', `${perSub.toFixed(3)} (${a.subscribe.calls} calls / ${a.subscriptions})`, '≤ 1.1', perSub <= 1.1],
    );
    for (const [name, step] of [
      ['first publish', a.publish],
      ['no-op publish', a.noop],
      ['subscriptions', a.subscribe],
      ['no-op of everything', a.noopAll],
    ])
      rows.push([`peak memory: moto ${name}`, mb(step.maxRssKb), '< 300 MB', step.maxRssKb < 300 * MB]);
  }
  return [
    '| figure | measured | goal | met |',
    '|---|---|---|---|',
    ...rows.map(([name, value, goal, pass]) => `| ${name} | ${value} | ${goal} | ${ok(pass)} |`),
  ];
}

/** small → big ratio against the table ratio: ≤ 1 is linear or better. */
function growthRow(name, small, big, format, ratioOfTables) {
  const ratio = big / small;
  const vsLinear = ratio / ratioOfTables;
  return `| ${name} | ${format(small)} | ${format(big)} | ×${ratio.toFixed(2)} | ${vsLinear.toFixed(2)} | ${vsLinear <= 1.1 ? 'linear or better' : 'FASTER than linear'} |`;
}

function growth(ls, as) {
  const [l1, l2] = ls;
  const k = l2.tables / l1.tables;
  const lines = [
    `| figure | ${l1.tables} tables | ${l2.tables} tables | growth | growth ÷ ×${k} | |`,
    '|---|---|---|---|---|---|',
    growthRow('`mesh validate`: time', l1.validate.ms, l2.validate.ms, s, k),
    growthRow('`mesh validate`: CPU time', l1.validate.cpuMs, l2.validate.cpuMs, s, k),
    growthRow('`mesh validate`: peak memory', l1.validate.rssKb, l2.validate.rssKb, mb, k),
    growthRow('local `mesh plan`: time', l1.plan.ms, l2.plan.ms, s, k),
    growthRow('local `mesh plan`: CPU time', l1.plan.cpuMs, l2.plan.cpuMs, s, k),
    growthRow('local `mesh plan`: peak memory', l1.plan.rssKb, l2.plan.rssKb, mb, k),
  ];
  if (as.length === 2) {
    const [a1, a2] = as;
    const n = String;
    for (const [name, key] of [
      ['first publish', 'publish'],
      ['no-op publish', 'noop'],
      ['subscriptions', 'subscribe'],
      ['no-op of everything', 'noopAll'],
    ]) {
      lines.push(growthRow(`moto ${name}: calls`, a1[key].calls, a2[key].calls, n, k));
      lines.push(growthRow(`moto ${name}: time`, a1[key].ms, a2[key].ms, s, k));
      lines.push(growthRow(`moto ${name}: peak memory`, a1[key].maxRssKb, a2[key].maxRssKb, mb, k));
    }
    const slope = (a2.publish.calls - a1.publish.calls) / (a2.tables - a1.tables);
    const readSlope = ((a2.noop.reads - a1.noop.reads) / (a2.tables - a1.tables)) * 20;
    const subSlope = (a2.subscribe.calls - a1.subscribe.calls) / (a2.subscriptions - a1.subscriptions);
    lines.push(
      '',
      `Marginal cost: first publish **${slope.toFixed(2)} calls per added table** (goal ≤ 2.1 ${ok(slope <= 2.1)}); subscriptions **${subSlope.toFixed(3)} calls per added subscription** (goal ≤ 1.1 ${ok(subSlope <= 1.1)}); no-op publish **${readSlope.toFixed(2)} reads per 20 added tables** (goal ≤ 1 ${ok(readSlope <= 1)}). The domains (50 accounts and buckets) are the same at both sizes, so the difference is what tables and subscriptions cost.`,
    );
  }
  return lines;
}

/** Central account vs the domain accounts, per step: what the reads are made of. */
function accounts(a) {
  const steps = [
    ['first publish', a.publish],
    ['no-op publish', a.noop],
    ['subscriptions', a.subscribe],
    ['no-op of everything', a.noopAll],
  ];
  const sum = (ops, reads) => Object.entries(ops).reduce((n, [op, k]) => n + (isRead(op) === reads ? k : 0), 0);
  const row = (name, pick) => `| ${name} | ${steps.map(([, r]) => pick(r)).join(' | ')} |`;
  const list = (ops) =>
    Object.entries(ops)
      .filter(([op]) => isRead(op))
      .map(([op, k]) => `${op.split(':')[1]} ${k}`)
      .join(', ') || '—';
  return [
    `| ${a.domains} domain accounts + the central account | ${steps.map(([n]) => n).join(' | ')} |`,
    `|---|${steps.map(() => '---').join('|')}|`,
    row('central: reads', (r) => sum(r.byAccount.central, true)),
    row('central: reads by operation', (r) => list(r.byAccount.central)),
    row('central: mutating', (r) => sum(r.byAccount.central, false)),
    row('domain accounts: reads', (r) => sum(r.byAccount.domains, true)),
    row('domain accounts: reads by operation', (r) => list(r.byAccount.domains)),
    row('domain accounts: reads per account', (r) => (sum(r.byAccount.domains, true) / a.domains).toFixed(2)),
    row('domain accounts: mutating', (r) => sum(r.byAccount.domains, false)),
  ];
}

const isRead = (op) => /^[a-z0-9-]+:(Get|List|Describe|Search|BatchGet|Head)/.test(op);

function operations(a) {
  const steps = [
    ['first publish', a.publish],
    ['no-op publish', a.noop],
    ['subscriptions', a.subscribe],
    ['no-op of everything', a.noopAll],
  ];
  const ops = [...new Set(steps.flatMap(([, r]) => Object.keys(r.byOperation)))].sort();
  return [
    `| operation | ${steps.map(([n]) => n).join(' | ')} |`,
    `|---|${steps.map(() => '---').join('|')}|`,
    ...ops.map((op) => `| ${op} | ${steps.map(([, r]) => r.byOperation[op] ?? 0).join(' | ')} |`),
    `| **total** | ${steps.map(([, r]) => r.calls).join(' | ')} |`,
    `| wall time (plan + apply) | ${steps.map(([, r]) => s(r.ms)).join(' | ')} |`,
  ];
}

/**
 * The engine's state store appends each change it records to its journal and rewrites its snapshot at most every
 * 500 ms (src/engine/state.ts; it used to rewrite it after every change, O(n²) in all). Measured on its own, in this
 * process, with entries shaped like a catalog apply's, for n and 2n changes: it must grow linearly.
 */
async function stateStoreCost(counts) {
  const { StateStore } = await import(path.join(ROOT, 'dist', 'engine', 'state.js'));
  const out = [];
  for (const n of counts) {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'mesh-scale-state-'));
    try {
      const store = new StateStore(dir, 'aws');
      const started = performance.now();
      for (let i = 0; i < n; i++)
        store.record(`catalog:glue-table:700000000000:scale_d${i % 50}.t${i}`, 'create', { parameters: { 'mesh:version': '1.0.0' } });
      out.push({ n, ms: performance.now() - started });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return out;
}

export async function runScaleBench() {
  const ls = SIZES.map(local);
  const venv = existsSync(path.join(ROOT, '.services', 'venv', 'bin', 'python'));
  if (!venv && process.env.CI === 'true') throw new Error("moto's venv is missing; CI=true needs the moto rows of the scale bench.");
  const as = [];
  if (venv) {
    const moto = await startPagedMoto({ pageSize: MOTO_PAGE_SIZE });
    try {
      for (const t of SIZES) as.push(await aws(t, moto));
    } finally {
      await moto.stop();
    }
  }
  const state = await stateStoreCost([1000, 2000]);
  const l = ls.find((x) => x.tables === BIG);
  const a = as.find((x) => x.tables === BIG);
  const load = os
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(' / ');
  const out = [
    `### Scale: ${a?.domains ?? 50} domains, ${BIG} table products, ${l.subscriptions} subscriptions (bench/scale/generate.mjs, seed 16)`,
    '',
    ...goals(l, a),
    '',
    `_${os.cpus().length} CPUs, load average ${load} (1/5/15 min) at the end: timings on a shared machine vary with its load. moto: a server of the bench's own, list calls paged as on AWS (MaxResults up to each API's maximum); catalog plane only (no lock, no preflight), engine concurrency._`,
  ];
  if (ls.length === 2)
    out.push(
      '',
      `#### Growth from ${ls[0].tables} to ${ls[1].tables} tables (same 50 domains; subscriptions 5 per table)`,
      '',
      ...growth(ls, as),
    );
  if (a) {
    out.push('', `#### AWS calls by operation, ${BIG} tables`, '', ...operations(a));
    out.push('', `#### Where the calls go, ${BIG} tables`, '', ...accounts(a));
    const f = floors(a);
    out.push(
      '',
      `#### Each call against its floor, ${BIG} tables (${a.publish.shape.producers} producer domains, ${a.publish.shape.buckets} buckets, ${a.subscribe.shape.pairs} consumer-producer pairs, ${a.subscribe.shape.columnSubsets} column subsets)`,
      '',
      ...f.lines,
      '',
      `With mesh's names (one link database per consumer-producer pair) and one named-resource grant per table and per subscription, a first publish of this mesh cannot take fewer than ${f.floorPerTable.toFixed(2)} calls per table, nor the subscriptions fewer than ${f.floorPerSubscription.toFixed(3)} calls each. One link database per consumer instead of per pair would take ${a.subscribe.shape.linkedPairs - a.subscribe.shape.consumerAccounts} CreateDatabase calls off the subscriptions.`,
    );
    const pf = a.preflight;
    const per = Object.entries(pf.byOperation)
      .map(([op, n]) => `${op} ${n}`)
      .join(', ');
    out.push(
      '',
      `Preflight (src/bootstrap/preflight.ts), which every CLI publish runs before its lock and plan, no-op re-runs included: **${pf.reads} reads** (${per}; ${pf.outcome}), in ${s(pf.ms)}. Not part of the catalog figures above.`,
    );
  }
  const [st1, st2] = state;
  out.push(
    '',
    '#### Engine state store: recording each applied change (src/engine/state.ts)',
    '',
    '| changes recorded | time | per change |',
    '|---|---|---|',
    ...state.map((r) => `| ${r.n} | ${s(r.ms)} | ${(r.ms / r.n).toFixed(2)} ms |`),
    '',
    `×${(st2.n / st1.n).toFixed(0)} changes → ×${(st2.ms / st1.ms).toFixed(1)} time (${st2.ms / st1.ms > (st2.n / st1.n) * 1.3 ? '**FASTER than linear**' : 'linear'}); the moto rows above include it.`,
  );
  if (!venv) out.push('', '_moto rows left out: no moto venv (`npm run services -- up moto`)._');
  return { markdown: out.join('\n'), local: ls, aws: as };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { markdown } = await runScaleBench();
  process.stdout.write(`${markdown}\n`);
}
