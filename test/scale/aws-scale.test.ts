// The generated scale mesh (bench/scale/generate.mjs) validates, plans and publishes on moto, with the AWS calls the
// catalog plane is meant to make. The test uses the 100-table size (the same 50 domains as the 1,000-table bench, 500
// subscriptions) to stay within a minute on a shared 2-core machine; `npm run bench -- scale` runs the 1,000 tables.
// A moto of this file's own pages every list call as AWS does (MaxResults up to each API's maximum: GetDatabases and
// GetTables 100, ListPermissions 1,000), so the counts here are the ones AWS would answer with. Small pages are
// test/scale/aws-moto-pagination.test.ts's subject.
import {
  DeleteDatabaseCommand,
  DeleteTableCommand,
  GetTableCommand,
  GetTablesCommand,
  GlueClient,
  UpdateTableCommand,
} from '@aws-sdk/client-glue';
import { DeleteBucketPolicyCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AwsClients } from '../../src/aws/clients.js';
import { hasPendingChanges } from '../../src/engine/plan.js';
import { validateWorkspace } from '../../src/workspace/load.js';
import { accessOf, byAccount, createBuckets, glueList, runCatalogStep, SCOPES, type ScaleMoto, scaleOnMoto } from './scale-support.js';

process.env.MESH_AWS_MAX_ATTEMPTS = '1';

const BATCH = 20; // entries per BatchGrantPermissions (Lake Formation's limit)
let env: ScaleMoto;
const db = (domain: string) => `scale_${domain.replace(/-/g, '_')}`;

beforeAll(async () => {
  env = await scaleOnMoto('aws', { tables: 100 });
  await createBuckets(env.ws);
});
afterAll(async () => {
  await env?.stop();
});

describe('the 100-table scale mesh on moto (50 domains, 500 subscriptions)', () => {
  it('validates with no problems', async () => {
    const result = await validateWorkspace(env.ws.root);
    expect(result.problems).toEqual([]);
    expect(result.workspace?.domains).toHaveLength(50);
    expect(result.workspace?.products).toHaveLength(100);
    expect(result.workspace?.domains.reduce((n, d) => n + d.subscriptions.length, 0)).toBe(500);
  });

  it('first publish: plans every resource and applies it with one call per table and resource, grants batched', async () => {
    const { plan, applied, counter } = await runCatalogStep(env.ws.root, SCOPES.publish);
    expect(applied).toBe(true);
    // 100 tables, 50 central databases + 50 producer links, 50 registered locations, 50 bucket policies, 3 LF-Tag keys
    expect(plan.summary).toMatchObject({ create: 303, update: 0, replace: 0, delete: 0, revoke: 0 });
    const grants = plan.summary.grant;
    expect(counter.byOperation()).toEqual({
      'glue:CreateDatabase': 100,
      'glue:CreateTable': 100,
      'glue:GetDatabases': 51,
      'lakeformation:AddLFTagsToResource': 100,
      'lakeformation:BatchGrantPermissions': Math.ceil(grants / BATCH),
      'lakeformation:CreateLFTag': 3,
      'lakeformation:UpdateLFTag': 1, // the product key's 100 values: 50 a call
      'lakeformation:ListLFTags': 1,
      'lakeformation:ListPermissions': 1,
      'lakeformation:ListResources': 1,
      'lakeformation:RegisterResource': 50,
      's3:GetBucketPolicy': 50,
      's3:PutBucketPolicy': 50,
    });
  });

  it('Glue holds every generated table in its domain database, as its contract declares it', async () => {
    for (const d of env.ws.domains) {
      const tables = await glueList(env.ws.central, async (glue, NextToken) => {
        const p = await glue.send(new GetTablesCommand({ DatabaseName: db(d.name), NextToken }));
        return { items: p.TableList, next: p.NextToken };
      });
      const own = env.ws.products.filter((p) => p.domain === d.name);
      expect(tables.map((t) => t.Name).sort()).toEqual(own.map((p) => p.tableName).sort());
      for (const t of tables) {
        const product = own.find((p) => p.tableName === t.Name);
        expect(t.StorageDescriptor?.Location).toBe(`s3://${d.bucket}/products/${product?.name}/`);
        expect(t.StorageDescriptor?.Columns?.[0]).toMatchObject({ Name: `${t.Name?.split('_')[1]}_id`, Type: 'string' });
        expect(t.Parameters?.['mesh:product-id']).toBe(`urn:mesh:scale:${d.name}:${product?.name}`);
      }
    }
  });

  it('no-op re-run of publish: nothing planned, no mutating call, 2 reads per domain account and 1 per central database', async () => {
    const { plan, counter } = await runCatalogStep(env.ws.root, SCOPES.publish);
    expect(hasPendingChanges(plan)).toBe(false);
    expect(counter.mutating).toEqual([]);
    const domains = env.ws.domains.length;
    const reads = byAccount(counter, env.ws.central);
    // Each domain's account: its producer link database and its bucket's policy (the ownership check).
    expect(reads.domains).toEqual({ 'glue:GetDatabases': domains, 's3:GetBucketPolicy': domains });
    // The central account: its databases, one GetTables per domain database, and one page of each list.
    expect(reads.central).toEqual({
      'glue:GetDatabases': 1,
      'glue:GetTables': domains,
      'lakeformation:ListLFTags': 1,
      'lakeformation:ListPermissions': 1,
      'lakeformation:ListResources': 1,
    });
    // 3 reads per domain and 4 for the mesh, whatever the number of tables (list pages aside): 154 reads, 30.8 per 20
    // tables here (2 tables per domain); the bench's 1,000 tables (20 per domain) make 155, 3.1 per 20 tables.
    expect(counter.total).toBe(3 * domains + 4);
    expect((counter.total / env.ws.products.length) * 20).toBeCloseTo(30.8, 6);
  });

  it('subscriptions: a resource link per subscription, a link database per consumer and producer, grants batched', async () => {
    const { plan, applied, counter } = await runCatalogStep(env.ws.root, SCOPES.subscribe);
    expect(applied).toBe(true);
    const owner = new Map(env.ws.products.map((p) => [p.name, p.domain]));
    const pairs = new Set(env.ws.subscriptions.map((s) => `${s.domain}|${owner.get(s.product)}`)).size;
    expect(plan.summary).toMatchObject({ create: 500 + pairs, update: 0, replace: 0, delete: 0, revoke: 0 });
    const ops = counter.byOperation();
    expect(counter.mutating).toHaveLength(500 + pairs + Math.ceil(plan.summary.grant / BATCH));
    expect(ops).toMatchObject({
      'glue:CreateTable': 500,
      'glue:CreateDatabase': pairs,
      'lakeformation:BatchGrantPermissions': Math.ceil(plan.summary.grant / BATCH),
    });
    // Reads: each consumer's account once (its link databases), the central tables of the producers subscribed to
    // (all 50 here) to check they are published, and the grants in one page.
    const domains = env.ws.domains.length;
    expect(byAccount(counter, env.ws.central)).toEqual({
      central: { 'glue:GetDatabases': 1, 'glue:GetTables': domains, 'lakeformation:ListPermissions': 1 },
      domains: { 'glue:GetDatabases': domains },
    });
    expect(counter.total).toBe(500 + pairs + Math.ceil(plan.summary.grant / BATCH) + 2 * domains + 2);
  });

  it("each consumer's account holds a resource link for each of its subscriptions, pointing at the central table", async () => {
    const consumer = env.ws.domains[7];
    if (!consumer) throw new Error('the generated mesh has fewer than 8 domains');
    const wanted = env.ws.subscriptions.filter((s) => s.domain === consumer.name).map((s) => s.product);
    const products = env.ws.products.filter((p) => wanted.includes(p.name));
    const producers = [...new Set(products.map((p) => p.domain))];
    const links: string[] = [];
    for (const producer of producers) {
      const tables = await glueList(consumer.account, async (glue, NextToken) => {
        const p = await glue.send(new GetTablesCommand({ DatabaseName: `mesh_${producer.replace(/-/g, '_')}`, NextToken }));
        return { items: p.TableList, next: p.NextToken };
      });
      for (const t of tables) {
        expect(t.TargetTable).toMatchObject({ CatalogId: env.ws.central, DatabaseName: db(producer) });
        links.push(`${t.TargetTable?.DatabaseName}.${t.TargetTable?.Name}`);
      }
    }
    expect(links.sort()).toEqual(products.map((p) => `${db(p.domain)}.${p.tableName}`).sort());
  });

  it('no-op re-run of everything: nothing planned, no mutating call; one GetTables per link database', async () => {
    const { plan, counter, requests } = await runCatalogStep(env.ws.root, SCOPES.all);
    expect(hasPendingChanges(plan)).toBe(false);
    expect(counter.mutating).toEqual([]);
    const domains = env.ws.domains.length;
    // every grant of the mesh in pages of 1,000 (ListPermissions' maximum, which mesh asks for)
    const listed = requests.filter((r) => r.operation === 'ListPermissions').reduce((n, r) => n + r.items, 0);
    expect(listed).toBeGreaterThan(1000);
    const owner = new Map(env.ws.products.map((p) => [p.name, p.domain]));
    const pairs = new Set(env.ws.subscriptions.map((s) => `${s.domain}|${owner.get(s.product)}`)).size;
    expect(byAccount(counter, env.ws.central)).toEqual({
      central: {
        'glue:GetDatabases': 1,
        'glue:GetTables': domains,
        'lakeformation:ListLFTags': 1,
        'lakeformation:ListPermissions': Math.ceil(listed / 1000),
        'lakeformation:ListResources': 1,
      },
      // a consumer's link database per producer it subscribes to; the producer link databases are read by GetDatabases
      domains: { 'glue:GetDatabases': domains, 'glue:GetTables': pairs, 's3:GetBucketPolicy': domains },
    });
  });

  it('drift made outside mesh in four accounts is found by the next run, which repairs exactly it, with the same reads', async () => {
    const [d3, d4] = [env.ws.domains[3], env.ws.domains[4]];
    const product = env.ws.products[0];
    const consumer = env.ws.domains[7];
    const sub = env.ws.subscriptions.find((x) => x.domain === consumer?.name);
    const producerOfSub = env.ws.products.find((p) => p.name === sub?.product);
    if (!d3 || !d4 || !product || !consumer || !producerOfSub) throw new Error('the generated mesh is smaller than this test expects');
    const link = (domain: string) => `mesh_${domain.replace(/-/g, '_')}`;
    const clients = new AwsClients();
    try {
      // a producer's database resource link deleted in its account
      const glue3 = await clients.get(GlueClient, accessOf(d3.account));
      await glue3.send(new DeleteDatabaseCommand({ Name: link(d3.name) }));
      // a producer's bucket policy deleted
      await (await clients.get(S3Client, accessOf(d4.account))).send(new DeleteBucketPolicyCommand({ Bucket: d4.bucket }));
      // a central table's description edited
      const central = await clients.get(GlueClient, accessOf(env.ws.central));
      const t = (await central.send(new GetTableCommand({ DatabaseName: db(product.domain), Name: product.tableName }))).Table;
      await central.send(
        new UpdateTableCommand({
          DatabaseName: db(product.domain),
          TableInput: {
            Name: t?.Name,
            Description: 'edited outside mesh',
            TableType: t?.TableType,
            Parameters: t?.Parameters,
            StorageDescriptor: t?.StorageDescriptor,
            PartitionKeys: t?.PartitionKeys,
          },
        }),
      );
      // a consumer's resource link deleted
      const glue7 = await clients.get(GlueClient, accessOf(consumer.account));
      await glue7.send(new DeleteTableCommand({ DatabaseName: link(producerOfSub.domain), Name: producerOfSub.tableName }));
    } finally {
      clients.destroy();
    }

    const repair = await runCatalogStep(env.ws.root, SCOPES.all);
    const pending = repair.plan.changes.filter((c) => c.action !== 'noop').map((c) => `${c.type} ${c.action} ${c.ref.id}`);
    expect(pending.sort()).toEqual(
      [
        `bucket-policy create ${d4.account}/${d4.bucket}`,
        `glue-table update ${env.ws.central}/${db(product.domain)}/${product.tableName}`,
        `resource-link create ${consumer.account}/${link(producerOfSub.domain)}/${producerOfSub.tableName}`,
        `resource-link-database create ${d3.account}/${link(d3.name)}`,
      ].sort(),
    );
    expect(repair.applied).toBe(true);
    expect(repair.counter.mutating.map((c) => `${c.service}:${c.operation}`).sort()).toEqual(
      ['glue:CreateDatabase', 'glue:CreateTable', 'glue:UpdateTable', 's3:PutBucketPolicy'].sort(),
    );
    // the reads were the full no-op's: nothing was skipped to find the drift, and the one after repair is a no-op
    const after = await runCatalogStep(env.ws.root, SCOPES.all);
    expect(hasPendingChanges(after.plan)).toBe(false);
    expect(after.counter.mutating).toEqual([]);
    expect(byAccount(after.counter, env.ws.central)).toEqual(byAccount(repair.counter, env.ws.central));
  });
});
