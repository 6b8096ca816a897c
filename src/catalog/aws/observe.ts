/**
 * Reads what the accounts hold, with one paginated list call per kind and account: GetDatabases, GetTables per
 * database, ListPermissions, ListResources, ListLFTags, and one GetBucketPolicy per bucket. Never one call per table.
 * Every list call asks for the largest page its API model allows (PAGE_MAX), so a list takes as few pages as AWS gives.
 */
import type { Database, Table } from '@aws-sdk/client-glue';
import type { LFTagPair, PrincipalResourcePermissions, ResourceInfo } from '@aws-sdk/client-lakeformation';
import { keyOf } from '../../engine/plan.js';
import type { AccountAccess } from '../../workspace/model.js';
import { type CatalogNaming, catalogResource, refOf, sortedUnique } from '../names.js';
import type { CatalogObserved, CatalogQuery, CatalogSpec, GrantSpec } from '../port.js';
import { awsCall, isNamed, paginate, type ServiceClients } from './calls.js';
import { grantSpecOf, meshStatementOf, parsePolicy, sameShape } from './lf-shapes.js';
import { databaseSpecOf, tableLinkSpecOf, tableSpecOf } from './table-input.js';

export interface ObserveContext {
  readonly naming: CatalogNaming;
  readonly services: ServiceClients;
  readonly access: (catalog: string) => AccountAccess;
}

/**
 * MaxResults at each API's maximum (botocore: Glue CatalogGetterPageSize 100; Lake Formation PageSize 1,000). Without
 * it the service picks the page size. In the scale bench (1,000 tables), ListPermissions in pages of 100 took 11 calls
 * in a no-op publish and 76 in a no-op of everything; in pages of 1,000 it takes 2 and 8.
 */
export const PAGE_MAX = { getDatabases: 100, getTables: 100, listPermissions: 1000, listResources: 1000, listLFTags: 1000 } as const;

function observed(spec: CatalogSpec, naming: CatalogNaming, attributes?: Record<string, unknown>): CatalogObserved {
  return { ...catalogResource(spec, naming), ...(attributes ? { attributes } : {}) };
}

async function listDatabases(ctx: ObserveContext, catalog: string): Promise<Database[]> {
  const glue = await ctx.services.glue(ctx.access(catalog));
  const { GetDatabasesCommand } = await import('@aws-sdk/client-glue');
  return awsCall(`glue:GetDatabases in ${catalog}`, () =>
    paginate(
      (NextToken) => glue.send(new GetDatabasesCommand({ CatalogId: catalog, NextToken, MaxResults: PAGE_MAX.getDatabases })),
      (p) => p.DatabaseList,
    ),
  );
}

async function listTables(ctx: ObserveContext, catalog: string, database: string): Promise<Table[]> {
  const glue = await ctx.services.glue(ctx.access(catalog));
  const { GetTablesCommand } = await import('@aws-sdk/client-glue');
  try {
    return await awsCall(`glue:GetTables on ${database} in ${catalog}`, () =>
      paginate(
        (NextToken) =>
          glue.send(new GetTablesCommand({ CatalogId: catalog, DatabaseName: database, NextToken, MaxResults: PAGE_MAX.getTables })),
        (p) => p.TableList,
      ),
    );
  } catch (error) {
    if (isNamed(error, 'EntityNotFoundException')) return [];
    throw error;
  }
}

async function listPermissions(ctx: ObserveContext, catalog: string): Promise<PrincipalResourcePermissions[]> {
  const lf = await ctx.services.lakeFormation(ctx.access(catalog));
  const { ListPermissionsCommand } = await import('@aws-sdk/client-lakeformation');
  return awsCall(`lakeformation:ListPermissions in ${catalog}`, () =>
    paginate(
      (NextToken) => lf.send(new ListPermissionsCommand({ CatalogId: catalog, NextToken, MaxResults: PAGE_MAX.listPermissions })),
      (p) => p.PrincipalResourcePermissions,
    ),
  );
}

async function listLocations(ctx: ObserveContext, catalog: string): Promise<ResourceInfo[]> {
  const lf = await ctx.services.lakeFormation(ctx.access(catalog));
  const { ListResourcesCommand } = await import('@aws-sdk/client-lakeformation');
  return awsCall(`lakeformation:ListResources in ${catalog}`, () =>
    paginate(
      (NextToken) => lf.send(new ListResourcesCommand({ NextToken, MaxResults: PAGE_MAX.listResources })),
      (p) => p.ResourceInfoList,
    ),
  );
}

async function listTags(ctx: ObserveContext, catalog: string): Promise<LFTagPair[]> {
  const lf = await ctx.services.lakeFormation(ctx.access(catalog));
  const { ListLFTagsCommand } = await import('@aws-sdk/client-lakeformation');
  return awsCall(`lakeformation:ListLFTags in ${catalog}`, () =>
    paginate(
      (NextToken) => lf.send(new ListLFTagsCommand({ CatalogId: catalog, NextToken, MaxResults: PAGE_MAX.listLFTags })),
      (p) => p.LFTags,
    ),
  );
}

/**
 * The bucket's policy, read with the producer's credentials and `ExpectedBucketOwner` = the producer's account: S3
 * answers 403 when another account owns the bucket. This read is the ownership check (one per bucket per run); it is
 * part of observation, so a plan fails before Lake Formation registers the bucket or mesh writes its policy.
 */
async function bucketPolicy(ctx: ObserveContext, account: string, bucket: string): Promise<CatalogObserved | undefined> {
  const s3 = await ctx.services.s3(ctx.access(account));
  const { GetBucketPolicyCommand } = await import('@aws-sdk/client-s3');
  let text: string | undefined;
  try {
    text = (
      await awsCall(`s3:GetBucketPolicy on ${bucket} in ${account}`, () =>
        s3.send(new GetBucketPolicyCommand({ Bucket: bucket, ExpectedBucketOwner: account })),
      )
    ).Policy;
  } catch (error) {
    if (isNamed(error, 'NoSuchBucketPolicy')) return undefined;
    const { MeshError } = await import('../../core/errors.js');
    if (isNamed(error, 'NoSuchBucket')) {
      throw new MeshError('BucketMissing', `Bucket ${bucket} does not exist in account ${account}.`, {
        hint: "Create the producer's bucket (or fix the table location in the product's contract) before publishing.",
        cause: error,
        details: { bucket, account },
      });
    }
    if (isNamed(error, 'AccessDenied', 'AccessDeniedException', 'Forbidden')) {
      throw new MeshError(
        'BucketNotOwned',
        `Bucket ${bucket} is not owned by account ${account}, the producer's account (S3 refused GetBucketPolicy with ExpectedBucketOwner=${account}). Nothing was registered or changed.`,
        {
          hint: `Use a bucket the domain's own account owns, and declare it under locations: in its domain file. If account ${account} does own ${bucket}, allow s3:GetBucketPolicy on it for the role mesh uses there.`,
          cause: error,
          details: { bucket, account },
        },
      );
    }
    throw error;
  }
  const statement = meshStatementOf(parsePolicy(text), ctx.naming.bucketPolicySid);
  return observed({ kind: 'bucket-policy', account, bucket, statement }, ctx.naming, { policy: text });
}

/** Merges grants that Lake Formation lists in several entries for the same principal and resource. */
function mergeGrants(catalog: string, entries: readonly PrincipalResourcePermissions[], naming: CatalogNaming): CatalogObserved[] {
  const byKey = new Map<string, { spec: GrantSpec; raw: unknown }>();
  for (const e of entries) {
    const spec = grantSpecOf(catalog, e);
    if (!spec) continue;
    const key = keyOf(refOf(spec, naming));
    const seen = byKey.get(key);
    // Keep the resource as listed only in the shape mesh grants it, so a revoke names it the same way.
    const raw = seen?.raw ?? (sameShape(e.Resource, spec.resource) ? e.Resource : undefined);
    const permissions = sortedUnique([...(seen?.spec.permissions ?? []), ...spec.permissions]);
    const grantable = sortedUnique([...(seen?.spec.grantable ?? []), ...spec.grantable]);
    byKey.set(key, { raw, spec: { ...spec, permissions, grantable } });
  }
  return [...byKey.values()].map(({ spec, raw }) => observed(spec, naming, raw ? { resource: raw } : undefined));
}

export async function observeAccount(ctx: ObserveContext, q: CatalogQuery): Promise<CatalogObserved[]> {
  const { naming } = ctx;
  const out: CatalogObserved[] = [];
  const databases = q.databases ? await listDatabases(ctx, q.catalog) : undefined;
  const managed = new Set<string>();
  for (const d of databases ?? []) {
    const spec = databaseSpecOf(q.catalog, d);
    out.push(observed(spec, naming, spec.kind === 'glue-database' ? { parameters: d.Parameters ?? {} } : undefined));
    if (spec.kind === 'glue-database' && spec.parameters['mesh:managed-by'] === naming.managedBy) managed.add(spec.name);
  }
  // Tables are read from regular databases only (a database resource link would list its target's tables).
  const existing = new Set((databases ?? []).filter((d) => !d.TargetDatabase).map((d) => d.Name ?? ''));
  const tableDbs = q.tablesOf === 'managed' ? [...managed] : (q.tablesOf ?? []).filter((db) => !databases || existing.has(db));
  const reads: Promise<void>[] = tableDbs.map(async (db) => {
    for (const t of await listTables(ctx, q.catalog, db)) {
      const link = tableLinkSpecOf(q.catalog, db, t);
      if (link) out.push(observed(link, naming));
      else if (!t.TargetTable)
        out.push(observed(tableSpecOf(q.catalog, db, t), naming, { parameters: t.Parameters ?? {}, versionId: t.VersionId }));
    }
  });
  if (q.permissions)
    reads.push(listPermissions(ctx, q.catalog).then((entries) => void out.push(...mergeGrants(q.catalog, entries, naming))));
  if (q.locations) {
    reads.push(
      listLocations(ctx, q.catalog).then((list) => {
        for (const r of list)
          if (r.ResourceArn)
            out.push(observed({ kind: 'lf-location', catalog: q.catalog, resourceArn: r.ResourceArn, roleArn: r.RoleArn ?? '' }, naming));
      }),
    );
  }
  if (q.tags) {
    reads.push(
      listTags(ctx, q.catalog).then((list) => {
        for (const t of list)
          if (t.TagKey)
            out.push(observed({ kind: 'lf-tag', catalog: q.catalog, key: t.TagKey, values: sortedUnique(t.TagValues ?? []) }, naming));
      }),
    );
  }
  for (const bucket of q.buckets ?? []) {
    reads.push(
      bucketPolicy(ctx, q.catalog, bucket).then((o) => {
        if (o) out.push(o);
      }),
    );
  }
  await Promise.all(reads);
  return out;
}
