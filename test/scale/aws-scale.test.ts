// The generated scale mesh (bench/scale/generate.mjs) validates, plans and publishes on moto, with the AWS calls the
// catalog plane is meant to make. The test uses the 100-table size (the same 50 domains as the 1,000-table bench, 500
// subscriptions) to stay within a minute on a shared 2-core machine; `npm run bench -- scale` runs the 1,000 tables.
// A moto of this file's own pages every list call at 25 items, so paging is part of every run here too.
import { GetTablesCommand } from '@aws-sdk/client-glue';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasPendingChanges } from '../../src/engine/plan.js';
import { validateWorkspace } from '../../src/workspace/load.js';
import { createBuckets, glueList, runCatalogStep, SCOPES, type ScaleMoto, scaleOnMoto } from './scale-support.js';

process.env.MESH_AWS_MAX_ATTEMPTS = '1';

const PAGE = 25;
const BATCH = 20; // entries per BatchGrantPermissions (Lake Formation's limit)
let env: ScaleMoto;
const db = (domain: string) => `scale_${domain.replace(/-/g, '_')}`;

beforeAll(async () => {
  env = await scaleOnMoto(PAGE, { tables: 100 });
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

  it('no-op re-run of publish: nothing planned, no mutating call, list calls read every page', async () => {
    const { plan, counter } = await runCatalogStep(env.ws.root, SCOPES.publish);
    expect(hasPendingChanges(plan)).toBe(false);
    expect(counter.mutating).toEqual([]);
    const ops = counter.byOperation();
    expect(ops).toMatchObject({
      'glue:GetDatabases': 50 + Math.ceil(50 / PAGE), // each producer account's link database; the central 50 in pages
      'glue:GetTables': 50,
      'lakeformation:ListLFTags': 1,
      'lakeformation:ListResources': Math.ceil(50 / PAGE),
      's3:GetBucketPolicy': 50,
    });
    expect(ops['lakeformation:ListPermissions']).toBeGreaterThan(1);
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

  it('no-op re-run of everything: nothing planned, no mutating call', async () => {
    const { plan, counter } = await runCatalogStep(env.ws.root, SCOPES.all);
    expect(hasPendingChanges(plan)).toBe(false);
    expect(counter.mutating).toEqual([]);
  });
});
