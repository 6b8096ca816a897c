#!/usr/bin/env node
// AWS faults benchmark: publish 100 products (the catalog bench's workspace) on aws through the fault-injecting proxy
// (test/support/fault-proxy.ts) in front of moto: fault-free, 10% throttling, 30% throttling. Reports wall time, AWS
// calls (logical) and HTTP attempts, the faults injected, the retry lines shown, how many runs it took to converge,
// and the changes a re-run plans (0 = converged). Imports the built CLI from ../dist (run `npm run build` first).
//
//   node bench/aws-faults.mjs            prints a markdown table (needs moto: `npm run services -- up`)
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { transform } from 'esbuild';
import { benchWorkspace, motoEndpoint, PRODUCTS, randomAccount } from './catalog.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = (p) => import(path.join(ROOT, 'dist', p));
const SCOPE = { include: { publish: true, subscriptions: false } };
const CONCURRENCY = 4;
const MAX_RUNS = 3;

export const SCENARIOS = [
  { name: 'fault-free', rates: {} },
  { name: '10% throttling', rates: { throttle: 0.1 } },
  { name: '30% throttling', rates: { throttle: 0.3 } },
  { name: '5% 500s + 5% dropped', rates: { error: 0.05, drop: 0.05 } },
];

/** The fault proxy is TypeScript (it lives with the tests); esbuild (a dependency) turns it into a module here. */
async function loadFaultProxy() {
  const { readFileSync } = await import('node:fs');
  const source = readFileSync(path.join(ROOT, 'test', 'support', 'fault-proxy.ts'), 'utf8');
  const { code } = await transform(source, { loader: 'ts', format: 'esm', target: 'node20' });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mesh-fault-proxy-'));
  const file = path.join(dir, 'fault-proxy.mjs');
  writeFileSync(file, code);
  try {
    return await import(pathToFileURL(file).href);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function createBuckets(buckets, endpoint) {
  const { S3Client, CreateBucketCommand } = await import('@aws-sdk/client-s3');
  const { STSClient, AssumeRoleCommand } = await import('@aws-sdk/client-sts');
  const base = { region: 'us-east-1', endpoint, forcePathStyle: true };
  for (const b of buckets) {
    const sts = new STSClient(base);
    const { Credentials: c } = await sts.send(
      new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${b.account}:role/mesh-bench`, RoleSessionName: 'bench' }),
    );
    sts.destroy();
    const s3 = new S3Client({
      ...base,
      credentials: { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken },
    });
    await s3.send(new CreateBucketCommand({ Bucket: b.bucket }));
    s3.destroy();
  }
}

async function scenario(proxy, { name, rates }, seed) {
  const { createCatalogPlane } = await dist('catalog/plane.js');
  const { applyPlan } = await dist('engine/apply.js');
  const { StateStore } = await dist('engine/state.js');
  const { createOutput } = await dist('io/output.js');
  const { createCliHost, loadRenderers } = await dist('cli/io-host.js');
  const { AwsCallCounter, CountingAwsClients } = await dist('catalog/aws/call-counter.js');
  const accounts = { central: randomAccount(), producers: [randomAccount(), randomAccount()] };
  const { workspace, buckets } = benchWorkspace('aws', accounts);
  await createBuckets(buckets, motoEndpoint());
  const lines = [];
  const sink = { write: (s) => lines.push(...String(s).split('\n').filter(Boolean)) || true };
  const output = createOutput({ stdout: { write: () => true }, stderr: sink });
  // the retry lines as a user sees them: the CLI's host renders the clients' aws.retry messages onto the output
  const host = createCliHost({ output, prompts: { interactive: false }, yes: false, renderers: await loadRenderers() });
  const env = {
    workspace,
    target: 'aws',
    host,
    signal: new AbortController().signal,
    state: new StateStore(path.join(workspace.root, '.mesh', 'state'), 'aws'),
    allowed: new Set(),
  };
  const counter = new AwsCallCounter();
  const once = async () => {
    const clients = new CountingAwsClients(counter, undefined, { host });
    const plane = await createCatalogPlane(env, { clients });
    try {
      const plan = await plane.plan(SCOPE, env);
      const applied = await applyPlan(plan, (c) => plane.execute(c, env), { concurrency: CONCURRENCY, state: env.state });
      return { changes: applied.applied.length, failed: applied.failed?.length ?? 0 };
    } finally {
      await plane.close();
    }
  };
  try {
    proxy.configure({ ...rates, seed });
    const t0 = performance.now();
    let runs = 0;
    let lastError;
    for (; runs < MAX_RUNS; ) {
      runs++;
      try {
        const r = await once();
        lastError = undefined;
        if (r.failed === 0) break;
        lastError = `${r.failed} change(s) failed`;
      } catch (error) {
        lastError = error?.message ?? String(error);
      }
    }
    const wallMs = performance.now() - t0;
    const faults = { ...proxy.stats };
    const calls = counter.total;
    proxy.configure({});
    const rerun = await once();
    const retryLines = lines.filter((l) => /retrying in/.test(l));
    return { name, wallMs, runs, lastError, calls, attempts: faults.requests, faults, retryLines, rerunChanges: rerun.changes };
  } finally {
    rmSync(workspace.root, { recursive: true, force: true });
  }
}

function markdown(results) {
  const base = results.find((r) => r.name === 'fault-free');
  const out = [
    `### Publish ${PRODUCTS} products on aws through the fault proxy (concurrency ${CONCURRENCY})`,
    '',
    '| faults | wall s | x fault-free | runs to converge | AWS calls | HTTP attempts | throttled | 500s | dropped | retry lines shown | re-run changes |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of results) {
    out.push(
      `| ${r.name} | ${(r.wallMs / 1000).toFixed(1)} | ${base ? (r.wallMs / base.wallMs).toFixed(1) : '-'} | ${r.lastError ? `not in ${r.runs} (${r.lastError})` : r.runs} | ${r.calls} | ${r.attempts} | ${r.faults.throttle} | ${r.faults.error} | ${r.faults.drop} | ${r.retryLines.length} | ${r.rerunChanges} |`,
    );
  }
  // One line per kind of retry (service + what happened).
  const byKind = new Map(results.flatMap((r) => r.retryLines).map((l) => [l.split(';')[0], l]));
  const sample = [...byKind.values()].slice(0, 8);
  if (sample.length > 0) out.push('', 'Retry lines, e.g.:', '', ...sample.map((l) => `    ${l}`));
  return out.join('\n');
}

export async function runAwsFaultsBench(names = SCENARIOS.map((s) => s.name)) {
  const endpoint = motoEndpoint();
  if (!endpoint) {
    if (process.env.CI === 'true') throw new Error('moto is not running (npm run services -- up); CI=true needs this benchmark.');
    return { markdown: '_left out: moto is not running (`npm run services -- up`)._', results: [] };
  }
  const { startFaultProxy } = await loadFaultProxy();
  const proxy = await startFaultProxy({ target: endpoint, idleMs: 600_000 });
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: proxy.url,
    AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID ?? 'testing',
    AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY ?? 'testing',
    AWS_REGION: process.env.AWS_REGION ?? 'us-east-1',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  });
  delete process.env.MESH_AWS_MAX_ATTEMPTS;
  const results = [];
  try {
    let seed = 7;
    for (const s of SCENARIOS.filter((x) => names.includes(x.name))) results.push(await scenario(proxy, s, seed++));
  } finally {
    await proxy.close();
  }
  return { markdown: markdown(results), results };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const wanted = process.argv.slice(2);
  const { markdown: text } = await runAwsFaultsBench(wanted.length > 0 ? wanted : undefined);
  process.stdout.write(`${text}\n`);
}
