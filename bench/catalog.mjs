#!/usr/bin/env node
// Catalog plane benchmark: publish 100 products (4 domains × 25, CSV tables) on the local target and against moto,
// sequentially (concurrency 1) and with the engine's concurrency; then a no-op re-run. Reports plan and apply time and
// the AWS calls by service and operation. Imports the built CLI from ../dist (run `npm run build` first).
//
//   node bench/catalog.mjs            prints markdown tables
//   import { runCatalogBench } from './catalog.mjs'   returns { markdown, results }
//
// aws rows need moto (`npm run services -- up`); without it they are left out, except with CI=true, which fails.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = (p) => import(path.join(ROOT, 'dist', p));

export const PRODUCTS = 100;
const DOMAINS = ['listeners', 'music', 'podcasts', 'ads'];
const ENGINE_CONCURRENCY = 4;
const SCOPE = { include: { publish: true, subscriptions: false } };

export function randomAccount() {
  return `7${String(Math.floor(Math.random() * 1e11)).padStart(11, '0')}`;
}

/** A workspace of PRODUCTS products, built directly in the model's shape, with a small CSV per product. */
export function benchWorkspace(target, accounts) {
  const root = mkdtempSync(path.join(os.tmpdir(), `mesh-bench-${target}-`));
  const mesh = {
    name: 'bench',
    target,
    central: {
      account: accounts.central,
      region: 'us-east-1',
      dataAccessRoleName: 'MeshLfDataAccess',
      ...(target === 'aws' ? { roleArn: `arn:aws:iam::${accounts.central}:role/mesh-bench` } : {}),
    },
    streaming: { kind: 'embedded' },
    naming: {
      topicPattern: 'mesh.{domain}.{entity}.v{major}',
      databasePattern: '{mesh}_{domain}',
      linkDatabasePattern: 'mesh_{domain}',
      consumerGroupPattern: 'mesh.{consumer}.{product}',
    },
    requiredOwnerFields: ['team'],
    schemaRegistry: 'bench',
    localDir: path.join(root, '.mesh', 'local'),
    aws: { artifactBucketPattern: '{mesh}-{domain}-{account}' },
  };
  const domainAccount = (i) => accounts.producers[i % accounts.producers.length];
  const buckets = DOMAINS.map((d, i) => ({ account: domainAccount(i), bucket: `bench-${d}-${domainAccount(i)}` }));
  const domains = DOMAINS.map((name, i) => ({
    name,
    kind: 'producer',
    owner: { team: `${name}-team`, contact: `${name}@example.com` },
    access: {
      account: domainAccount(i),
      region: 'us-east-1',
      ...(target === 'aws' ? { roleArn: `arn:aws:iam::${domainAccount(i)}:role/mesh-bench` } : {}),
    },
    roleName: `mesh-${name}`,
    // The S3 location each domain may publish to (its own bucket).
    locations: [`s3://${buckets[i].bucket}/`],
    dir: path.join(root, 'domains', name),
    file: path.join(root, 'domains', name, 'domain.yaml'),
    subscriptions: [],
    transforms: [],
  }));
  const products = Array.from({ length: PRODUCTS }, (_, i) => {
    const d = DOMAINS[i % DOMAINS.length];
    const name = `product-${String(i).padStart(3, '0')}`;
    const sample = path.join(root, 'domains', d, 'data', `${name}.csv`);
    mkdirSync(path.dirname(sample), { recursive: true });
    writeFileSync(sample, 'id,name,amount\n1,a,10\n2,b,20\n');
    return {
      id: `urn:mesh:bench:${d}:${name}`,
      name,
      domain: d,
      version: '1.0.0',
      status: 'active',
      description: `Bench product ${i}`,
      owner: { team: `${d}-team`, contact: `${d}@example.com` },
      classification: i % 3 === 0 ? 'confidential' : 'internal',
      columns: [
        { name: 'id', type: 'bigint', required: true, pii: false, primaryKey: true },
        { name: 'name', type: 'string', required: false, pii: false, primaryKey: false },
        { name: 'amount', type: 'int', required: false, pii: false, primaryKey: false },
      ],
      table: {
        format: 'csv',
        location: `s3://${buckets[i % DOMAINS.length].bucket}/${name}/`,
        partitionKeys: [],
        tableName: name.replace(/-/g, '_'),
      },
      file: path.join(root, 'domains', d, 'products', `${name}.yaml`),
      sampleData: sample,
    };
  });
  return { workspace: { root, meshFile: path.join(root, 'mesh.yaml'), mesh, domains, products }, buckets };
}

export function motoEndpoint() {
  if (process.env.AWS_ENDPOINT_URL) return process.env.AWS_ENDPOINT_URL;
  const res = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'services.mjs'), 'status', '--json'], { encoding: 'utf8' });
  try {
    const moto = JSON.parse(res.stdout).services.find((s) => s.name === 'moto');
    return moto?.ready ? moto.endpoint : undefined;
  } catch {
    return undefined;
  }
}

async function measure(target, concurrency, endpoint) {
  const { createCatalogPlane } = await dist('catalog/plane.js');
  const { applyPlan } = await dist('engine/apply.js');
  const { StateStore } = await dist('engine/state.js');
  const { silentHost } = await dist('core/messages.js');
  const { AwsCallCounter, CountingAwsClients } = await dist('catalog/aws/call-counter.js');
  const accounts = { central: randomAccount(), producers: [randomAccount(), randomAccount()] };
  const { workspace, buckets } = benchWorkspace(target, accounts);
  const counter = new AwsCallCounter();
  const clients = target === 'aws' ? new CountingAwsClients(counter) : undefined;
  try {
    if (clients) {
      const { S3Client, CreateBucketCommand } = await import('@aws-sdk/client-s3');
      for (const b of buckets) {
        const s3 = await clients.get(
          S3Client,
          { account: b.account, region: 'us-east-1', roleArn: `arn:aws:iam::${b.account}:role/mesh-bench` },
          { endpoint },
        );
        await s3.send(new CreateBucketCommand({ Bucket: b.bucket }));
      }
    }
    const env = {
      workspace,
      target,
      host: silentHost,
      signal: new AbortController().signal,
      state: new StateStore(path.join(workspace.root, '.mesh', 'state'), target),
      allowed: new Set(),
    };
    const once = async () => {
      const plane = await createCatalogPlane(env, clients ? { clients } : {});
      counter.reset();
      const t0 = performance.now();
      const plan = await plane.plan(SCOPE, env);
      const planMs = performance.now() - t0;
      const planCalls = counter.total;
      const t1 = performance.now();
      const applied = await applyPlan(plan, (c) => plane.execute(c, env), { concurrency, state: env.state });
      const applyMs = performance.now() - t1;
      await plane.close();
      return {
        planMs,
        applyMs,
        planCalls,
        applyCalls: counter.total - planCalls,
        mutating: counter.mutating.length,
        ops: counter.byOperation(),
        changes: applied.applied.length,
      };
    };
    const first = await once();
    const noop = await once();
    return { target, concurrency, first, noop };
  } finally {
    rmSync(workspace.root, { recursive: true, force: true });
  }
}

const ms = (n) => `${Math.round(n)}`;

function markdown(results) {
  const lines = [
    `### Catalog plane: publish ${PRODUCTS} products (${DOMAINS.length} domains, CSV tables)`,
    '',
    '| target | concurrency | changes | plan ms | apply ms | AWS calls (plan + apply) | calls per table | no-op re-run: plan ms | no-op calls | no-op mutating calls |',
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of results) {
    const aws = r.target === 'aws';
    const calls = r.first.planCalls + r.first.applyCalls;
    lines.push(
      `| ${r.target} | ${r.concurrency} | ${r.first.changes} | ${ms(r.first.planMs)} | ${ms(r.first.applyMs)} | ${aws ? `${calls} (${r.first.planCalls} + ${r.first.applyCalls})` : '-'} | ${aws ? (calls / PRODUCTS).toFixed(2) : '-'} | ${ms(r.noop.planMs)} | ${aws ? r.noop.planCalls + r.noop.applyCalls : '-'} | ${aws ? r.noop.mutating : '-'} |`,
    );
  }
  const aws = results.find((r) => r.target === 'aws' && r.concurrency === ENGINE_CONCURRENCY);
  if (aws) {
    lines.push(
      '',
      `#### AWS calls by operation (concurrency ${ENGINE_CONCURRENCY})`,
      '',
      '| operation | first publish | no-op re-run |',
      '|---|---|---|',
    );
    const ops = [...new Set([...Object.keys(aws.first.ops), ...Object.keys(aws.noop.ops)])].sort();
    for (const op of ops) lines.push(`| ${op} | ${aws.first.ops[op] ?? 0} | ${aws.noop.ops[op] ?? 0} |`);
  }
  return lines.join('\n');
}

export async function runCatalogBench() {
  const results = [];
  for (const c of [1, ENGINE_CONCURRENCY]) results.push(await measure('local', c));
  const endpoint = motoEndpoint();
  if (endpoint) {
    Object.assign(process.env, {
      AWS_ENDPOINT_URL: endpoint,
      AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID ?? 'testing',
      AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY ?? 'testing',
      AWS_REGION: process.env.AWS_REGION ?? 'us-east-1',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    });
    for (const c of [1, ENGINE_CONCURRENCY]) results.push(await measure('aws', c, endpoint));
  } else if (process.env.CI === 'true') {
    throw new Error('moto is not running (npm run services -- up); CI=true needs the aws rows of the catalog benchmark.');
  }
  const text = markdown(results) + (endpoint ? '' : '\n\n_aws rows left out: moto is not running (`npm run services -- up`)._');
  return { markdown: text, results };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { markdown: text } = await runCatalogBench();
  process.stdout.write(`${text}\n`);
}
