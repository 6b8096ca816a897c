/**
 * What the workspace made on aws that unsubscribing does not remove, read and deleted with the SDK: Lake Formation
 * grants to the workspace's domain roles (and, acknowledged, other subscribers'; revoked in batches, aws-grants.ts),
 * the mesh's Glue databases (central and resource-link databases, tables and links with them), registered locations,
 * mesh's bucket-policy statements, topics and their schemas, the Personalize resources (aws-personalize.ts), the
 * transforms' Glue jobs (aws-transforms.ts), and (--delete-data) the objects under the product locations and what
 * mesh wrote to the artifact buckets. What is already gone is not planned, so a re-run resumes.
 */

import { rm } from 'node:fs/promises';
import {
  DeleteDatabaseCommand,
  DeleteJobCommand,
  DeleteSchemaCommand,
  GetDatabasesCommand,
  GetSchemaCommand,
  GlueClient,
} from '@aws-sdk/client-glue';
import {
  DeregisterResourceCommand,
  LakeFormationClient,
  ListPermissionsCommand,
  ListResourcesCommand,
  type PrincipalResourcePermissions,
} from '@aws-sdk/client-lakeformation';
import {
  DeleteBucketPolicyCommand,
  DeleteObjectsCommand,
  GetBucketPolicyCommand,
  ListObjectsV2Command,
  PutBucketPolicyCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import type { AwsClients } from '../aws/clients.js';
import { fromAwsError, isAwsError } from '../aws/errors.js';
import { MeshError } from '../core/errors.js';
import type { IoHost } from '../core/messages.js';
import { type Change, type ResourceRef, specOf } from '../engine/plan.js';
import { s3Prefix } from '../workspace/locations.js';
import type { AccountAccess, Workspace } from '../workspace/model.js';
import { centralDataAccessRoleArn, centralDatabaseName, linkDatabaseName, roleArn } from '../workspace/naming.js';
import { deletePersonalize, observePersonalize } from './aws-personalize.js';
import { observeTransforms } from './aws-transforms.js';
import { allPages } from './pages.js';
import type { DestroySpec, RefMaker, Removal } from './specs.js';

export type { DestroySpec, Removal } from './specs.js';

const TYPE = 'destroy' as const;

function describeResource(e: PrincipalResourcePermissions): string {
  const r = e.Resource ?? {};
  if (r.TableWithColumns) return `${r.TableWithColumns.DatabaseName}.${r.TableWithColumns.Name} (columns)`;
  if (r.Table) return `${r.Table.DatabaseName}.${r.Table.Name ?? '*'}`;
  if (r.Database) return `database ${r.Database.Name}`;
  if (r.DataLocation) return `location ${r.DataLocation.ResourceArn}`;
  return 'catalog';
}

const dbOf = (e: PrincipalResourcePermissions) =>
  e.Resource?.TableWithColumns?.DatabaseName ?? e.Resource?.Table?.DatabaseName ?? e.Resource?.Database?.Name;

export class AwsDestroyer {
  private readonly accounts = new Map<string, AccountAccess>();
  readonly managedBy: string;

  constructor(
    private readonly clients: AwsClients,
    private readonly ws: Workspace,
    private readonly host: IoHost,
    private readonly signal?: AbortSignal,
  ) {
    for (const d of ws.domains) this.accounts.set(d.access.account, d.access);
    this.accounts.set(ws.mesh.central.account, ws.mesh.central);
    this.managedBy = `mesh/${ws.mesh.name}`;
  }

  access(account: string): AccountAccess {
    const a = this.accounts.get(account);
    if (!a) throw new MeshError('InternalError', `No access to account ${account} is configured.`);
    return a;
  }

  /** The product buckets (and prefixes) of the workspace. */
  private productLocations(): { bucket: string; prefix: string; account: string }[] {
    return this.ws.products.flatMap((p) => {
      const loc = p.table ? s3Prefix(p.table.location) : undefined;
      const owner = this.ws.domains.find((d) => d.name === p.domain);
      return loc && owner ? [{ ...loc, account: owner.access.account }] : [];
    });
  }

  /** `known`: whether this workspace's state records a resource (a dataset group mesh created, say). */
  async observe(options: { deleteData: boolean; known: (key: string) => boolean }): Promise<Removal[]> {
    const ws = this.ws;
    const central = ws.mesh.central.account;
    const ours = new Set(ws.domains.map((d) => roleArn(d)));
    const centralDbs = new Set(ws.domains.map((d) => centralDatabaseName(ws.mesh, d.name)));
    const linkDbs = new Set(ws.domains.map((d) => linkDatabaseName(ws.mesh, d.name)));
    const buckets = new Set(this.productLocations().map((l) => `arn:aws:s3:::${l.bucket}`));
    const ref: RefMaker = (id, label, account): ResourceRef<'destroy'> => ({
      plane: 'catalog',
      type: TYPE,
      id,
      label,
      account,
    });

    // The accounts are read side by side, and so are the other kinds of resource.
    const perAccount = await Promise.all(
      [...this.accounts.keys()].map(async (account) => {
        const out: Removal[] = [];
        const glue = await this.clients.get(GlueClient, this.access(account));
        const dbs = await allPages((NextToken) =>
          glue.send(new GetDatabasesCommand({ NextToken })).then((p) => ({ items: p.DatabaseList, next: p.NextToken })),
        );
        // A resource link database is ours when it links to one of the mesh's central databases under mesh's name for it.
        const linksToOurs = (db: (typeof dbs)[number]) =>
          db.TargetDatabase?.CatalogId === central && centralDbs.has(db.TargetDatabase.DatabaseName ?? '') && linkDbs.has(db.Name ?? '');
        const mine = dbs.filter(
          (db) =>
            linksToOurs(db) ||
            (db.Parameters?.['mesh:managed-by'] === this.managedBy && (centralDbs.has(db.Name ?? '') || linkDbs.has(db.Name ?? ''))),
        );
        for (const db of mine) {
          const spec: DestroySpec = { kind: 'glue-database', account, name: db.Name ?? '' };
          out.push({
            ref: ref(`database:${account}:${spec.name}`, `database ${spec.name} (${account})`, account),
            spec,
            action: 'delete',
            layer: 1,
          });
        }
        const mineNames = new Set(mine.map((d) => d.Name));
        const lf = await this.clients.get(LakeFormationClient, this.access(account));
        const perms = await allPages((NextToken) =>
          lf.send(new ListPermissionsCommand({ NextToken })).then((p) => ({ items: p.PrincipalResourcePermissions, next: p.NextToken })),
        );
        for (const [index, entry] of perms.entries()) {
          const principal = entry.Principal?.DataLakePrincipalIdentifier ?? '';
          const db = dbOf(entry);
          const onOurs = (db !== undefined && mineNames.has(db)) || buckets.has(entry.Resource?.DataLocation?.ResourceArn ?? '');
          if (!onOurs || principal === 'IAM_ALLOWED_PRINCIPALS') continue;
          const subscriber = !ours.has(principal);
          const spec: DestroySpec = { kind: 'lf-grant', account, entry, subscriber };
          const label = `${principal} on ${describeResource(entry)}`;
          out.push({ ref: ref(`grant:${account}:${index}:${label}`, label, account), spec, action: 'revoke', layer: 0 });
        }
        if (account === central) {
          const resources = await allPages((NextToken) =>
            lf.send(new ListResourcesCommand({ NextToken })).then((p) => ({ items: p.ResourceInfoList, next: p.NextToken })),
          );
          const role = centralDataAccessRoleArn(ws.mesh);
          for (const r of resources) {
            const arn = r.ResourceArn ?? '';
            if (r.RoleArn !== role || ![...buckets].some((b) => arn === b || arn.startsWith(`${b}/`))) continue;
            const spec: DestroySpec = { kind: 'lf-location', account, resourceArn: arn };
            out.push({ ref: ref(`location:${arn}`, `registered location ${arn}`, account), spec, action: 'delete', layer: 2 });
          }
          out.push(...(await this.schemas(ref)));
        }
        return out;
      }),
    );
    const count = (access: AccountAccess, bucket: string, prefix: string) => this.countObjects(access, bucket, prefix);
    const rest = await Promise.all([
      this.bucketStatements(ref),
      options.deleteData ? this.productData(ref) : Promise.resolve([]),
      observeTransforms(this.clients, ws, ref, count, options.deleteData),
      observePersonalize(this.clients, ws, ref, count, options),
    ]);
    return [...perAccount.flat(), ...rest.flat()];
  }

  /** --delete-data: the objects under each product location, where there are any. */
  private async productData(ref: RefMaker): Promise<Removal[]> {
    const out: Removal[] = [];
    for (const l of this.productLocations()) {
      const objects = await this.countObjects(this.access(l.account), l.bucket, l.prefix);
      if (objects === 0) continue;
      const spec: DestroySpec = { kind: 'data', account: l.account, bucket: l.bucket, prefix: l.prefix, objects };
      out.push({
        ref: ref(`data:s3://${l.bucket}/${l.prefix}`, `data in s3://${l.bucket}/${l.prefix} (${objects} objects)`, l.account),
        spec,
        action: 'delete',
        layer: 2,
      });
    }
    return out;
  }

  /** How many objects are under a prefix (every page read); 0 when the bucket does not exist. */
  private async countObjects(access: AccountAccess, bucket: string, prefix: string): Promise<number> {
    const s3 = await this.clients.get(S3Client, access);
    let count = 0;
    let token: string | undefined;
    try {
      do {
        const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
        count += page.Contents?.length ?? 0;
        token = page.NextContinuationToken;
      } while (token);
    } catch (error) {
      if (isAwsError(error, 'NoSuchBucket')) return 0;
      throw fromAwsError(error, `Listing s3://${bucket}/${prefix}`);
    }
    return count;
  }

  private async schemas(ref: RefMaker): Promise<Removal[]> {
    const central = this.ws.mesh.central;
    const glue = await this.clients.get(GlueClient, central);
    const out: Removal[] = [];
    for (const p of this.ws.products) {
      if (!p.stream) continue;
      try {
        await glue.send(new GetSchemaCommand({ SchemaId: { RegistryName: this.ws.mesh.schemaRegistry, SchemaName: p.stream.topic } }));
      } catch (error) {
        if (isAwsError(error, 'EntityNotFoundException')) continue;
        throw fromAwsError(error, `Reading schema ${p.stream.topic}`);
      }
      const spec: DestroySpec = { kind: 'schema', account: central.account, registry: this.ws.mesh.schemaRegistry, name: p.stream.topic };
      out.push({
        ref: { ...ref(`schema:${spec.name}`, `schema ${spec.name}`, central.account), plane: 'schemas' },
        spec,
        action: 'delete',
        layer: 1,
      });
    }
    return out;
  }

  private async bucketStatements(ref: RefMaker): Promise<Removal[]> {
    const sid = `MeshLfDataAccess${this.ws.mesh.name.replace(/[^A-Za-z0-9]/g, '')}`;
    const seen = new Set<string>();
    const out: Removal[] = [];
    for (const l of this.productLocations()) {
      if (seen.has(l.bucket)) continue;
      seen.add(l.bucket);
      const s3 = await this.clients.get(S3Client, this.access(l.account));
      let policy: { Statement?: { Sid?: string }[] };
      try {
        policy = JSON.parse((await s3.send(new GetBucketPolicyCommand({ Bucket: l.bucket }))).Policy ?? '{}');
      } catch (error) {
        if (isAwsError(error, 'NoSuchBucketPolicy', 'NoSuchBucket')) continue;
        throw fromAwsError(error, `Reading the policy of bucket ${l.bucket}`);
      }
      if (!(policy.Statement ?? []).some((s) => s.Sid === sid)) continue;
      const spec: DestroySpec = { kind: 'bucket-statements', account: l.account, bucket: l.bucket, sid };
      out.push({
        ref: ref(`bucket-policy:${l.bucket}`, `mesh statements in bucket policy ${l.bucket}`, l.account),
        spec,
        action: 'delete',
        layer: 2,
      });
    }
    return out;
  }

  async execute(change: Change<'destroy'>): Promise<undefined> {
    const spec = specOf(change);
    try {
      await this.remove(spec);
    } catch (error) {
      throw fromAwsError(error, `${change.action} ${change.ref.label ?? change.key}`);
    }
    return undefined;
  }

  private async remove(spec: DestroySpec): Promise<void> {
    const gone = (error: unknown) => {
      if (!isAwsError(error, 'EntityNotFoundException', 'NoSuchBucketPolicy', 'NoSuchBucket', 'InvalidInputException')) throw error;
    };
    const access = this.access(spec.account);
    switch (spec.kind) {
      case 'lf-grant':
        // Revoked in batches by the plane's RevokeBatcher; one revoke here would be a plane bug.
        throw new MeshError('InternalError', 'A grant reached the destroyer outside its revoke batch.', { hint: 'This is a bug in mesh.' });
      case 'glue-database':
        await (await this.clients.get(GlueClient, access)).send(new DeleteDatabaseCommand({ Name: spec.name })).catch(gone);
        return;
      case 'lf-location':
        await (await this.clients.get(LakeFormationClient, access))
          .send(new DeregisterResourceCommand({ ResourceArn: spec.resourceArn }))
          .catch(gone);
        return;
      case 'schema':
        await (await this.clients.get(GlueClient, access))
          .send(new DeleteSchemaCommand({ SchemaId: { RegistryName: spec.registry, SchemaName: spec.name } }))
          .catch(gone);
        return;
      case 'bucket-statements': {
        const s3 = await this.clients.get(S3Client, access);
        const policy = JSON.parse((await s3.send(new GetBucketPolicyCommand({ Bucket: spec.bucket }))).Policy ?? '{}');
        const rest = (policy.Statement ?? []).filter((s: { Sid?: string }) => s.Sid !== spec.sid);
        if (rest.length === 0) await s3.send(new DeleteBucketPolicyCommand({ Bucket: spec.bucket }));
        else await s3.send(new PutBucketPolicyCommand({ Bucket: spec.bucket, Policy: JSON.stringify({ ...policy, Statement: rest }) }));
        return;
      }
      case 'glue-job':
        // DeleteJob answers the same for a job that is already gone.
        await (await this.clients.get(GlueClient, access)).send(new DeleteJobCommand({ JobName: spec.name }));
        return;
      case 'local-file':
        await rm(spec.path, { force: true });
        return;
      case 'personalize':
        await deletePersonalize({ clients: this.clients, access, host: this.host, ...(this.signal ? { signal: this.signal } : {}) }, spec);
        return;
      case 'data': {
        const s3 = await this.clients.get(S3Client, access);
        let token: string | undefined;
        do {
          const page = await s3.send(new ListObjectsV2Command({ Bucket: spec.bucket, Prefix: spec.prefix, ContinuationToken: token }));
          const keys = (page.Contents ?? []).flatMap((o) => (o.Key ? [{ Key: o.Key }] : []));
          if (keys.length > 0) await s3.send(new DeleteObjectsCommand({ Bucket: spec.bucket, Delete: { Objects: keys, Quiet: true } }));
          token = page.NextContinuationToken;
        } while (token);
        return;
      }
    }
  }
}
