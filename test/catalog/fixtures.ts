// A small music-streaming workspace, built directly as a Workspace (no loader needed): three producer domains
// (listeners: users + interactions, music: songs, podcasts: podcasts) and one consumer (recommendations).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AwsClients } from '../../src/aws/clients.js';
import { type CatalogPlaneOptions, createCatalogPlane } from '../../src/catalog/plane.js';
import type { PlanScope } from '../../src/engine/plane.js';
import { runPlanes } from '../../src/engine/run.js';
import { createOutput } from '../../src/io/output.js';
import type { Column, Domain, MeshConfig, Product, Subscription, Target, Workspace } from '../../src/workspace/model.js';

export interface Accounts {
  readonly central: string;
  readonly producer: string;
  readonly consumer: string;
}

export const LOCAL_ACCOUNTS: Accounts = { central: '000000000001', producer: '000000000002', consumer: '000000000003' };

export const SAMPLE_CSV: Record<string, string> = {
  users: 'user_id,country,signup_date\nu1,SE,2024-01-02\nu2,FR,2024-02-03\nu3,US,2024-03-04\n',
  songs:
    'song_id,title,artist,genre,duration_seconds\ns1,Blue Train,Coltrane,jazz,640\ns2,So What,Davis,jazz,545\ns3,Roxanne,The Police,rock,192\n',
  podcasts:
    'podcast_id,title,genre,episodes,host_email\np1,Jazz Talk,jazz,12,host1@example.com\np2,Rock On,rock,40,host2@example.com\np3,Daily News,news,300,host3@example.com\n',
  interactions: 'user_id,item_id,event_type,ts\nu1,s1,play,2024-04-01 10:00:00\nu2,p1,play,2024-04-01 11:00:00\n',
};

const col = (name: string, type: Column['type'], extra: Partial<Column> = {}): Column => ({
  name,
  type,
  required: false,
  pii: false,
  primaryKey: false,
  ...extra,
});

export const COLUMNS: Record<string, Column[]> = {
  users: [col('user_id', 'string', { primaryKey: true, required: true }), col('country', 'string'), col('signup_date', 'date')],
  songs: [
    col('song_id', 'string', { primaryKey: true }),
    col('title', 'string'),
    col('artist', 'string'),
    col('genre', 'string'),
    col('duration_seconds', 'int'),
  ],
  podcasts: [
    col('podcast_id', 'string', { primaryKey: true }),
    col('title', 'string'),
    col('genre', 'string'),
    col('episodes', 'int'),
    col('host_email', 'string', { pii: true }),
  ],
  interactions: [col('user_id', 'string'), col('item_id', 'string'), col('event_type', 'string'), col('ts', 'timestamp')],
};

const OWNERS: Record<string, string> = { users: 'listeners', interactions: 'listeners', songs: 'music', podcasts: 'podcasts' };

export interface FixtureOptions {
  readonly target: Target;
  readonly accounts?: Accounts;
  /** Bucket holding every product's data (aws: must exist in the producer account). */
  readonly bucket?: string;
  /** recommendations' subscriptions (default: songs (all columns) and podcasts (podcast_id, title, genre)). */
  readonly subscriptions?: readonly Subscription[];
  readonly products?: readonly string[];
}

export interface Fixture {
  readonly root: string;
  workspace: Workspace;
  readonly accounts: Accounts;
  cleanup(): void;
}

function domain(
  ws: { root: string; accounts: Accounts; target: Target; bucket: string },
  name: string,
  kind: Domain['kind'],
  subscriptions: readonly Subscription[] = [],
): Domain {
  const account = kind === 'consumer' ? ws.accounts.consumer : ws.accounts.producer;
  const dir = path.join(ws.root, 'domains', name);
  return {
    name,
    kind,
    owner: { team: `${name}-team`, contact: `${name}@example.com` },
    description: `The ${name} domain`,
    access: { account, region: 'us-east-1', ...(ws.target === 'aws' ? { roleArn: `arn:aws:iam::${account}:role/mesh-test` } : {}) },
    roleName: `mesh-${name}`,
    // Each producer owns its prefix of the shared bucket (productFor puts its products there).
    ...(kind === 'consumer' ? {} : { locations: [`s3://${ws.bucket}/${name}/`] }),
    dir,
    file: path.join(dir, 'domain.yaml'),
    subscriptions: [...subscriptions],
    transforms: [],
  };
}

export function productFor(root: string, mesh: string, name: string, domainName: string, bucket: string, sampleData?: string): Product {
  return {
    id: `urn:mesh:${mesh}:${domainName}:${name}`,
    name,
    domain: domainName,
    version: '1.0.0',
    status: 'active',
    description: `The ${name} data product`,
    owner: { team: `${domainName}-team`, contact: `${domainName}@example.com` },
    classification: name === 'users' || name === 'podcasts' ? 'confidential' : 'internal',
    columns: COLUMNS[name] ?? [col('id', 'string')],
    table: { format: 'csv', location: `s3://${bucket}/${domainName}/${name}/`, partitionKeys: [], tableName: name.replace(/-/g, '_') },
    file: path.join(root, 'domains', domainName, 'products', `${name}.yaml`),
    ...(sampleData ? { sampleData } : {}),
  };
}

export function meshConfig(root: string, target: Target, accounts: Accounts, name = 'music'): MeshConfig {
  return {
    name,
    target,
    central: {
      account: accounts.central,
      region: 'us-east-1',
      dataAccessRoleName: 'MeshLfDataAccess',
      ...(target === 'aws' ? { roleArn: `arn:aws:iam::${accounts.central}:role/mesh-test` } : {}),
    },
    streaming: { kind: 'embedded' },
    naming: {
      topicPattern: 'mesh.{domain}.{entity}.v{major}',
      databasePattern: '{mesh}_{domain}',
      linkDatabasePattern: 'mesh_{domain}',
      consumerGroupPattern: 'mesh.{consumer}.{product}',
    },
    requiredOwnerFields: ['team'],
    schemaRegistry: name,
    localDir: path.join(root, '.mesh', 'local'),
    aws: { artifactBucketPattern: '{mesh}-{domain}-{account}' },
  };
}

/** The fixture workspace in a fresh temp folder, with the sample CSVs written. */
export function musicFixture(options: FixtureOptions): Fixture {
  const root = mkdtempSync(path.join(os.tmpdir(), 'mesh-catalog-'));
  const accounts = options.accounts ?? LOCAL_ACCOUNTS;
  const bucket = options.bucket ?? 'music-data';
  const ctx = { root, accounts, target: options.target, bucket };
  const names = options.products ?? ['users', 'songs', 'podcasts', 'interactions'];
  const products = names.map((name) => {
    const d = OWNERS[name] ?? 'music';
    const file = path.join(root, 'domains', d, 'data', `${name}.csv`);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, SAMPLE_CSV[name] ?? 'id\n1\n');
    return productFor(root, 'music', name, d, bucket, file);
  });
  const subscriptions = options.subscriptions ?? [
    { product: 'songs', table: {} },
    { product: 'podcasts', table: { columns: ['podcast_id', 'title', 'genre'] } },
  ];
  // users and podcasts are confidential (access by approval): each producer approves recommendations' subscriptions.
  const approved = (producer: string): Domain => {
    const approvals = subscriptions
      .filter((s) => (OWNERS[s.product] ?? 'music') === producer)
      .map((s) => ({ consumer: 'recommendations', product: s.product, by: `${producer}-team`, date: '2026-01-01' }));
    return { ...domain(ctx, producer, 'producer'), approvals };
  };
  const workspace: Workspace = {
    root,
    meshFile: path.join(root, 'mesh.yaml'),
    mesh: meshConfig(root, options.target, accounts),
    domains: [approved('listeners'), approved('music'), approved('podcasts'), domain(ctx, 'recommendations', 'consumer', subscriptions)],
    products,
  };
  return { root, workspace, accounts, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

/** An Output that keeps everything in memory. */
export function quietOutput(): ReturnType<typeof createOutput> & { text(): string } {
  const chunks: string[] = [];
  const sink = { write: (s: string) => chunks.push(s) } as unknown as NodeJS.WritableStream;
  return Object.assign(createOutput({ stdout: sink, stderr: sink }), { text: () => chunks.join('') });
}

export const PUBLISH_ALL: PlanScope = { include: { publish: true, subscriptions: false } };

export function subscribe(product: string, domainName = 'recommendations'): PlanScope {
  return { subscriptions: [{ product, domain: domainName, table: true, stream: false }], include: { publish: false, subscriptions: true } };
}

export function unsubscribe(product: string, domainName = 'recommendations'): PlanScope {
  return { removals: [{ product, domain: domainName, table: true }], include: { publish: false, subscriptions: true } };
}

/** Plan and apply the catalog plane, as publish-product / subscribe do (on aws with one AwsClients for the run). */
export async function runCatalog(
  workspace: Workspace,
  scope: PlanScope,
  options: { allowed?: string[]; dryRun?: boolean; concurrency?: number; plane?: CatalogPlaneOptions } = {},
) {
  const own = workspace.mesh.target === 'aws' && !options.plane?.clients;
  const clients = own ? new AwsClients({ centralAccount: workspace.mesh.central.account }) : options.plane?.clients;
  try {
    return await runPlanes({
      workspace,
      target: workspace.mesh.target,
      signal: new AbortController().signal,
      scope,
      factories: [(env) => createCatalogPlane(env, options.plane)],
      allowed: new Set(options.allowed ?? []),
      dryRun: options.dryRun,
      concurrency: options.concurrency,
      ...(clients ? { clients } : {}),
    });
  } finally {
    if (own) clients?.destroy();
  }
}
