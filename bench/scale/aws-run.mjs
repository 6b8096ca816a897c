#!/usr/bin/env node
// One step of the scale bench on moto, in a process of its own (so its peak memory is its own): loads the generated
// workspace with mesh's loader, then plans and applies the catalog plane the way publish-product / subscribe / apply do
// (the engine's concurrency, no lock), counting every AWS call (src/catalog/aws/call-counter.ts). Prints one JSON line.
//
//   node bench/scale/aws-run.mjs <workspace> buckets|publish|subscribe|all
//
// `buckets` creates each domain's bucket in its account (not counted: mesh expects producers' buckets to exist).
// Needs AWS_ENDPOINT_URL (moto) and dummy credentials in the environment. Imports the built CLI from ../../dist.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const dist = (p) => import(path.join(ROOT, 'dist', p));

const SCOPES = {
  publish: { include: { publish: true, subscriptions: false } },
  subscribe: { include: { publish: false, subscriptions: true } },
  all: { include: { publish: true, subscriptions: true } },
};

async function createBuckets(workspace) {
  const { AwsClients } = await dist('aws/clients.js');
  const { S3Client, CreateBucketCommand } = await import('@aws-sdk/client-s3');
  const clients = new AwsClients();
  for (const d of workspace.domains) {
    const s3 = await clients.get(S3Client, d.access);
    for (const location of d.locations ?? []) {
      const bucket = location.replace(/^s3:\/\//, '').split('/')[0];
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    }
  }
  clients.destroy();
  return { buckets: workspace.domains.length };
}

async function runStep(workspace, step) {
  const { createCatalogPlane } = await dist('catalog/plane.js');
  const { runPlanes } = await dist('engine/run.js');
  const { AwsCallCounter, CountingAwsClients } = await dist('catalog/aws/call-counter.js');
  const counter = new AwsCallCounter();
  const clients = new CountingAwsClients(counter);
  const started = performance.now();
  let planMs = 0;
  let planCalls = 0;
  const { plan, applied } = await runPlanes({
    workspace,
    target: 'aws',
    signal: new AbortController().signal,
    scope: SCOPES[step],
    factories: [(env) => createCatalogPlane(env, { clients })],
    clients,
    allowed: new Set(),
    onPlan: () => {
      planMs = performance.now() - started;
      planCalls = counter.total;
    },
  });
  const ms = performance.now() - started;
  clients.destroy();
  const mutating = counter.mutating.length;
  return {
    ms,
    planMs,
    calls: counter.total,
    planCalls,
    mutating,
    reads: counter.total - mutating,
    byOperation: counter.byOperation(),
    summary: plan.summary,
    applied,
  };
}

const [root, step] = process.argv.slice(2);
if (!root || !['buckets', ...Object.keys(SCOPES)].includes(step)) {
  process.stderr.write('usage: node bench/scale/aws-run.mjs <workspace> buckets|publish|subscribe|all\n');
  process.exit(2);
}
const { loadWorkspace } = await dist('workspace/load.js');
const workspace = await loadWorkspace(root);
const result = step === 'buckets' ? await createBuckets(workspace) : await runStep(workspace, step);
process.stdout.write(`${JSON.stringify({ step, ...result, maxRssKb: process.resourceUsage().maxRSS })}\n`);
