// Every list call the catalog plane and `mesh destroy` make follows its NextToken (S3: ContinuationToken). A moto of
// this file's own answers every list call in pages of 2 (scripts/moto_launcher.py, MESH_MOTO_PAGE_SIZE; process-wide,
// so not the shared moto), and a generated mesh of 4 domains, 12 tables and 24 subscriptions gives each list more than
// one page: mesh must ask for every page, in order, and see every item (a missed page would show as a change planned
// again on the re-run, a create that fails as already existing, or something destroy left behind).
import { GetDatabasesCommand, GetTablesCommand } from '@aws-sdk/client-glue';
import { ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AwsClients } from '../../src/aws/clients.js';
import { AwsCallCounter } from '../../src/catalog/aws/call-counter.js';
import { runDestroy } from '../../src/destroy/run.js';
import { hasPendingChanges } from '../../src/engine/plan.js';
import { loadWorkspace } from '../../src/workspace/load.js';
import {
  accessOf,
  createBuckets,
  glueList,
  type RecordedRequest,
  RecordingAwsClients,
  runCatalogStep,
  SCOPES,
  type ScaleMoto,
  scaleOnMoto,
} from './scale-support.js';

process.env.MESH_AWS_MAX_ATTEMPTS = '1';

const PAGE = 2;
const LIST_CALLS = ['GetDatabases', 'GetTables', 'ListPermissions', 'ListResources', 'ListLFTags'];
let env: ScaleMoto;
const requests: RecordedRequest[] = [];

beforeAll(async () => {
  env = await scaleOnMoto(PAGE, { tables: 12, domains: 4, subscribers: 2 });
  await createBuckets(env.ws);
  for (const scope of [SCOPES.publish, SCOPES.subscribe]) {
    const run = await runCatalogStep(env.ws.root, scope);
    expect(run.applied).toBe(true);
    requests.push(...run.requests);
  }
  const again = await runCatalogStep(env.ws.root, SCOPES.all);
  expect(again.counter.mutating).toEqual([]);
  expect(hasPendingChanges(again.plan)).toBe(false);
  requests.push(...again.requests);
});
afterAll(async () => {
  await env?.stop();
});

/** The list requests of one operation, grouped into the chains of pages they belong to (same account and input). */
function chains(operation: string, from: readonly RecordedRequest[] = requests): RecordedRequest[][] {
  const open = new Map<string, RecordedRequest[]>();
  const done: RecordedRequest[][] = [];
  for (const r of from.filter((q) => q.operation === operation)) {
    // S3 ListObjectsV2 names its token ContinuationToken (NextContinuationToken in the answer, recorded as `next`).
    const { NextToken: glueToken, ContinuationToken, ...rest } = r.input;
    const NextToken = glueToken ?? ContinuationToken;
    const key = `${r.account}|${JSON.stringify(rest)}`;
    const chain = NextToken === undefined ? [] : open.get(key);
    // A page asked for with a token must continue a chain whose last answer gave exactly that token.
    expect(NextToken === undefined || chain?.at(-1)?.next === NextToken, `${operation} in ${r.account}: token ${String(NextToken)}`).toBe(
      true,
    );
    const next = [...(chain ?? []), r];
    if (r.next) open.set(key, next);
    else {
      open.delete(key);
      done.push(next);
    }
  }
  // No chain is left with a NextToken nobody asked for.
  expect([...open.keys()], `${operation}: pages left unread`).toEqual([]);
  return done;
}

describe('pagination of the list calls the catalog plane makes (moto pages at 2 items)', () => {
  it.each(LIST_CALLS)('%s: every NextToken is followed, and lists of more than a page were read in several pages', (operation) => {
    const all = chains(operation);
    expect(all.length).toBeGreaterThan(0);
    expect(Math.max(...all.map((c) => c.length))).toBeGreaterThanOrEqual(2);
    for (const chain of all) {
      expect(chain.slice(0, -1).every((r) => r.items === PAGE)).toBe(true);
      expect(chain.at(-1)?.next).toBeUndefined();
    }
  });

  it('every list call asks for the largest page its API model allows (moto pages at 2 all the same)', () => {
    // botocore: Glue CatalogGetterPageSize max 100; Lake Formation PageSize max 1,000
    const max: Record<string, number> = { GetDatabases: 100, GetTables: 100, ListPermissions: 1000, ListResources: 1000, ListLFTags: 1000 };
    const lists = requests.filter((r) => LIST_CALLS.includes(r.operation));
    expect(lists.length).toBeGreaterThan(LIST_CALLS.length);
    for (const r of lists) expect(r.input.MaxResults, `${r.operation} in ${r.account}`).toBe(max[r.operation]);
  });

  it('GetTables read each database in full: 3 tables per database, 2 pages each, in every run', async () => {
    const central = env.ws.central;
    const tableChains = chains('GetTables').filter((c) => c[0]?.account === central);
    expect(tableChains.length).toBeGreaterThan(0);
    for (const chain of tableChains) {
      expect(chain.map((r) => r.items)).toEqual([2, 1]);
    }
    // What Glue holds, read here page by page: every generated table in its database.
    for (const d of env.ws.domains) {
      const tables = await glueList(central, async (glue, NextToken) => {
        const p = await glue.send(new GetTablesCommand({ DatabaseName: `scale_${d.name.replace(/-/g, '_')}`, NextToken }));
        return { items: p.TableList, next: p.NextToken };
      });
      expect(tables.map((t) => t.Name).sort()).toEqual(
        env.ws.products
          .filter((p) => p.domain === d.name)
          .map((p) => p.tableName)
          .sort(),
      );
    }
  });

  it('GetDatabases: the central account lists its 4 databases in 2 pages, in every run', async () => {
    const central = chains('GetDatabases').filter((c) => c[0]?.account === env.ws.central);
    // The first publish found the account empty; every later run read the 4 databases in 2 pages.
    expect(central.map((c) => c.map((r) => r.items))).toEqual([[0], ...central.slice(1).map(() => [2, 2])]);
    expect(central.length).toBeGreaterThanOrEqual(3);
    const pages: number[] = [];
    const databases = await glueList(env.ws.central, async (glue, NextToken) => {
      const p = await glue.send(new GetDatabasesCommand({ NextToken }));
      pages.push(p.DatabaseList?.length ?? 0);
      return { items: p.DatabaseList, next: p.NextToken };
    });
    expect(pages).toEqual([2, 2]);
    expect(databases.map((d) => d.Name).sort()).toEqual(env.ws.domains.map((d) => `scale_${d.name.replace(/-/g, '_')}`));
  });
});

describe('pagination of the list calls `mesh destroy` makes (moto pages at 2 items)', () => {
  const destroyRequests: RecordedRequest[] = [];
  const product = () => {
    const p = env.ws.products[0];
    const d = env.ws.domains.find((x) => x.name === p?.domain);
    if (!p || !d) throw new Error('the generated mesh has no product');
    return { p, d };
  };

  beforeAll(async () => {
    // 5 data files under one product's prefix: 3 pages of ListObjectsV2 for destroy --delete-data.
    const { p, d } = product();
    const clients = new AwsClients();
    const s3 = await clients.get(S3Client, accessOf(d.account));
    for (let i = 0; i < 5; i++)
      await s3.send(new PutObjectCommand({ Bucket: d.bucket, Key: `products/${p.name}/part-${i}.parquet`, Body: 'x' }));
    clients.destroy();
    const counter = new AwsCallCounter();
    const clientsOfRun = new RecordingAwsClients(counter);
    try {
      const result = await runDestroy({
        workspace: await loadWorkspace(env.ws.root),
        target: 'aws',
        signal: new AbortController().signal,
        clients: clientsOfRun,
        destroy: { deleteData: true, includeBootstrap: false, acknowledgeSubscribers: true, clients: clientsOfRun },
      });
      expect(result.applied).toBe(true);
    } finally {
      clientsOfRun.destroy();
    }
    destroyRequests.push(...clientsOfRun.requests);
  });

  it.each(['GetDatabases', 'ListPermissions', 'ListResources', 'ListObjectsV2'])(
    '%s: every NextToken is followed, and lists of more than a page were read in several pages',
    (operation) => {
      const all = chains(operation, destroyRequests);
      expect(Math.max(...all.map((c) => c.length))).toBeGreaterThanOrEqual(2);
      for (const chain of all) expect(chain.at(-1)?.next).toBeUndefined();
    },
  );

  it('removed everything it listed: no central database, no data file left', async () => {
    const databases = await glueList(env.ws.central, async (glue, NextToken) => {
      const p = await glue.send(new GetDatabasesCommand({ NextToken }));
      return { items: p.DatabaseList, next: p.NextToken };
    });
    expect(databases.map((d) => d.Name)).toEqual([]);
    const { p, d } = product();
    const clients = new AwsClients();
    const s3 = await clients.get(S3Client, accessOf(d.account));
    const left = await s3.send(new ListObjectsV2Command({ Bucket: d.bucket, Prefix: `products/${p.name}/` }));
    clients.destroy();
    expect(left.Contents ?? []).toEqual([]);
  });
});
