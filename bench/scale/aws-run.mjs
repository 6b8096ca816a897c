#!/usr/bin/env node
// One step of the scale bench on moto, in a process of its own (so its peak memory is its own): loads the generated
// workspace with mesh's loader, then plans and applies the catalog plane the way publish-product / subscribe / apply do
// (the engine's concurrency, no lock), counting every AWS call (src/catalog/aws/call-counter.ts). Prints one JSON line.
//
//   node bench/scale/aws-run.mjs <workspace> buckets|publish|subscribe|all|preflight
//
// `buckets` creates each domain's bucket in its account (not counted: mesh expects producers' buckets to exist).
// `preflight` readies the accounts the way `mesh bootstrap` would (Lake Formation settings, the data access role, each
// domain's role; not counted), then runs the checks a CLI publish runs before its lock and plan
// (src/bootstrap/preflight.ts) and counts their calls.
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

/**
 * What the workspace holds that AWS calls are counted against (bench/scale.mjs prints each operation next to its
 * floor): tables, producer domains, their database links and buckets, subscriptions, column subsets, consumer-producer
 * pairs, and the LF-Tag values per key.
 */
function shapeOf(workspace) {
  const central = workspace.mesh.central.account;
  const accountOf = (name) => workspace.domains.find((d) => d.name === name)?.access.account;
  const tables = workspace.products.filter((p) => p.table);
  const producers = new Set(tables.map((p) => p.domain));
  const bucketOf = (p) => `${accountOf(p.domain)}/${p.table.location.replace(/^s3:\/\//, '').split('/')[0]}`;
  const subscriptions = workspace.domains.flatMap((c) =>
    c.subscriptions.filter((s) => s.table).map((s) => ({ consumer: c, s, product: tables.find((p) => p.name === s.product) })),
  );
  const linked = subscriptions.filter((x) => x.product && ![central, accountOf(x.product.domain)].includes(x.consumer.access.account));
  return {
    tables: tables.length,
    producers: producers.size,
    producerLinks: [...producers].filter((d) => accountOf(d) !== central).length,
    buckets: new Set(tables.map(bucketOf)).size,
    locations: new Set(tables.map((p) => `${p.domain} ${bucketOf(p)}`)).size,
    subscriptions: subscriptions.length,
    columnSubsets: subscriptions.filter((x) => x.s.table?.columns?.length).length,
    pairs: new Set(subscriptions.map((x) => `${x.consumer.name}/${x.product?.domain}`)).size,
    linkedPairs: new Set(linked.map((x) => `${x.consumer.name}/${x.product.domain}`)).size,
    linkedSubscriptions: linked.length,
    consumerAccounts: new Set(subscriptions.map((x) => x.consumer.access.account)).size,
    // GetTables pages (100 tables each) to read every producer's central database once
    centralTablePages: [...producers].reduce((n, d) => n + Math.ceil(tables.filter((p) => p.domain === d).length / 100), 0),
    tagValues: {
      classification: new Set(tables.map((p) => p.classification)).size,
      domain: producers.size,
      product: tables.length,
    },
  };
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
  // Where the calls go: the central account, and the domain accounts summed (each domain's account holds its
  // producer link database, its bucket and its consumers' resource links).
  const central = workspace.mesh.central.account;
  const byAccount = { central: {}, domains: {} };
  for (const c of counter.calls) {
    const side = c.account === central ? byAccount.central : byAccount.domains;
    const k = `${c.service}:${c.operation}`;
    side[k] = (side[k] ?? 0) + 1;
  }
  return {
    ms,
    planMs,
    calls: counter.total,
    planCalls,
    mutating,
    reads: counter.total - mutating,
    byOperation: counter.byOperation(),
    byAccount,
    summary: plan.summary,
    applied,
    shape: shapeOf(workspace),
  };
}

/** What preflight checks for, made directly (bootstrap's own calls are not what this step measures). */
async function readyAccounts(workspace) {
  const { AwsClients } = await dist('aws/clients.js');
  const { IAMClient, CreateRoleCommand } = await import('@aws-sdk/client-iam');
  const { LakeFormationClient, PutDataLakeSettingsCommand } = await import('@aws-sdk/client-lakeformation');
  const clients = new AwsClients();
  const central = workspace.mesh.central;
  const trust = (service) =>
    JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' }] });
  const role = async (access, name, service) => {
    try {
      await (await clients.get(IAMClient, access)).send(
        new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: trust(service) }),
      );
    } catch (error) {
      if (error?.name !== 'EntityAlreadyExistsException' && error?.name !== 'EntityAlreadyExists') throw error;
    }
  };
  await (await clients.get(LakeFormationClient, central)).send(
    new PutDataLakeSettingsCommand({
      DataLakeSettings: {
        DataLakeAdmins: [{ DataLakePrincipalIdentifier: central.roleArn ?? `arn:aws:iam::${central.account}:root` }],
        CreateDatabaseDefaultPermissions: [],
        CreateTableDefaultPermissions: [],
        Parameters: { CROSS_ACCOUNT_VERSION: '4' },
      },
    }),
  );
  await role(central, central.dataAccessRoleName, 'lakeformation.amazonaws.com');
  for (const d of workspace.domains) await role(d.access, d.roleName, 'glue.amazonaws.com');
  clients.destroy();
}

/** The preflight of a publish of every product, as `mesh publish-product` (every product) runs it before its lock and plan. */
async function runPreflight(workspace) {
  await readyAccounts(workspace);
  const { preflight } = await dist('bootstrap/preflight.js');
  const { AwsCallCounter, CountingAwsClients } = await dist('catalog/aws/call-counter.js');
  const counter = new AwsCallCounter();
  const clients = new CountingAwsClients(counter);
  const started = performance.now();
  let outcome = 'passed';
  try {
    await preflight({ workspace, target: 'aws', scope: SCOPES.publish, clients });
  } catch (error) {
    outcome = error?.code ?? String(error);
  }
  const ms = performance.now() - started;
  clients.destroy();
  const mutating = counter.mutating.length;
  return { ms, outcome, calls: counter.total, mutating, reads: counter.total - mutating, byOperation: counter.byOperation() };
}

const [root, step] = process.argv.slice(2);
if (!root || !['buckets', 'preflight', ...Object.keys(SCOPES)].includes(step)) {
  process.stderr.write('usage: node bench/scale/aws-run.mjs <workspace> buckets|publish|subscribe|all|preflight\n');
  process.exit(2);
}
const { loadWorkspace } = await dist('workspace/load.js');
const workspace = await loadWorkspace(root);
const result =
  step === 'buckets'
    ? await createBuckets(workspace)
    : step === 'preflight'
      ? await runPreflight(workspace)
      : await runStep(workspace, step);
process.stdout.write(`${JSON.stringify({ step, ...result, maxRssKb: process.resourceUsage().maxRSS })}\n`);
