#!/usr/bin/env node
// Bootstrap, publish and destroy benchmark against moto: `mesh bootstrap` on empty accounts (first run) and again (a
// no-op re-run); publish-product of 4 and of 100 tables as the command runs it (preflight, lock, plan, apply; the 4
// tables in accounts of their own, bootstrapped first); then `mesh destroy --include-bootstrap`. Reports wall time and
// AWS calls (total, per table, of the preflight, mutating, by operation) of each; the goal is at most 3 calls per
// table at 100 tables. Imports the built CLI from ../dist (run `npm run build` first).
//
// Needs moto (`npm run services -- up`); without it the bench says so and exits 0, except with CI=true, which fails.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchWorkspace, motoEndpoint, randomAccount } from './catalog.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = (p) => import(path.join(ROOT, 'dist', p));

async function main() {
  const endpoint = motoEndpoint();
  if (!endpoint) {
    if (process.env.CI === 'true') throw new Error('moto is not running: npm run services -- up');
    console.log('moto is not running (npm run services -- up): bootstrap bench skipped.');
    return;
  }
  process.env.AWS_ENDPOINT_URL = endpoint;
  process.env.AWS_ACCESS_KEY_ID ??= 'testing';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'testing';
  process.env.AWS_REGION ??= 'us-east-1';
  const { runBootstrap } = await dist('bootstrap/run.js');
  const { runDestroy } = await dist('destroy/run.js');
  const { runPlanes } = await dist('engine/run.js');
  const { createCatalogPlane } = await dist('catalog/plane.js');
  const { createOutput } = await dist('io/output.js');
  const { preflight } = await dist('bootstrap/preflight.js');
  const { AwsCallCounter, CountingAwsClients } = await dist('catalog/aws/call-counter.js');
  const { S3Client, CreateBucketCommand } = await import('@aws-sdk/client-s3');

  const accounts = { central: randomAccount(), producers: [randomAccount(), randomAccount()] };
  const { workspace, buckets: bigBuckets } = benchWorkspace('aws', accounts);
  // 4 tables (one per domain) in accounts of their own, so the 100-table run starts from an empty catalog too.
  const small = benchWorkspace('aws', { central: randomAccount(), producers: [randomAccount(), randomAccount()] });
  const smallWorkspace = { ...small.workspace, products: small.workspace.products.slice(0, 4) };
  const buckets = [...bigBuckets, ...small.buckets];
  const counter = new AwsCallCounter();
  const clients = new CountingAwsClients(counter);
  for (const b of buckets) {
    const s3 = await clients.get(S3Client, {
      account: b.account,
      region: 'us-east-1',
      roleArn: `arn:aws:iam::${b.account}:role/mesh-bench`,
    });
    await s3.send(new CreateBucketCommand({ Bucket: b.bucket }));
  }
  const sink = { write: () => true };
  const common = {
    workspace,
    target: 'aws',
    // The run's one AwsClients (the destroy plane's streams plane takes it from the engine).
    clients,
    output: createOutput({ stdout: sink, stderr: sink }),
    signal: new AbortController().signal,
  };
  const rows = [];
  let preflightCalls = 0;
  const measure = async (label, run, tables) => {
    counter.reset();
    preflightCalls = 0;
    const t0 = performance.now();
    const result = await run();
    const ms = performance.now() - t0;
    const ops = Object.entries(counter.byOperation())
      .map(([op, n]) => `${op} ${n}`)
      .join(', ');
    const perTable = tables ? (counter.total / tables).toFixed(2) : '-';
    rows.push(
      `| ${label} | ${ms.toFixed(0)} | ${counter.total} | ${perTable} | ${tables ? preflightCalls : '-'} | ${counter.mutating.length} | ${result.result?.applied.length ?? 0} | ${ops} |`,
    );
  };
  // publish-product as the toolkit runs it: preflight, then the lock, then plan and apply at the engine's concurrency.
  const publish = (ws) =>
    runPlanes({
      ...common,
      workspace: ws,
      scope: { include: { publish: true, subscriptions: false } },
      factories: [(env) => createCatalogPlane(env, { clients })],
      concurrency: 4,
      lock: { timeoutMs: 0 },
      preflight: async (o) => {
        const before = counter.total;
        await preflight(o);
        preflightCalls = counter.total - before;
      },
    });
  await measure('bootstrap, first run', () => runBootstrap({ ...common, plane: { clients } }));
  await measure('bootstrap, re-run (no-op)', () => runBootstrap({ ...common, plane: { clients } }));
  await runBootstrap({ ...common, workspace: smallWorkspace, plane: { clients } });
  await measure('publish-product, 4 tables (preflight + lock + plan + apply)', () => publish(smallWorkspace), 4);
  await measure(
    `publish-product, ${workspace.products.length} tables (preflight + lock + plan + apply)`,
    () => publish(workspace),
    workspace.products.length,
  );
  await measure(`destroy --include-bootstrap (${workspace.products.length} tables)`, () =>
    runDestroy({ ...common, destroy: { deleteData: false, includeBootstrap: true, acknowledgeSubscribers: false, clients } }),
  );
  clients.destroy();
  console.log(
    `${workspace.domains.length} producer domains in 2 accounts + central, ${workspace.products.length} products, moto at ${endpoint}\n`,
  );
  console.log('| run | wall ms | AWS calls | calls per table | of which preflight | mutating | changes | calls by operation |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---|');
  for (const r of rows) console.log(r);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
