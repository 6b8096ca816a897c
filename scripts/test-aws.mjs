#!/usr/bin/env node
// `npm run test:aws`: the lifecycle end-to-end test (test/e2e/aws-lifecycle.test.ts) against real AWS accounts, the
// same file `npm test` runs on moto. Only the endpoints and the accounts differ.
//
//   1. checks the variables that name the accounts and the MSK cluster (and that the named profiles exist), listing
//      what is missing; never prints a secret (it reads no credential, only profile names);
//   2. prints what the run creates in each account, and a cost ceiling;
//   3. asks for confirmation (--yes skips it; without a terminal and without --yes it refuses);
//   4. runs the test file with vitest, MESH_TEST_AWS=1, no test services, long timeouts. The test tears down in
//      `finally` whatever happened.
//
//   node scripts/test-aws.mjs [--yes] [--dry-run]     (--dry-run: steps 1-2 only)
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline/promises';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { AWS_VARIABLES, awsVariableProblems, ROLES } from './aws-test-variables.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TEST_FILE = 'test/e2e/aws-lifecycle.test.ts';
const EXAMPLE = path.join(ROOT, 'templates', 'examples', 'music-streaming', 'domains');
const PRODUCERS = ['users', 'songs', 'podcasts', 'interactions'];
const CONSUMERS = ['recommendations', 'analytics'];
const V = AWS_VARIABLES;

/** Profile names in the shared AWS config and credentials files (section names only: no value is read). */
function knownProfiles(env) {
  const home = env.HOME ?? os.homedir();
  const files = [
    env.AWS_CONFIG_FILE ?? path.join(home, '.aws', 'config'),
    env.AWS_SHARED_CREDENTIALS_FILE ?? path.join(home, '.aws', 'credentials'),
  ];
  const names = new Set();
  for (const file of files) {
    if (!existsSync(file)) continue;
    for (const match of readFileSync(file, 'utf8').matchAll(/^\s*\[\s*(?:profile\s+)?([^\]\s]+)\s*\]/gm)) names.add(match[1]);
  }
  return names;
}

/** Profiles named by the variables that no AWS config or credentials file defines. */
function missingProfiles(env) {
  const known = knownProfiles(env);
  return ROLES.map((role) => env[V.profile[role]])
    .filter((name) => name && !known.has(name))
    .map((name) => `profile "${name}": not in the AWS config or credentials file (aws configure sso --profile ${name})`);
}

function contractOf(domain) {
  const dir = path.join(EXAMPLE, domain, 'products');
  const file = path.join(dir, `${domain}.odcs.yaml`);
  const doc = parse(readFileSync(file, 'utf8'));
  const stream = doc.customProperties.find((p) => p.property === 'streamPort').value;
  return { entity: stream.entity, major: stream.major, partitions: stream.partitions };
}

/** Every resource the run makes, by account, with the names it gives them. */
export function plannedResources(env, runId) {
  const who = (role) => (env[V.account[role]] ? env[V.account[role]] : `the account of profile ${env[V.profile[role]]}`);
  const idOf = (role) => env[V.account[role]] ?? '<account>';
  const arn = env[V.clusterArn] ?? '';
  const clusterName = arn.split('/')[1] ?? '';
  const prefix = `life${runId}`;
  const topics = PRODUCERS.map((d) => ({ domain: d, ...contractOf(d) })).map((c) => ({
    name: `${prefix}.${c.domain}.${c.entity}.v${c.major}`,
    partitions: c.partitions,
  }));
  const songs = topics.find((t) => t.name.includes('.songs.'));
  topics.push({ name: `${songs.name}.dlq.recommendations`, partitions: songs.partitions });
  const fn = 'music-recommendations-lifecycle-probe';
  return {
    runId,
    topics,
    sections: [
      {
        title: `central catalog: ${who('central')}`,
        items: [
          'Lake Formation data lake settings: CROSS_ACCOUNT_VERSION raised to 3 or more, the caller added to the admins (kept after the run: destroy never lowers them)',
          'IAM role MeshLfDataAccess (trusted by Lake Formation)',
          'Glue Schema Registry "music", with 4 schemas',
          'Lake Formation LF-Tag keys classification, domain, product',
          'DynamoDB table mesh-locks (on-demand)',
          `Glue databases ${PRODUCERS.map((d) => `music_${d}`).join(', ')} (one table each); 4 registered S3 locations; Lake Formation grants`,
        ],
      },
      {
        title: `producer domains (${PRODUCERS.join(', ')}): ${who('producer')}`,
        items: [
          `IAM roles ${PRODUCERS.map((d) => `mesh-${d}`).join(', ')}`,
          `S3 buckets ${PRODUCERS.map((d) => `music-${d}-${idOf('producer')}-${runId}`).join(', ')} (made and deleted by the test; mesh adds a bucket policy statement)`,
          `Glue resource-link databases ${PRODUCERS.map((d) => `mesh_${d}`).join(', ')}`,
        ],
      },
      {
        title: `consumer domains (${CONSUMERS.join(', ')}): ${who('consumer')}`,
        items: [
          `IAM roles ${CONSUMERS.map((d) => `mesh-${d}`).join(', ')}`,
          'Glue resource-link database mesh_songs',
          `Lambda function ${fn} (nodejs22.x, 256 MB; mesh's starter handler), its execution role ${fn}-exec`,
          `one Lambda event source mapping from the songs topic (consumer group ${prefix}.recommendations.songs)`,
        ],
      },
      {
        title: `MSK cluster ${clusterName || '(MESH_TEST_MSK_CLUSTER_ARN)'} (existing; not created)`,
        items: [
          `${topics.length} topics, ${topics.reduce((n, t) => n + t.partitions, 0)} partitions: ${topics.map((t) => t.name).join(', ')}`,
          '5 events produced on the songs topic',
          "mesh's statements in the cluster policy, when the consumer account is not the cluster's",
          `consumer group ${prefix}.recommendations.songs (not removed: Kafka drops an empty group when its offsets expire, offsets.retention.minutes, 7 days by default)`,
        ],
      },
    ],
  };
}

/**
 * The cost ceiling of one run (at most 15 minutes), from AWS's public us-east-1 prices. Each line is the most the run
 * can use of that service; the ceiling is their sum times 10, rounded up to the next dollar, for retries, a re-run
 * after an interruption, and regions priced up to 30% above us-east-1.
 */
export function costCeiling(topics) {
  const partitions = topics.reduce((n, t) => n + t.partitions, 0);
  const lines = [
    [
      'Lambda',
      '≤ 20 invocations × 1 s × 0.25 GB × $0.0000166667/GB-s + $0.20/1M requests; event source mapping (on-demand pollers): no charge',
      20 * 0.25 * 0.0000166667 + (20 * 0.2) / 1e6,
    ],
    ['S3', '≤ 500 requests × $0.005/1,000 (PUT/LIST; GETs cheaper); storage: none kept', (500 * 0.005) / 1000],
    ['Glue Data Catalog', '≤ 100 objects (first million free) and ≤ 5,000 requests × $1/1M', (5000 * 1) / 1e6],
    ['DynamoDB (lock table)', '≤ 200 writes × $0.625/1M + ≤ 200 reads × $0.125/1M, on demand', (200 * 0.625 + 200 * 0.125) / 1e6],
    ['CloudWatch Logs', '≤ 10 MB ingested × $0.50/GB', (10 / 1024) * 0.5],
    [
      'MSK',
      `your existing cluster: Provisioned bills brokers whether or not the test runs ($0); Serverless: ${partitions} partitions × 0.25 h × $0.0015/partition-h`,
      partitions * 0.25 * 0.0015,
    ],
    ['Glue Schema Registry, Lake Formation, IAM, STS', 'no charge', 0],
  ];
  const estimate = lines.reduce((n, [, , usd]) => n + usd, 0);
  return { lines, estimate, ceiling: Math.ceil(estimate * 10) };
}

function render(plan, cost, env) {
  const out = [];
  out.push(`mesh test:aws, run ${plan.runId}: ${TEST_FILE} against real accounts`);
  out.push(
    `region ${env[V.region] || (env[V.clusterArn] ?? '').split(':')[3] || '?'}; accounts reached by ${ROLES.map((r) => (env[V.profile[r]] ? `profile ${env[V.profile[r]]}` : `role ${env[V.roleName]} in ${env[V.account[r]]}`)).join(', ')}`,
  );
  out.push('');
  out.push('Use accounts and a cluster no other mesh workspace uses: destroy --include-bootstrap removes the mesh-locks table,');
  out.push("the LF-Tag keys, the registry and every Mesh* statement of the cluster policy, as mesh's own.");
  out.push('');
  out.push('It creates, and removes at the end (mesh destroy --include-bootstrap --delete-data, in finally):');
  for (const s of plan.sections) {
    out.push(`  ${s.title}`);
    for (const item of s.items) out.push(`    - ${item}`);
  }
  out.push('');
  out.push(
    `Cost ceiling: US$${cost.ceiling.toFixed(2)} (estimate US$${cost.estimate.toFixed(4)} for a run of at most 15 minutes, ×10 and rounded up)`,
  );
  for (const [service, basis, usd] of cost.lines) out.push(`  ${service.padEnd(46)} $${usd.toFixed(4)}  ${basis}`);
  out.push('  Prices: AWS public pricing, us-east-1. Not counted: the MSK cluster and VPC connection you already run.');
  return out.join('\n');
}

async function confirmed(io) {
  if (io.yes) return true;
  if (!io.isTTY) {
    io.stderr.write('Refusing to create resources in real AWS accounts without confirmation: no terminal to ask on. Re-run with --yes.\n');
    return false;
  }
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  const answer = await rl.question('Create these resources in your accounts and run the test? [y/N] ');
  rl.close();
  return /^y(es)?$/i.test(answer.trim());
}

async function runVitest(env) {
  const { startVitest } = await import('vitest/node');
  Object.assign(process.env, env, { MESH_TEST_AWS: '1' });
  const vitest = await startVitest('test', [TEST_FILE], {
    root: ROOT,
    config: false,
    run: true,
    watch: false,
    include: [TEST_FILE],
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
    // The test polls a real account for minutes (IAM and Lake Formation settle; a new mapping starts polling).
    testTimeout: 25 * 60_000,
    hookTimeout: 25 * 60_000,
    retry: 0,
  });
  await vitest?.close();
  const failed = !vitest || vitest.state.getCountOfFailedTests() > 0 || vitest.state.getUnhandledErrors().length > 0;
  return failed || process.exitCode ? 1 : 0;
}

export async function main(argv, io) {
  const args = new Set(argv);
  const unknown = [...args].filter((a) => !['--yes', '-y', '--dry-run'].includes(a));
  if (unknown.length > 0) {
    io.stderr.write(`Unknown option ${unknown.join(' ')}. Usage: npm run test:aws -- [--yes] [--dry-run]\n`);
    return 2;
  }
  const env = io.env;
  const problems = [...awsVariableProblems(env), ...missingProfiles(env)];
  if (problems.length > 0) {
    io.stderr.write(
      `npm run test:aws needs real AWS accounts; set:\n  ${problems.join('\n  ')}\nSee "Running the tests against real AWS accounts" in README.md.\n`,
    );
    return 2;
  }
  const runId = env[V.runId] || randomBytes(4).toString('hex');
  const plan = plannedResources(env, runId);
  io.stdout.write(`${render(plan, costCeiling(plan.topics), env)}\n`);
  if (args.has('--dry-run')) return 0;
  if (!(await confirmed({ ...io, yes: args.has('--yes') || args.has('-y') }))) return 2;
  return io.run({ ...env, [V.runId]: runId });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2), {
    env: process.env,
    stdout: process.stdout,
    stderr: process.stderr,
    isTTY: Boolean(process.stdin.isTTY && process.stderr.isTTY),
    run: runVitest,
  });
}
