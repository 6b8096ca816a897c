/**
 * One change at a time, for everything but grants. Creates are idempotent: AlreadyExists is answered by reading the
 * resource, comparing, and treating it as done when it matches (another machine created the same thing).
 */
import { MeshError } from '../../core/errors.js';
import type { Change } from '../../engine/plan.js';
import { sameSpec } from '../../engine/planner.js';
import { tableDifferences } from '../compare.js';
import type {
  BucketPolicySpec,
  CatalogChange,
  DatabaseLinkSpec,
  DatabaseSpec,
  LfTagSpec,
  LocationSpec,
  TableLinkSpec,
  TableSpec,
} from '../port.js';
import { awsCall, chunk, isNamed } from './calls.js';
import { mergePolicy } from './lf-shapes.js';
import type { ObserveContext } from './observe.js';
import { databaseInputOf, databaseSpecOf, tableInputOf, tableLinkInputOf, tableLinkSpecOf, tableSpecOf } from './table-input.js';

type Attrs = Promise<Record<string, unknown> | undefined>;

/** A delete of what is gone already is done (deleted by someone else, or with its database), as a revoke is. */
async function deleteIfThere(what: string, call: () => Promise<unknown>): Promise<undefined> {
  try {
    await awsCall(what, call);
  } catch (error) {
    if (!isNamed(error, 'EntityNotFoundException')) throw error;
  }
  return undefined;
}

function conflict(what: string, detail: string): MeshError {
  return new MeshError('Conflict', `${what} already exists and differs from what mesh would create: ${detail}.`, {
    hint: 'Someone else changed it at the same time; re-run the command to plan against what exists now.',
  });
}

export async function executeDatabase(ctx: ObserveContext, change: CatalogChange, spec: DatabaseSpec | DatabaseLinkSpec): Attrs {
  const glue = await ctx.services.glue(ctx.access(spec.catalog));
  const sdk = await import('@aws-sdk/client-glue');
  const where = `database ${spec.name} in ${spec.catalog}`;
  if (change.action === 'delete') {
    return deleteIfThere(`glue:DeleteDatabase ${where}`, () =>
      glue.send(new sdk.DeleteDatabaseCommand({ CatalogId: spec.catalog, Name: spec.name })),
    );
  }
  const keep = (change.attributes?.parameters as Record<string, string> | undefined) ?? {};
  const input = databaseInputOf(spec, keep);
  if (change.action === 'update') {
    await awsCall(`glue:UpdateDatabase ${where}`, () =>
      glue.send(new sdk.UpdateDatabaseCommand({ CatalogId: spec.catalog, Name: spec.name, DatabaseInput: input })),
    );
    return { name: spec.name };
  }
  try {
    await awsCall(`glue:CreateDatabase ${where}`, () =>
      glue.send(new sdk.CreateDatabaseCommand({ CatalogId: spec.catalog, DatabaseInput: input })),
    );
  } catch (error) {
    if (!isNamed(error, 'AlreadyExistsException')) throw error;
    const found = await awsCall(`glue:GetDatabase ${where}`, () =>
      glue.send(new sdk.GetDatabaseCommand({ CatalogId: spec.catalog, Name: spec.name })),
    );
    const existing = found.Database ? databaseSpecOf(spec.catalog, found.Database) : undefined;
    if (!sameSpec(existing, spec)) throw conflict(where, 'parameters or target differ');
  }
  return { name: spec.name };
}

async function attachTags(ctx: ObserveContext, spec: TableSpec): Promise<void> {
  const lf = await ctx.services.lakeFormation(ctx.access(spec.catalog));
  const { AddLFTagsToResourceCommand } = await import('@aws-sdk/client-lakeformation');
  const out = await awsCall(`lakeformation:AddLFTagsToResource on ${spec.database}.${spec.name} in ${spec.catalog}`, () =>
    lf.send(
      new AddLFTagsToResourceCommand({
        CatalogId: spec.catalog,
        Resource: { Table: { CatalogId: spec.catalog, DatabaseName: spec.database, Name: spec.name } },
        LFTags: Object.keys(spec.lfTags)
          .sort()
          .map((k) => ({ CatalogId: spec.catalog, TagKey: k, TagValues: [spec.lfTags[k] ?? ''] })),
      }),
    ),
  );
  const failure = out.Failures?.[0];
  if (failure) {
    throw new MeshError(
      'LfTagFailed',
      `LF-Tags on ${spec.database}.${spec.name}: ${failure.Error?.ErrorCode ?? ''} ${failure.Error?.ErrorMessage ?? ''}`.trim(),
      {
        hint: 'The tag keys and values must exist in the central account (mesh creates them in the same run).',
      },
    );
  }
}

/**
 * A table is created with its parameters (including `mesh:lf-tags`) and then tagged. If the create or the tagging
 * fails, the new table is deleted again, so no table is left whose parameters claim tags it does not have; the next
 * run recreates it. (Only a process killed between the two calls can leave such a table; `mesh plan` cannot see it
 * without one GetResourceLFTags call per table.)
 */
export async function executeTable(ctx: ObserveContext, change: Change<'glue-table'>, spec: TableSpec): Attrs {
  const glue = await ctx.services.glue(ctx.access(spec.catalog));
  const sdk = await import('@aws-sdk/client-glue');
  const where = `table ${spec.database}.${spec.name} in ${spec.catalog}`;
  const arn = `arn:aws:glue:${ctx.access(spec.catalog).region}:${spec.catalog}:table/${spec.database}/${spec.name}`;
  if (change.action === 'delete') {
    return deleteIfThere(`glue:DeleteTable ${where}`, () =>
      glue.send(new sdk.DeleteTableCommand({ CatalogId: spec.catalog, DatabaseName: spec.database, Name: spec.name })),
    );
  }
  if (change.action === 'update') {
    const before = change.before;
    if (!before || !sameSpec(before.lfTags, spec.lfTags)) await attachTags(ctx, spec);
    const keep = (change.attributes?.parameters as Record<string, string> | undefined) ?? {};
    // VersionId: the version the plan saw. If someone (the producer holds ALTER) changed the table since, Glue
    // refuses with ConcurrentModificationException instead of mesh silently overwriting their change.
    const versionId = change.attributes?.versionId as string | undefined;
    await awsCall(`glue:UpdateTable ${where}`, () =>
      glue.send(
        new sdk.UpdateTableCommand({
          CatalogId: spec.catalog,
          DatabaseName: spec.database,
          TableInput: tableInputOf(spec, keep),
          ...(versionId ? { VersionId: versionId } : {}),
        }),
      ),
    );
    return { arn };
  }
  const undo = () =>
    glue.send(new sdk.DeleteTableCommand({ CatalogId: spec.catalog, DatabaseName: spec.database, Name: spec.name })).catch(() => undefined);
  try {
    await awsCall(`glue:CreateTable ${where}`, () =>
      glue.send(new sdk.CreateTableCommand({ CatalogId: spec.catalog, DatabaseName: spec.database, TableInput: tableInputOf(spec) })),
    );
  } catch (error) {
    if (!isNamed(error, 'AlreadyExistsException')) {
      // The table may exist even so (the answer was lost): remove it, or the next run would take it for tagged.
      await undo();
      throw error;
    }
    const found = await awsCall(`glue:GetTable ${where}`, () =>
      glue.send(new sdk.GetTableCommand({ CatalogId: spec.catalog, DatabaseName: spec.database, Name: spec.name })),
    );
    const existing = found.Table ? tableSpecOf(spec.catalog, spec.database, found.Table) : undefined;
    const diff = existing ? tableDifferences(spec, existing) : undefined;
    if (!diff || diff.breaking.length + diff.other.length > 0)
      throw conflict(where, diff ? [...diff.breaking, ...diff.other].join('; ') : 'unreadable');
  }
  try {
    await attachTags(ctx, spec);
  } catch (error) {
    await undo();
    throw error;
  }
  return { arn };
}

export async function executeTableLink(ctx: ObserveContext, change: CatalogChange, spec: TableLinkSpec): Attrs {
  const glue = await ctx.services.glue(ctx.access(spec.catalog));
  const sdk = await import('@aws-sdk/client-glue');
  const where = `resource link ${spec.database}.${spec.name} in ${spec.catalog}`;
  if (change.action === 'delete') {
    return deleteIfThere(`glue:DeleteTable ${where}`, () =>
      glue.send(new sdk.DeleteTableCommand({ CatalogId: spec.catalog, DatabaseName: spec.database, Name: spec.name })),
    );
  }
  const targetRegion = ctx.access(spec.target.catalog).region;
  const region = targetRegion !== ctx.access(spec.catalog).region ? targetRegion : undefined;
  const input = tableLinkInputOf(spec, region);
  if (change.action === 'update') {
    await awsCall(`glue:UpdateTable ${where}`, () =>
      glue.send(new sdk.UpdateTableCommand({ CatalogId: spec.catalog, DatabaseName: spec.database, TableInput: input })),
    );
    return undefined;
  }
  try {
    await awsCall(`glue:CreateTable ${where}`, () =>
      glue.send(new sdk.CreateTableCommand({ CatalogId: spec.catalog, DatabaseName: spec.database, TableInput: input })),
    );
  } catch (error) {
    if (!isNamed(error, 'AlreadyExistsException')) throw error;
    const found = await awsCall(`glue:GetTable ${where}`, () =>
      glue.send(new sdk.GetTableCommand({ CatalogId: spec.catalog, DatabaseName: spec.database, Name: spec.name })),
    );
    if (!sameSpec(found.Table ? tableLinkSpecOf(spec.catalog, spec.database, found.Table) : undefined, spec))
      throw conflict(where, 'it points elsewhere');
  }
  return { target: `${spec.target.catalog}:${spec.target.database}.${spec.target.table}` };
}

export async function executeLocation(ctx: ObserveContext, change: CatalogChange, spec: LocationSpec): Attrs {
  const lf = await ctx.services.lakeFormation(ctx.access(spec.catalog));
  const sdk = await import('@aws-sdk/client-lakeformation');
  const where = `location ${spec.resourceArn} in ${spec.catalog}`;
  if (change.action === 'delete') {
    return deleteIfThere(`lakeformation:DeregisterResource ${where}`, () =>
      lf.send(new sdk.DeregisterResourceCommand({ ResourceArn: spec.resourceArn })),
    );
  }
  if (change.action === 'update') {
    await awsCall(`lakeformation:UpdateResource ${where}`, () =>
      lf.send(new sdk.UpdateResourceCommand({ ResourceArn: spec.resourceArn, RoleArn: spec.roleArn })),
    );
    return { roleArn: spec.roleArn };
  }
  try {
    // Never the service-linked role: it cannot register a location in another account.
    await awsCall(`lakeformation:RegisterResource ${where}`, () =>
      lf.send(new sdk.RegisterResourceCommand({ ResourceArn: spec.resourceArn, RoleArn: spec.roleArn, UseServiceLinkedRole: false })),
    );
  } catch (error) {
    if (!isNamed(error, 'AlreadyExistsException')) throw error;
    const found = await awsCall(`lakeformation:DescribeResource ${where}`, () =>
      lf.send(new sdk.DescribeResourceCommand({ ResourceArn: spec.resourceArn })),
    );
    if (found.ResourceInfo?.RoleArn !== spec.roleArn)
      throw conflict(where, `registered with ${found.ResourceInfo?.RoleArn ?? 'the service-linked role'}`);
  }
  return { roleArn: spec.roleArn };
}

const LF_TAG_VALUES_PER_CALL = 50;

export async function executeLfTag(ctx: ObserveContext, change: Change<'lf-tag'>, spec: LfTagSpec): Attrs {
  const lf = await ctx.services.lakeFormation(ctx.access(spec.catalog));
  const sdk = await import('@aws-sdk/client-lakeformation');
  const where = `LF-Tag ${spec.key} in ${spec.catalog}`;
  const before = change.before;
  // Lake Formation takes at most 50 values per CreateLFTag and per UpdateLFTag (the `product` key has one per product).
  const addMissing = async (existing: readonly string[]) => {
    const have = new Set(existing);
    const missing = spec.values.filter((v) => !have.has(v));
    for (const values of chunk(missing, LF_TAG_VALUES_PER_CALL)) {
      await awsCall(`lakeformation:UpdateLFTag ${where}`, () =>
        lf.send(new sdk.UpdateLFTagCommand({ CatalogId: spec.catalog, TagKey: spec.key, TagValuesToAdd: values })),
      );
    }
  };
  if (change.action === 'update') {
    await addMissing(before?.values ?? []);
    return undefined;
  }
  const first = spec.values.slice(0, LF_TAG_VALUES_PER_CALL);
  try {
    await awsCall(`lakeformation:CreateLFTag ${where}`, () =>
      lf.send(new sdk.CreateLFTagCommand({ CatalogId: spec.catalog, TagKey: spec.key, TagValues: first })),
    );
    await addMissing(first);
  } catch (error) {
    if (!isNamed(error, 'AlreadyExistsException')) throw error;
    const found = await awsCall(`lakeformation:GetLFTag ${where}`, () =>
      lf.send(new sdk.GetLFTagCommand({ CatalogId: spec.catalog, TagKey: spec.key })),
    );
    await addMissing(found.TagValues ?? []);
  }
  return undefined;
}

export async function executePolicy(ctx: ObserveContext, change: CatalogChange, spec: BucketPolicySpec): Attrs {
  if (change.action === 'delete' || !spec.statement) return undefined;
  const s3 = await ctx.services.s3(ctx.access(spec.account));
  const { PutBucketPolicyCommand } = await import('@aws-sdk/client-s3');
  const current = change.attributes?.policy as string | undefined;
  const statement = spec.statement;
  await awsCall(`s3:PutBucketPolicy on ${spec.bucket} in ${spec.account}`, () =>
    s3.send(new PutBucketPolicyCommand({ Bucket: spec.bucket, Policy: mergePolicy(current, statement) })),
  );
  return { bucket: spec.bucket };
}
