// What bootstrap leaves in moto accounts, read with each account's own credentials through the SDK (not mesh's adapters).
import { DescribeTableCommand, DescribeTimeToLiveCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetRegistryCommand, GlueClient } from '@aws-sdk/client-glue';
import { CreateRoleCommand, GetRoleCommand, GetRolePolicyCommand, IAMClient, ListRolesCommand } from '@aws-sdk/client-iam';
import {
  GetDataLakeSettingsCommand,
  LakeFormationClient,
  ListLFTagsCommand,
  PutDataLakeSettingsCommand,
} from '@aws-sdk/client-lakeformation';
import { accountClients } from '../support/moto.js';

const gone = (error: unknown) => {
  const name = (error as { name?: string }).name ?? '';
  if (['NoSuchEntityException', 'NoSuchEntity', 'EntityNotFoundException', 'ResourceNotFoundException'].includes(name)) return undefined;
  throw error;
};

export async function lfSettings(account: string) {
  const lf = new LakeFormationClient(await accountClients(account));
  try {
    return (await lf.send(new GetDataLakeSettingsCommand({}))).DataLakeSettings ?? {};
  } finally {
    lf.destroy();
  }
}

export async function seedLfSettings(account: string, admin: string, parameters: Record<string, string>): Promise<void> {
  const lf = new LakeFormationClient(await accountClients(account));
  try {
    await lf.send(
      new PutDataLakeSettingsCommand({
        DataLakeSettings: { DataLakeAdmins: [{ DataLakePrincipalIdentifier: admin }], Parameters: parameters },
      }),
    );
  } finally {
    lf.destroy();
  }
}

/** A role as IAM holds it: trust and the `mesh-bootstrap` inline policy, parsed; undefined when absent. */
export async function role(account: string, name: string) {
  const iam = new IAMClient(await accountClients(account));
  try {
    const r = await iam.send(new GetRoleCommand({ RoleName: name })).catch(gone);
    if (!r?.Role) return undefined;
    const p = await iam.send(new GetRolePolicyCommand({ RoleName: name, PolicyName: 'mesh-bootstrap' })).catch(gone);
    return {
      trust: JSON.parse(decodeURIComponent(r.Role.AssumeRolePolicyDocument ?? '{}')),
      policy: p?.PolicyDocument ? JSON.parse(decodeURIComponent(p.PolicyDocument)) : undefined,
      tags: Object.fromEntries((r.Role.Tags ?? []).map((t) => [t.Key, t.Value])),
    };
  } finally {
    iam.destroy();
  }
}

export async function roleNames(account: string): Promise<string[]> {
  const iam = new IAMClient(await accountClients(account));
  try {
    return ((await iam.send(new ListRolesCommand({}))).Roles ?? []).map((r) => r.RoleName ?? '').sort();
  } finally {
    iam.destroy();
  }
}

export async function createRole(account: string, name: string): Promise<string> {
  const iam = new IAMClient(await accountClients(account));
  try {
    const trust = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'sts:AssumeRole' }],
    };
    const out = await iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: JSON.stringify(trust) }));
    return out.Role?.Arn ?? '';
  } finally {
    iam.destroy();
  }
}

export async function registryExists(account: string, name: string): Promise<boolean> {
  const glue = new GlueClient(await accountClients(account));
  try {
    return (await glue.send(new GetRegistryCommand({ RegistryId: { RegistryName: name } })).catch(gone)) !== undefined;
  } finally {
    glue.destroy();
  }
}

export async function lfTagKeys(account: string): Promise<Record<string, string[]>> {
  const lf = new LakeFormationClient(await accountClients(account));
  try {
    const tags = (await lf.send(new ListLFTagsCommand({}))).LFTags ?? [];
    return Object.fromEntries(tags.map((t) => [t.TagKey ?? '', [...(t.TagValues ?? [])].sort()]));
  } finally {
    lf.destroy();
  }
}

/** The lock table's key schema, billing and TTL, or undefined when there is none. */
export async function lockTable(account: string) {
  const db = new DynamoDBClient(await accountClients(account));
  try {
    const t = await db.send(new DescribeTableCommand({ TableName: 'mesh-locks' })).catch(gone);
    if (!t?.Table) return undefined;
    const ttl = await db.send(new DescribeTimeToLiveCommand({ TableName: 'mesh-locks' }));
    return {
      key: t.Table.KeySchema?.map((k) => `${k.AttributeName}:${k.KeyType}`),
      billing: t.Table.BillingModeSummary?.BillingMode,
      ttl: `${ttl.TimeToLiveDescription?.AttributeName}:${ttl.TimeToLiveDescription?.TimeToLiveStatus}`,
    };
  } finally {
    db.destroy();
  }
}
