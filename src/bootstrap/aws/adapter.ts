/**
 * The aws side of `mesh bootstrap`: Lake Formation settings, IAM roles, the Glue Schema Registry, LF-Tag keys, the lock
 * table, and the producer buckets product files ask mesh to manage (buckets.ts).
 */
import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import { CreateRegistryCommand, DeleteRegistryCommand, GetRegistryCommand, GlueClient } from '@aws-sdk/client-glue';
import {
  CreateRoleCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  GetRoleCommand,
  type GetRoleCommandOutput,
  GetRolePolicyCommand,
  GetUserCommand,
  IAMClient,
  PutRolePolicyCommand,
  TagRoleCommand,
  UpdateAssumeRolePolicyCommand,
} from '@aws-sdk/client-iam';
import {
  CreateLFTagCommand,
  DeleteLFTagCommand,
  GetDataLakeSettingsCommand,
  LakeFormationClient,
  ListLFTagsCommand,
  PutDataLakeSettingsCommand,
  UpdateLFTagCommand,
} from '@aws-sdk/client-lakeformation';
import { S3Client } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { AwsClients } from '../../aws/clients.js';
import { fromAwsError, isAwsError } from '../../aws/errors.js';
import { MeshError } from '../../core/errors.js';
import type { Change, ObservedResource } from '../../engine/plan.js';
import type { AccountAccess, Workspace } from '../../workspace/model.js';
import { normalizePolicy } from '../compare.js';
import { bootstrapRef, bootstrapResource, MIN_CROSS_ACCOUNT_VERSION } from '../desired.js';
import { type BootstrapPort, type BootstrapSpec, type PolicyDocument, ROLE_POLICY_NAME } from '../port.js';
import type { BootstrapResourceType } from '../resources.js';
import { observeBucket, putBucket, removeBucket } from './buckets.js';

type Role = BootstrapSpec & { kind: 'iam-role' };
type Settings = BootstrapSpec & { kind: 'lf-settings' };

const parsePolicy = (text: string | undefined): PolicyDocument | undefined =>
  text ? (JSON.parse(decodeURIComponent(text)) as PolicyDocument) : undefined;

/** arn:aws:sts::A:assumed-role/R/S → arn:aws:iam::A:role/R (Lake Formation admins are IAM users or roles). */
export function principalOf(callerArn: string): string {
  const m = /^arn:(aws[a-z-]*):sts::(\d{12}):assumed-role\/([^/]+)\/.+$/.exec(callerArn);
  return m ? `arn:${m[1]}:iam::${m[2]}:role/${m[3]}` : callerArn;
}

export class AwsBootstrapPort implements BootstrapPort {
  private readonly accounts = new Map<string, AccountAccess>();

  constructor(
    private readonly clients: AwsClients,
    private readonly ws: Workspace,
    private readonly ownsClients: boolean,
  ) {
    for (const d of ws.domains) this.accounts.set(d.access.account, d.access);
    this.accounts.set(ws.mesh.central.account, ws.mesh.central);
  }

  private access(account: string): AccountAccess {
    const a = this.accounts.get(account);
    if (!a) throw new MeshError('InternalError', `No access to account ${account} is configured.`);
    return a;
  }

  private iam = (account: string) => this.clients.get(IAMClient, this.access(account));
  private lf = (account: string) => this.clients.get(LakeFormationClient, this.access(account));
  private glue = (account: string) => this.clients.get(GlueClient, this.access(account));
  private dynamo = (account: string) => this.clients.get(DynamoDBClient, this.access(account));
  /** A managed bucket is read and changed as its domain (the domain's own credentials and region). */
  private s3 = (spec: BootstrapSpec & { kind: 's3-bucket' }) => {
    const domain = this.ws.domains.find((d) => d.name === spec.domain);
    if (!domain) throw new MeshError('InternalError', `No domain ${spec.domain} for bucket ${spec.name}.`);
    return this.clients.get(S3Client, { ...domain.access, region: spec.region });
  };

  async callerPrincipal(): Promise<string> {
    try {
      const sts = await this.clients.get(STSClient, this.ws.mesh.central);
      const id = await sts.send(new GetCallerIdentityCommand({}));
      if (!id.Arn) throw new MeshError('AwsIdentity', 'STS GetCallerIdentity answered without an ARN.');
      const principal = principalOf(id.Arn);
      if (principal === id.Arn) return principal;
      // An assumed role's ARN carries no path (SSO roles live under /aws-reserved/…): IAM knows the exact one.
      const name = principal.split('/').pop() ?? '';
      try {
        return (await (await this.iam(this.ws.mesh.central.account)).send(new GetRoleCommand({ RoleName: name }))).Role?.Arn ?? principal;
      } catch {
        return principal; // not allowed to read IAM here: the ARN without a path is right for roles at the root path
      }
    } catch (error) {
      throw fromAwsError(error, 'Reading who mesh runs as in the central account');
    }
  }

  async missingPrincipals(arns: readonly string[]): Promise<string[]> {
    const missing: string[] = [];
    for (const arn of arns) {
      const m = /^arn:aws[a-z-]*:iam::(\d{12}):(root|role|user)(?:\/(.*))?$/.exec(arn);
      if (!m?.[1] || m[2] === 'root' || !this.accounts.has(m[1])) continue; // another account: IAM checks it on CreateRole
      const name = (m[3] ?? '').split('/').pop() ?? '';
      const iam = await this.iam(m[1]);
      try {
        if (m[2] === 'role') await iam.send(new GetRoleCommand({ RoleName: name }));
        else await iam.send(new GetUserCommand({ UserName: name }));
      } catch (error) {
        if (isAwsError(error, 'NoSuchEntityException', 'NoSuchEntity')) missing.push(arn);
        else throw fromAwsError(error, `Checking that ${arn} exists`);
      }
    }
    return missing;
  }

  private readonly tagLists = new Map<string, Promise<Map<string, string[]>>>();

  /** Every LF-Tag of an account's catalog: one paginated list per account and plan, never one call per key. */
  private lfTags(account: string): Promise<Map<string, string[]>> {
    let found = this.tagLists.get(account);
    if (!found) {
      found = (async () => {
        const lf = await this.lf(account);
        const out = new Map<string, string[]>();
        let NextToken: string | undefined;
        do {
          const page = await lf.send(new ListLFTagsCommand({ ResourceShareType: 'ALL', NextToken }));
          for (const t of page.LFTags ?? []) if (t.TagKey) out.set(t.TagKey, [...(t.TagValues ?? [])].sort());
          NextToken = page.NextToken;
        } while (NextToken);
        return out;
      })();
      this.tagLists.set(account, found);
    }
    return found;
  }

  async observe(desired: readonly BootstrapSpec[]): Promise<ObservedResource<BootstrapResourceType>[]> {
    this.tagLists.clear();
    const out: ObservedResource<BootstrapResourceType>[] = [];
    for (const d of desired) {
      const found = await this.observeOne(d).catch((error: unknown) => {
        throw fromAwsError(error, `Reading ${bootstrapRef(d).label}`);
      });
      if (found) out.push(bootstrapResource(found));
    }
    return out;
  }

  private async observeOne(d: BootstrapSpec): Promise<BootstrapSpec | undefined> {
    switch (d.kind) {
      case 'lf-settings': {
        const s = (await (await this.lf(d.account)).send(new GetDataLakeSettingsCommand({}))).DataLakeSettings;
        const defaults = [...(s?.CreateDatabaseDefaultPermissions ?? []), ...(s?.CreateTableDefaultPermissions ?? [])];
        return {
          kind: 'lf-settings',
          account: d.account,
          admins: (s?.DataLakeAdmins ?? []).flatMap((a) => a.DataLakePrincipalIdentifier ?? []).sort(),
          crossAccountVersion: Number(s?.Parameters?.CROSS_ACCOUNT_VERSION ?? '1'),
          noDefaultPermissions: defaults.length === 0,
        };
      }
      case 'iam-role':
        return this.observeRole(d);
      case 'schema-registry':
        try {
          await (await this.glue(d.account)).send(new GetRegistryCommand({ RegistryId: { RegistryName: d.name } }));
          return d;
        } catch (error) {
          if (isAwsError(error, 'EntityNotFoundException')) return undefined;
          throw error;
        }
      case 'lf-tag': {
        const values = (await this.lfTags(d.account)).get(d.key);
        return values ? { ...d, values } : undefined;
      }
      case 'lock-table':
        try {
          await (await this.dynamo(d.account)).send(new DescribeTableCommand({ TableName: d.name }));
          return d;
        } catch (error) {
          if (isAwsError(error, 'ResourceNotFoundException')) return undefined;
          throw error;
        }
      case 's3-bucket':
        return observeBucket(await this.s3(d), d);
    }
  }

  private async observeRole(d: Role): Promise<Role | undefined> {
    const iam = await this.iam(d.account);
    let role: GetRoleCommandOutput;
    try {
      role = await iam.send(new GetRoleCommand({ RoleName: d.name }));
    } catch (error) {
      if (isAwsError(error, 'NoSuchEntityException', 'NoSuchEntity')) return undefined;
      throw error;
    }
    let policy: PolicyDocument | undefined;
    try {
      policy = parsePolicy((await iam.send(new GetRolePolicyCommand({ RoleName: d.name, PolicyName: ROLE_POLICY_NAME }))).PolicyDocument);
    } catch (error) {
      if (!isAwsError(error, 'NoSuchEntityException', 'NoSuchEntity')) throw error;
    }
    return {
      ...d,
      trust: parsePolicy(role.Role?.AssumeRolePolicyDocument) ?? { Version: '2012-10-17', Statement: [] },
      ...(policy ? { policy } : { policy: undefined }),
      tags: Object.fromEntries((role.Role?.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? ''])),
    };
  }

  async execute(change: Change<BootstrapResourceType>): Promise<Record<string, unknown> | undefined> {
    const spec = change.after ?? change.before;
    if (!spec) throw new MeshError('InternalError', `Change ${change.key} has no spec.`);
    try {
      if (change.action === 'delete') return await this.remove(spec);
      return await this.put(spec, change.before);
    } catch (error) {
      throw fromAwsError(error, `${change.action} ${change.ref.label ?? change.key}`);
    }
  }

  private async put(spec: BootstrapSpec, before: BootstrapSpec | undefined): Promise<Record<string, unknown> | undefined> {
    switch (spec.kind) {
      case 'lf-settings':
        return this.putSettings(spec);
      case 'iam-role':
        return this.putRole(spec, before?.kind === 'iam-role' ? before : undefined);
      case 'schema-registry':
        try {
          const tags = { ...spec.tags };
          await (await this.glue(spec.account)).send(new CreateRegistryCommand({ RegistryName: spec.name, Tags: tags }));
        } catch (error) {
          if (!isAwsError(error, 'AlreadyExistsException')) throw error;
        }
        return undefined;
      case 'lf-tag': {
        const lf = await this.lf(spec.account);
        if (before?.kind !== 'lf-tag') await lf.send(new CreateLFTagCommand({ TagKey: spec.key, TagValues: [...spec.values] }));
        else {
          const add = spec.values.filter((v) => !before.values.includes(v));
          if (add.length > 0) await lf.send(new UpdateLFTagCommand({ TagKey: spec.key, TagValuesToAdd: add }));
        }
        return undefined;
      }
      case 'lock-table':
        return this.createLockTable(spec.account, spec.name);
      case 's3-bucket':
        return putBucket(await this.s3(spec), spec, before?.kind === 's3-bucket' ? before : undefined);
    }
  }

  /** Read-modify-write: fresh settings, mesh's admin added, the version raised, the IAM defaults removed; the rest kept. */
  private async putSettings(spec: Settings): Promise<Record<string, unknown>> {
    const lf = await this.lf(spec.account);
    const current = (await lf.send(new GetDataLakeSettingsCommand({}))).DataLakeSettings ?? {};
    const admins = [...(current.DataLakeAdmins ?? [])];
    for (const a of spec.admins)
      if (!admins.some((x) => x.DataLakePrincipalIdentifier === a)) admins.push({ DataLakePrincipalIdentifier: a });
    const version = Number(current.Parameters?.CROSS_ACCOUNT_VERSION ?? '1');
    const next = {
      ...current,
      DataLakeAdmins: admins,
      Parameters: {
        ...(current.Parameters ?? {}),
        CROSS_ACCOUNT_VERSION: String(version >= MIN_CROSS_ACCOUNT_VERSION ? version : spec.crossAccountVersion),
      },
      ...(spec.noDefaultPermissions ? { CreateDatabaseDefaultPermissions: [], CreateTableDefaultPermissions: [] } : {}),
    };
    await lf.send(new PutDataLakeSettingsCommand({ DataLakeSettings: next }));
    return { admins: admins.map((a) => a.DataLakePrincipalIdentifier), crossAccountVersion: next.Parameters.CROSS_ACCOUNT_VERSION };
  }

  private async putRole(spec: Role, before: Role | undefined): Promise<Record<string, unknown>> {
    const iam = await this.iam(spec.account);
    const tags = Object.entries(spec.tags).map(([Key, Value]) => ({ Key, Value }));
    if (!before) {
      await iam.send(
        new CreateRoleCommand({
          RoleName: spec.name,
          Description: spec.description,
          AssumeRolePolicyDocument: JSON.stringify(spec.trust),
          Tags: tags,
        }),
      );
    } else {
      if (normalizePolicy(spec.trust) !== normalizePolicy(before.trust))
        await iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: spec.name, PolicyDocument: JSON.stringify(spec.trust) }));
      if (Object.entries(spec.tags).some(([k, v]) => before.tags[k] !== v))
        await iam.send(new TagRoleCommand({ RoleName: spec.name, Tags: tags }));
    }
    if (!before || normalizePolicy(spec.policy) !== normalizePolicy(before.policy)) {
      if (spec.policy)
        await iam.send(
          new PutRolePolicyCommand({ RoleName: spec.name, PolicyName: ROLE_POLICY_NAME, PolicyDocument: JSON.stringify(spec.policy) }),
        );
      else if (before?.policy) await iam.send(new DeleteRolePolicyCommand({ RoleName: spec.name, PolicyName: ROLE_POLICY_NAME }));
    }
    return { arn: `arn:aws:iam::${spec.account}:role/${spec.name}` };
  }

  /** The same table the aws lock creates on first use: hash key lockKey (S), on demand, TTL on `expires`. */
  private async createLockTable(account: string, name: string): Promise<Record<string, unknown>> {
    const db = await this.dynamo(account);
    try {
      await db.send(
        new CreateTableCommand({
          TableName: name,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [{ AttributeName: 'lockKey', AttributeType: 'S' }],
          KeySchema: [{ AttributeName: 'lockKey', KeyType: 'HASH' }],
        }),
      );
    } catch (error) {
      if (!isAwsError(error, 'ResourceInUseException')) throw error;
    }
    await waitUntilTableExists({ client: db, maxWaitTime: 120, minDelay: 1, maxDelay: 5 }, { TableName: name });
    try {
      await db.send(new UpdateTimeToLiveCommand({ TableName: name, TimeToLiveSpecification: { AttributeName: 'expires', Enabled: true } }));
    } catch (error) {
      if (!isAwsError(error, 'ValidationException')) throw error;
    }
    return { table: name };
  }

  /** Deletes (destroy --include-bootstrap). Lake Formation settings are never deleted. */
  private async remove(spec: BootstrapSpec): Promise<Record<string, unknown> | undefined> {
    const gone = (error: unknown) => {
      if (!isAwsError(error, 'NoSuchEntityException', 'NoSuchEntity', 'EntityNotFoundException', 'ResourceNotFoundException')) throw error;
    };
    switch (spec.kind) {
      case 'iam-role': {
        const iam = await this.iam(spec.account);
        await iam.send(new DeleteRolePolicyCommand({ RoleName: spec.name, PolicyName: ROLE_POLICY_NAME })).catch(gone);
        await iam.send(new DeleteRoleCommand({ RoleName: spec.name })).catch(gone);
        return undefined;
      }
      case 'schema-registry':
        await (await this.glue(spec.account)).send(new DeleteRegistryCommand({ RegistryId: { RegistryName: spec.name } })).catch(gone);
        return undefined;
      case 'lf-tag':
        await (await this.lf(spec.account)).send(new DeleteLFTagCommand({ TagKey: spec.key })).catch(gone);
        return undefined;
      case 'lock-table':
        await (await this.dynamo(spec.account)).send(new DeleteTableCommand({ TableName: spec.name })).catch(gone);
        return undefined;
      case 'lf-settings':
        return undefined;
      case 's3-bucket':
        return removeBucket(await this.s3(spec), spec);
    }
  }

  async close(): Promise<void> {
    if (this.ownsClients) this.clients.destroy();
  }
}
