// The running example end to end on the aws target: the files `mesh init --example music-streaming` writes, switched to
// aws (fresh moto accounts, an MSK cluster in moto whose bootstrap brokers are the real Kafka broker), driven through
// the mesh commands in this process (Personalize mocked with aws-sdk-client-mock). Asserts what every account holds.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GetClusterPolicyCommand, KafkaClient } from '@aws-sdk/client-kafka';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { readPersonalizeOutputs } from '../../src/personalize/outputs.js';
import { packageHandler } from '../../src/streams/functions/handler-bundle.js';
import { loadWorkspace } from '../../src/workspace/load.js';
import { bucketPolicy, databases, grants, lfTags, locations, tables, tableTags } from '../catalog/moto-accounts.js';
import { accountClients } from '../support/moto.js';
import { athenaExecutions, exampleResults, expectedCsv, seedAthenaResults } from './aws-example-athena.js';
import { inspectBundle, providedByRuntime } from './aws-example-bundle.js';
import { type CliRun, mesh, type PlanDoc } from './aws-example-cli.js';
import { centralGrants, type ExampleRun, executionPolicy, functionsOf, mappings, topicOf } from './aws-example-expect.js';
import { contract } from './aws-example-files.js';
import { type FunctionState, functionsIn, objectKeys, objectText, registrySchema, topicsWithPrefix } from './aws-example-read.js';
import {
  bucketOf,
  CONSUMERS,
  createBucket,
  createMskCluster,
  freshExampleAccounts,
  PRODUCERS,
  preparePersonalize,
  REGION,
  rewriteExample,
} from './aws-example-setup.js';
import { AccountPersonalize } from './aws-personalize-fake.js';

// Personalize jobs are polled from 3 s / 30 s; the fake moves one status per Describe, so its waits need no real time.
vi.mock('../../src/core/waiter.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/core/waiter.js')>();
  const instant = async () => {};
  return {
    ...real,
    waitFor: (o: Parameters<typeof real.waitFor>[0]) =>
      real.waitFor(o.resumeHint?.includes('mesh personalize status') ? { ...o, sleep: instant } : o),
  };
});

const accounts = freshExampleAccounts();
const C = accounts.central;
const R = accounts.recommendations;
const topicPrefix = `e2e${randomBytes(4).toString('hex')}`;
const personalizeBucket = `music-recommendations-${R}`;
const timings: string[] = [];
let root = '';
let clusterArn = '';
let fake: AccountPersonalize;
interface TrainDoc {
  datasets: { type: string; file: string; rows: number; fingerprint: string }[];
  solutions: { solution: string; reused: boolean; solutionVersionArn: string }[];
}
/** What the first `personalize train` answered (the test that runs it reads through Athena; the next checks the rest). */
let firstTrain: TrainDoc | undefined;
/** Keys of what the first publish and subscribe runs planned. */
const firstRunKeys: string[] = [];

async function run(...args: string[]): Promise<CliRun> {
  const result = await mesh(root, ...args);
  timings.push(`${args.slice(0, 2).join(' ')} ${args.includes('--target') ? '(local) ' : ''}${result.ms} ms`);
  return result;
}
const planOf = (r: CliRun) => r.doc as PlanDoc;
const countBy = (items: readonly string[]) =>
  items.reduce<Record<string, number>>((acc, k) => Object.assign(acc, { [k]: (acc[k] ?? 0) + 1 }), {});
const ctx = (): ExampleRun => ({ root, accounts, topicPrefix, clusterArn });

beforeAll(async () => {
  root = mkdtempSync(path.join(os.tmpdir(), 'mesh-aws-e2e-'));
  clusterArn = (await createMskCluster(C, '3.5.1')).arn;
  await run('init', '--example', 'music-streaming');
  rewriteExample(root, { accounts, clusterArn, topicPrefix });
  for (const product of PRODUCERS) await createBucket(accounts[product], bucketOf(contract(root, product).location));
  await preparePersonalize(R, personalizeBucket, 'music-recommendations-personalize');
  // What a new user runs first on real accounts: without it, preflight refuses the first publish-product.
  await run('bootstrap');
  fake = new AccountPersonalize(R, REGION);
}, 60_000);

afterAll(() => {
  fake?.restoreAll();
  if (root) rmSync(root, { recursive: true, force: true });
  if (process.env.MESH_E2E_TIMINGS) console.log(timings.join('\n'));
});

describe('the music-streaming example on aws: publish, subscribe, train, deploy', () => {
  it('publish-product: tables, grants, LF-Tags and locations in the catalog; topics and schemas on the stream', async () => {
    const { applied, plan } = planOf(await run('publish-product'));
    expect(applied).toBe(true);
    firstRunKeys.push(...plan.changes.map((c) => c.key));
    expect(countBy(plan.changes.map((c) => `${c.action} ${c.type}`))).toEqual({
      'create bucket-policy': 4,
      'create glue-database': 4,
      'create glue-table': 4,
      // mesh bootstrap made the LF-Tag keys with these values already
      'noop lf-tag': 3,
      'create lf-location': 4,
      'create resource-link-database': 4,
      'create topic': 4,
      'create schema': 4,
      'grant lf-grant': 12,
    });
  });

  it('subscribe: recommendations to users, songs, podcasts, interactions (table + stream); analytics to interactions (stream)', async () => {
    const plans: PlanDoc[] = [];
    for (const product of PRODUCERS) plans.push(planOf(await run('subscribe', product, '--domain', 'recommendations')));
    plans.push(planOf(await run('subscribe', 'interactions', '--domain', 'analytics', '--stream')));
    const changes = plans.flatMap((p) => p.plan.changes.map((c) => `${c.action} ${c.type}`));
    firstRunKeys.push(...plans.flatMap((p) => p.plan.changes.map((c) => c.key)));
    expect(countBy(changes)).toEqual({
      'create glue-database': 4,
      'create resource-link': 4,
      'grant lf-grant': 9,
      'create topic': 5,
      'create execution-role': 4,
      'create function': 4,
      'noop execution-role': 1,
      'noop function': 1,
      'create event-source-mapping': 5,
      // the cluster policy covers every declared cross-account subscription at the first subscribe
      'grant msk-cluster-policy': 1,
      'noop msk-cluster-policy': 4,
    });
  });

  it('cluster policy: each consumer’s execution roles may reach the cluster, its topics and groups (cross-account)', async () => {
    const kafka = new KafkaClient(await accountClients(accounts.central));
    const { Policy } = await kafka.send(new GetClusterPolicyCommand({ ClusterArn: clusterArn }));
    const statements = (
      JSON.parse(Policy ?? '{}') as { Statement: { Sid: string; Principal: { AWS: string[] }; Action: string[]; Resource: string[] }[] }
    ).Statement;
    const bySid = new Map(statements.map((s) => [s.Sid, s]));
    expect(statements.map((s) => s.Sid)).toEqual([
      'MeshAnalyticsCluster',
      'MeshAnalyticsConnect',
      'MeshAnalyticsInteractionsIngestorDeadLetter',
      'MeshAnalyticsInteractionsIngestorGroups',
      'MeshAnalyticsInteractionsIngestorRead',
      'MeshRecommendationsCluster',
      'MeshRecommendationsConnect',
      'MeshRecommendationsInteractionsHandlerDeadLetter',
      'MeshRecommendationsInteractionsHandlerGroups',
      'MeshRecommendationsInteractionsHandlerRead',
      'MeshRecommendationsItemsHandlerDeadLetter',
      'MeshRecommendationsItemsHandlerGroups',
      'MeshRecommendationsItemsHandlerRead',
      'MeshRecommendationsUsersHandlerDeadLetter',
      'MeshRecommendationsUsersHandlerGroups',
      'MeshRecommendationsUsersHandlerRead',
    ]);
    const role = (consumer: 'analytics' | 'recommendations', fn: string) =>
      `arn:aws:iam::${accounts[consumer]}:role/music-${consumer}-${fn}-exec`;
    expect(bySid.get('MeshAnalyticsCluster')?.Principal.AWS).toEqual([role('analytics', 'interactions-ingestor')]);
    expect(bySid.get('MeshRecommendationsCluster')?.Principal.AWS).toEqual(
      [
        role('recommendations', 'interactions-handler'),
        role('recommendations', 'items-handler'),
        role('recommendations', 'users-handler'),
      ].sort(),
    );
    expect(bySid.get('MeshAnalyticsCluster')?.Action).toEqual([
      'kafka:CreateVpcConnection',
      'kafka:DescribeCluster',
      'kafka:DescribeClusterV2',
      'kafka:GetBootstrapBrokers',
    ]);
    // least privilege: each role reads its source topics and writes only its own dead-letter topics
    const clusterPath = clusterArn.split(':cluster/')[1] ?? '';
    const topicArn = (name: string) => `arn:aws:kafka:${REGION}:${accounts.central}:topic/${clusterPath}/${name}`;
    const read = bySid.get('MeshAnalyticsInteractionsIngestorRead');
    expect(read?.Principal.AWS).toEqual([role('analytics', 'interactions-ingestor')]);
    expect(read?.Action).toEqual(['kafka-cluster:DescribeTopic', 'kafka-cluster:ReadData']);
    expect(read?.Resource).toEqual([topicArn(topicOf(ctx(), 'interactions'))]);
    expect(bySid.get('MeshAnalyticsInteractionsIngestorGroups')?.Resource).toEqual([
      `arn:aws:kafka:${REGION}:${accounts.central}:group/${clusterPath}/mesh.analytics.interactions`,
    ]);
    const write = statements.filter((s) => s.Action.includes('kafka-cluster:WriteData'));
    expect(write.map((s) => s.Sid)).toEqual(statements.filter((s) => s.Sid.endsWith('DeadLetter')).map((s) => s.Sid));
    for (const s of write) {
      expect(s.Principal.AWS).toHaveLength(1);
      const consumer = s.Sid.startsWith('MeshAnalytics') ? 'analytics' : 'recommendations';
      for (const arn of s.Resource) expect(arn).toMatch(new RegExp(`\\.dlq\\.${consumer}$`));
    }
  });

  it('personalize train on aws reads the subscribed products through Athena in the recommendations account', async () => {
    // moto answers each query with the next seeded result: mesh builds items, then users, then interactions.
    const expected = exampleResults(root);
    await seedAthenaResults(R, [expected.items, expected.users, expected.interactions]);
    firstTrain = (await run('personalize', 'train', '--domain', 'recommendations')).doc as TrainDoc;
    const executions = await athenaExecutions(R);
    // Over the consumer's resource links (mesh_<producer domain>.<table>), never the bare product names.
    expect(executions.map((e) => e.tables)).toEqual([
      ['mesh_songs.songs', 'mesh_podcasts.podcasts'],
      ['mesh_users.users'],
      ['mesh_interactions.interactions'],
    ]);
    for (const e of executions) {
      expect(e.query).not.toMatch(/\b(FROM|JOIN)\s+"?(songs|podcasts|users|interactions)\b(?!\.)/i);
      expect(e).toMatchObject({
        workGroup: 'primary',
        catalog: 'AwsDataCatalog',
        outputLocation: `s3://${personalizeBucket}/personalize/athena/${e.id}.csv`,
        state: 'SUCCEEDED',
      });
    }
    // The users query asks only for the granted columns (the subscription leaves out the email).
    expect(executions[1]?.query).not.toContain('email');
    for (const type of ['items', 'users', 'interactions'] as const) {
      const dataset = firstTrain.datasets.find((d) => d.type === type);
      expect(dataset?.rows).toBe(expected[type].rows.length);
      expect(readFileSync(dataset?.file ?? '', 'utf8')).toBe(expectedCsv(root, type, expected[type]));
    }
  });

  it('personalize train: datasets uploaded to S3, imported and trained; every job polled until ACTIVE', async () => {
    const train = firstTrain as TrainDoc;
    const keys = train.datasets.map((d) => `personalize/recommendations/${d.type}/${d.fingerprint}.csv`).sort();
    const athenaResults = (await athenaExecutions(R)).map((e) => `personalize/athena/${e.id}.csv`);
    expect(await objectKeys(R, personalizeBucket)).toEqual([...athenaResults, ...keys].sort());
    const expected = exampleResults(root);
    for (const type of ['items', 'users', 'interactions'] as const) {
      const key = keys.find((k) => k.includes(`/${type}/`)) ?? '';
      expect(await objectText(R, personalizeBucket, key)).toBe(expectedCsv(root, type, expected[type]));
    }
    const rowsOf = (file: string) =>
      readFileSync(path.join(root, 'domains', file), 'utf8')
        .trim()
        .split('\n').length - 1;
    const items = (await objectText(R, personalizeBucket, keys.find((k) => k.includes('/items/')) ?? '')).trim().split('\n');
    expect(items[0]).toBe('ITEM_ID,CONTENT_TYPE,GENRE');
    expect(items.length - 1).toBe(rowsOf('songs/data/songs.csv') + rowsOf('podcasts/data/podcasts.csv'));
    expect(new Set(items.slice(1).map((line) => line.split(',')[1]))).toEqual(new Set(['song', 'podcast']));
    expect(train.solutions.map((s) => [s.solution, s.reused])).toEqual([
      ['personalized', false],
      ['similar', false],
      ['popular', false],
    ]);
    const imports = fake.mutations().filter((m) => m.command === 'CreateDatasetImportJob');
    expect(imports.map((m) => [m.input.dataSource, m.input.roleArn, m.input.importMode])).toEqual(
      ['interactions', 'items', 'users'].map((type) => [
        { dataLocation: `s3://${personalizeBucket}/${keys.find((k) => k.includes(`/${type}/`))}` },
        `arn:aws:iam::${R}:role/music-recommendations-personalize`,
        'FULL',
      ]),
    );
    // CREATE PENDING → CREATE IN_PROGRESS → ACTIVE: three Describes per import job and solution version.
    expect(fake.describeCounts()).toMatchObject({ DescribeDatasetImportJob: 9 });
    expect(fake.describeCounts().DescribeSolutionVersion).toBeGreaterThanOrEqual(9);
  });

  it('personalize deploy: filters, event tracker, two campaigns; outputs.json for the functions', async () => {
    const deploy = (await run('personalize', 'deploy', '--domain', 'recommendations')).doc as {
      deployments: { solution: string; action: string }[];
    };
    expect(deploy.deployments.map((d) => `${d.solution}:${d.action}`)).toEqual(['personalized:create', 'similar:create']);
    expect(countBy(fake.mutations().map((m) => m.command))).toEqual({
      CreateDatasetGroup: 1,
      CreateSchema: 3,
      CreateDataset: 3,
      CreateDatasetImportJob: 3,
      CreateSolution: 3,
      CreateSolutionVersion: 3,
      CreateFilter: 3,
      CreateEventTracker: 1,
      CreateCampaign: 2,
    });
    // Schemas have no status; everything else was seen ACTIVE.
    expect([...fake.resources.values()].filter((r) => r.kind !== 'schema' && r.step !== 2).map((r) => r.arn)).toEqual([]);
    const tracker = [...fake.resources.values()].find((r) => r.kind === 'tracker');
    const outputs = readPersonalizeOutputs(await loadWorkspace(root), 'recommendations');
    expect(outputs).toMatchObject({
      target: 'aws',
      trackingId: tracker?.extra.trackingId,
      campaignArn: fake.arn('campaign/music-recommendations-personalized'),
      itemsDatasetArn: fake.arn('dataset/music-recommendations/ITEMS'),
      usersDatasetArn: fake.arn('dataset/music-recommendations/USERS'),
    });
  });

  it('after deploy, subscribe runs again for the recommendations functions (where the outputs would reach them)', async () => {
    for (const product of PRODUCERS)
      expect(planOf(await run('subscribe', product, '--domain', 'recommendations')).plan.summary.delete).toBe(0);
  });
});

describe('what each account holds', () => {
  it('central: a Glue database per producer, its table with the contract columns, location and CSV SerDe', async () => {
    expect(await databases(C)).toEqual(PRODUCERS.map((d) => `music_${d}`).sort());
    for (const product of PRODUCERS) {
      const c = contract(root, product);
      const [table, ...more] = await tables(C, `music_${c.domain}`);
      expect(more).toEqual([]);
      expect(table).toMatchObject({
        Name: c.name,
        Description: c.purpose,
        Owner: accounts[product],
        TableType: 'EXTERNAL_TABLE',
        PartitionKeys: [],
        StorageDescriptor: {
          Location: c.location,
          InputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
          OutputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
          SerdeInfo: {
            SerializationLibrary: 'org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe',
            Parameters: { 'field.delim': ',', 'serialization.format': ',' },
          },
        },
      });
      expect(table?.StorageDescriptor?.Columns?.map((col) => `${col.Name}:${col.Type}`)).toEqual(
        c.columns.map((col) => `${col.name}:${col.type}`),
      );
      const pii = c.columns.filter((col) => col.pii).map((col) => col.name);
      expect(table?.Parameters).toEqual({
        classification: 'csv',
        'skip.header.line.count': '1',
        EXTERNAL: 'TRUE',
        'mesh:managed-by': 'mesh/music',
        'mesh:product': c.name,
        'mesh:product-id': c.id,
        'mesh:domain': c.domain,
        'mesh:version': c.version,
        'mesh:status': 'active',
        'mesh:owner': c.ownerTeam,
        'mesh:contact': c.ownerContact,
        'mesh:classification': c.classification,
        'mesh:lf-tags': `classification=${c.classification};domain=${c.domain};product=${c.name}`,
        ...(pii.length > 0 ? { 'mesh:pii-columns': pii.join(',') } : {}),
      });
      expect(await tableTags(C, `music_${c.domain}`, c.name)).toEqual({
        classification: [c.classification],
        domain: [c.domain],
        product: [c.name],
      });
    }
  });

  it('central: LF-Tags, registered locations and every grant (principal, resource, permissions) exactly', async () => {
    const facts = PRODUCERS.map((p) => contract(root, p));
    expect(await lfTags(C)).toEqual({
      classification: [...new Set(facts.map((f) => f.classification))].sort(),
      domain: [...PRODUCERS].sort(),
      product: [...PRODUCERS].sort(),
    });
    expect(await locations(C)).toEqual(
      facts.map((f) => `arn:aws:s3:::${bucketOf(f.location)} as arn:aws:iam::${C}:role/MeshLfDataAccess`).sort(),
    );
    expect(await grants(C)).toEqual(centralGrants(ctx(), PRODUCERS));
  });

  it('producers: the resource link database to their central database, and the bucket policy for Lake Formation', async () => {
    for (const product of PRODUCERS) {
      const bucket = bucketOf(contract(root, product).location);
      expect(await databases(accounts[product])).toEqual([`mesh_${product} -> ${C}:music_${product}`]);
      const policy = (await bucketPolicy(accounts[product], bucket)) as { Statement: object[] };
      expect(policy.Statement).toEqual([
        expect.objectContaining({
          Sid: 'MeshLfDataAccessmusic',
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:iam::${C}:role/MeshLfDataAccess` },
          Resource: [`arn:aws:s3:::${bucket}`, `${contract(root, product).location.replace('s3://', 'arn:aws:s3:::')}*`],
        }),
      ]);
    }
  });

  it('consumers: recommendations holds a table resource link per subscribed product; analytics (stream only) none', async () => {
    expect(await databases(R)).toEqual(PRODUCERS.map((d) => `mesh_${d}`).sort());
    for (const product of PRODUCERS) {
      const links = await tables(R, `mesh_${product}`);
      expect(links.map((t) => [t.Name, t.TargetTable])).toEqual([
        [product, { CatalogId: C, DatabaseName: `music_${product}`, Name: product }],
      ]);
    }
    expect(await databases(accounts.analytics)).toEqual([]);
  });
});

describe('the consumer functions: configuration, bundle, execution role, event source mappings', () => {
  const functions: Record<string, Record<string, FunctionState>> = {};
  beforeAll(async () => {
    for (const consumer of CONSUMERS) functions[consumer] = await functionsIn(accounts[consumer]);
  });

  for (const consumer of CONSUMERS) {
    it(`${consumer}: one function per handler, its code the bundled handler folder`, async () => {
      const groups = functionsOf(ctx(), consumer);
      expect(Object.keys(functions[consumer] ?? {})).toEqual([...groups.keys()].map((fn) => `music-${consumer}-${fn}`).sort());
      for (const [fn, subs] of groups) {
        const name = `music-${consumer}-${fn}`;
        const state = functions[consumer]?.[name] as FunctionState;
        expect(state.fn.Configuration).toMatchObject({
          Runtime: 'nodejs22.x',
          Handler: 'index.handler',
          Role: `arn:aws:iam::${accounts[consumer]}:role/${name}-exec`,
          Timeout: 60,
          MemorySize: 256,
          State: 'Active',
          PackageType: 'Zip',
        });
        const declared = Object.assign({}, ...subs.map((s) => s.stream.environment ?? {}));
        expect(state.fn.Configuration?.Environment?.Variables ?? {}).toMatchObject(declared);
        expect(state.fn.Tags).toEqual({ 'mesh:managed-by': 'mesh/music', 'mesh:domain': consumer, 'mesh:function': fn });
        const pkg = await packageHandler(path.join(root, 'domains', consumer, 'handlers', fn), 'index.handler');
        expect([state.fn.Configuration?.CodeSha256, state.fn.Configuration?.CodeSize]).toEqual([pkg.codeSha256, pkg.zip.length]);
        const bundle = inspectBundle(pkg.zip);
        expect(bundle.files).toEqual(['index.js']);
        expect(bundle.exports.handler).toBe('function');
        expect(bundle.requires.filter((id) => !providedByRuntime(id))).toEqual([]);
        expect(bundle.requires.filter((id) => id.startsWith('@aws-sdk/'))).toEqual([
          consumer === 'analytics' ? '@aws-sdk/client-firehose' : '@aws-sdk/client-personalize-events',
        ]);
      }
    });

    it(`${consumer}: execution roles trusted by Lambda with exactly the MSK, logs, VPC and declared permissions`, () => {
      for (const [fn, subs] of functionsOf(ctx(), consumer)) {
        const name = `music-${consumer}-${fn}`;
        const state = functions[consumer]?.[name] as FunctionState;
        expect(state.trust).toEqual({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: ['sts:AssumeRole'] }],
        });
        expect(state.attachedPolicies).toEqual([]);
        expect(state.inlinePolicies).toEqual({ 'mesh-execution': executionPolicy(ctx(), consumer, fn, subs) });
      }
    });

    it(`${consumer}: an event source mapping per subscription (topic, group mesh.${consumer}.<product>, batching, dead letters)`, () => {
      for (const [fn, subs] of functionsOf(ctx(), consumer)) {
        const state = functions[consumer]?.[`music-${consumer}-${fn}`] as FunctionState;
        const expected = mappings(ctx(), consumer, fn, subs);
        expect(state.mappings).toHaveLength(expected.length);
        for (const [i, m] of state.mappings.entries()) expect(m).toMatchObject(expected[i] ?? {});
      }
    });
  }

  it('recommendations: the functions carry the Personalize outputs of the last deploy in their environment', async () => {
    const outputs = readPersonalizeOutputs(await loadWorkspace(root), 'recommendations');
    const env = (fn: string) => functions.recommendations?.[`music-recommendations-${fn}`]?.fn.Configuration?.Environment?.Variables ?? {};
    expect(env('interactions-handler')).toMatchObject({ PERSONALIZE_TRACKING_ID: outputs?.trackingId });
    expect(env('items-handler')).toMatchObject({ PERSONALIZE_ITEMS_DATASET_ARN: outputs?.itemsDatasetArn });
    expect(env('users-handler')).toMatchObject({ PERSONALIZE_USERS_DATASET_ARN: outputs?.usersDatasetArn });
  });
});

describe('the stream', () => {
  it('topics on the Kafka broker: partitions, replicas and retention from the contracts; a dead-letter topic per consumer', async () => {
    const expected: Record<string, object> = {};
    const add = (name: string, product: string) => {
      const s = contract(root, product).stream;
      expected[name] = {
        partitions: s.partitions,
        replicas: Array.from({ length: s.partitions }, () => 1),
        configs: { 'retention.ms': String(s.retentionHours * 3_600_000), 'cleanup.policy': 'delete' },
      };
    };
    for (const product of PRODUCERS) add(topicOf(ctx(), product), product);
    for (const consumer of CONSUMERS)
      for (const subs of functionsOf(ctx(), consumer).values())
        for (const s of subs) add(`${topicOf(ctx(), s.product)}.dlq.${consumer}`, s.product);
    expect(await topicsWithPrefix(topicPrefix)).toEqual(expected);
  });

  it('schemas in the Glue Schema Registry of the central account: the contracts’ Avro, BACKWARD, version 1', async () => {
    for (const product of PRODUCERS) {
      expect(await registrySchema(C, 'music', topicOf(ctx(), product))).toEqual({
        dataFormat: 'AVRO',
        compatibility: 'BACKWARD',
        latestVersion: 1,
        status: 'AVAILABLE',
        definition: JSON.parse(readFileSync(contract(root, product).stream.schemaFile, 'utf8')),
      });
    }
  });
});

describe('a second run', () => {
  it('publish-product and every subscribe plan no change; functions, mappings and tables are untouched', async () => {
    const before = await Promise.all(CONSUMERS.map((c) => functionsIn(accounts[c])));
    const plans = [planOf(await run('publish-product'))];
    for (const product of PRODUCERS) plans.push(planOf(await run('subscribe', product, '--domain', 'recommendations')));
    plans.push(planOf(await run('subscribe', 'interactions', '--domain', 'analytics', '--stream')));
    for (const { applied, plan } of plans) {
      expect(applied).toBe(false);
      expect(plan.changes.filter((c) => c.action !== 'noop')).toEqual([]);
    }
    expect(plans.flatMap((p) => p.plan.changes.map((c) => c.key)).sort()).toEqual([...firstRunKeys].sort());
    const after = await Promise.all(CONSUMERS.map((c) => functionsIn(accounts[c])));
    const stamp = (all: Record<string, FunctionState>[]) =>
      all.flatMap((fns) =>
        Object.values(fns).flatMap((f) => [f.fn.Configuration?.LastModified, ...f.mappings.map((m) => m.LastModified?.toISOString())]),
      );
    expect(stamp(after)).toEqual(stamp(before));
    for (const product of PRODUCERS) expect((await tables(C, `music_${product}`))[0]?.VersionId).toBe('1');
  });

  it('personalize train reuses the solution versions and deploy changes nothing', async () => {
    fake.pz.resetHistory();
    const expected = exampleResults(root);
    await seedAthenaResults(R, [expected.items, expected.users, expected.interactions]);
    const train = (await run('personalize', 'train', '--domain', 'recommendations')).doc as { solutions: { reused: boolean }[] };
    expect(train.solutions.map((s) => s.reused)).toEqual([true, true, true]);
    const deploy = (await run('personalize', 'deploy', '--domain', 'recommendations')).doc as { deployments: { action: string }[] };
    expect(deploy.deployments.map((d) => d.action)).toEqual(['unchanged', 'unchanged']);
    expect(fake.mutations()).toEqual([]);
    expect((await athenaExecutions(R)).map((e) => e.state)).toEqual(Array.from({ length: 6 }, () => 'SUCCEEDED'));
  });
});
