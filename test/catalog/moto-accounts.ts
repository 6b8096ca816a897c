// What the three moto accounts hold, read with each account's own credentials, in a form tests compare exactly.
import { GetDatabasesCommand, GetTablesCommand, GlueClient } from '@aws-sdk/client-glue';
import {
  GetResourceLFTagsCommand,
  LakeFormationClient,
  ListLFTagsCommand,
  ListPermissionsCommand,
  ListResourcesCommand,
} from '@aws-sdk/client-lakeformation';
import { CreateBucketCommand, GetBucketPolicyCommand, S3Client } from '@aws-sdk/client-s3';
import { accountClients } from '../support/moto.js';

async function glue(account: string) {
  return new GlueClient(await accountClients(account));
}

async function lakeFormation(account: string) {
  return new LakeFormationClient(await accountClients(account));
}

export async function createBucket(account: string, bucket: string): Promise<void> {
  const s3 = new S3Client(await accountClients(account));
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  s3.destroy();
}

/** Databases as `name` or `name -> catalog:db` for links. */
export async function databases(account: string): Promise<string[]> {
  const g = await glue(account);
  const out = (await g.send(new GetDatabasesCommand({}))).DatabaseList ?? [];
  g.destroy();
  return out
    .map((d) => (d.TargetDatabase ? `${d.Name} -> ${d.TargetDatabase.CatalogId}:${d.TargetDatabase.DatabaseName}` : (d.Name ?? '')))
    .sort();
}

export async function tables(account: string, database: string) {
  const g = await glue(account);
  const out = (await g.send(new GetTablesCommand({ DatabaseName: database }))).TableList ?? [];
  g.destroy();
  return out.sort((a, b) => (a.Name ?? '').localeCompare(b.Name ?? ''));
}

/** Every grant in an account's catalog, one line each: principal | resource | permissions | grantable. */
export async function grants(account: string): Promise<string[]> {
  const lf = await lakeFormation(account);
  const out = (await lf.send(new ListPermissionsCommand({}))).PrincipalResourcePermissions ?? [];
  lf.destroy();
  return out
    .map((p) => {
      const r = p.Resource ?? {};
      const resource = r.TableWithColumns
        ? `columns ${r.TableWithColumns.CatalogId}:${r.TableWithColumns.DatabaseName}.${r.TableWithColumns.Name}(${[...(r.TableWithColumns.ColumnNames ?? [])].sort().join(',')})`
        : r.Table
          ? `table ${r.Table.CatalogId}:${r.Table.DatabaseName}.${r.Table.Name}`
          : r.Database
            ? `database ${r.Database.CatalogId}:${r.Database.Name}`
            : r.DataLocation
              ? `location ${r.DataLocation.CatalogId}:${r.DataLocation.ResourceArn}`
              : JSON.stringify(r);
      return `${p.Principal?.DataLakePrincipalIdentifier} | ${resource} | ${[...(p.Permissions ?? [])].sort().join(',')} | ${[...(p.PermissionsWithGrantOption ?? [])].sort().join(',')}`;
    })
    .sort();
}

export async function locations(account: string): Promise<string[]> {
  const lf = await lakeFormation(account);
  const out = (await lf.send(new ListResourcesCommand({}))).ResourceInfoList ?? [];
  lf.destroy();
  return out.map((r) => `${r.ResourceArn} as ${r.RoleArn}`).sort();
}

export async function lfTags(account: string): Promise<Record<string, string[]>> {
  const lf = await lakeFormation(account);
  const out = (await lf.send(new ListLFTagsCommand({}))).LFTags ?? [];
  lf.destroy();
  return Object.fromEntries(out.map((t) => [t.TagKey ?? '', [...(t.TagValues ?? [])].sort()]));
}

export async function tableTags(account: string, database: string, table: string): Promise<Record<string, string[]>> {
  const lf = await lakeFormation(account);
  const out = await lf.send(
    new GetResourceLFTagsCommand({ Resource: { Table: { CatalogId: account, DatabaseName: database, Name: table } } }),
  );
  lf.destroy();
  return Object.fromEntries((out.LFTagsOnTable ?? []).map((t) => [t.TagKey ?? '', [...(t.TagValues ?? [])]]));
}

export async function bucketPolicy(account: string, bucket: string): Promise<unknown> {
  const s3 = new S3Client(await accountClients(account));
  const out = await s3.send(new GetBucketPolicyCommand({ Bucket: bucket }));
  s3.destroy();
  return JSON.parse(out.Policy ?? '{}');
}
