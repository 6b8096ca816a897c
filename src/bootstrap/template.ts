/**
 * `mesh bootstrap --template DIR`: the same resources as one CloudFormation template per account, for organisations
 * that create IAM only through CloudFormation or StackSets. No AWS call: the Lake Formation admin is a parameter.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'yaml';
import { requireLfTagKeyWithinLimit } from '../catalog/lf-tag-limit.js';
import { refuseLinkBelow } from '../core/symbolic-links.js';
import type { Workspace } from '../workspace/model.js';
import { desiredBootstrap } from './desired.js';
import { type BootstrapSpec, ROLE_POLICY_NAME } from './port.js';

export type TemplateFormat = 'json' | 'yaml';

const ADMIN_PARAMETER = 'MeshAdminArn';
const ADMIN_PLACEHOLDER = '%mesh-admin%';

/** A CloudFormation logical id: alphanumeric, from the words of a name. */
function logicalId(...words: string[]): string {
  return words
    .join('-')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]?.toUpperCase() + w.slice(1))
    .join('');
}

function resourceOf(spec: BootstrapSpec): [string, Record<string, unknown>] {
  const tagList = (tags: Readonly<Record<string, string>>) => Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
  switch (spec.kind) {
    case 'lf-settings':
      return [
        'DataLakeSettings',
        {
          Type: 'AWS::LakeFormation::DataLakeSettings',
          Properties: {
            // APPEND keeps the admins that are there; mesh adds the principal it runs as.
            MutationType: 'APPEND',
            Admins: spec.admins.map((a) => ({ DataLakePrincipalIdentifier: a === ADMIN_PLACEHOLDER ? { Ref: ADMIN_PARAMETER } : a })),
            Parameters: { CROSS_ACCOUNT_VERSION: String(spec.crossAccountVersion) },
            CreateDatabaseDefaultPermissions: [],
            CreateTableDefaultPermissions: [],
          },
        },
      ];
    case 'iam-role':
      return [
        logicalId('Role', spec.name),
        {
          Type: 'AWS::IAM::Role',
          Properties: {
            RoleName: spec.name,
            Description: spec.description,
            AssumeRolePolicyDocument: spec.trust,
            ...(spec.policy ? { Policies: [{ PolicyName: ROLE_POLICY_NAME, PolicyDocument: spec.policy }] } : {}),
            Tags: tagList(spec.tags),
          },
        },
      ];
    case 'schema-registry':
      return [
        logicalId('SchemaRegistry', spec.name),
        { Type: 'AWS::Glue::Registry', Properties: { Name: spec.name, Tags: tagList(spec.tags) } },
      ];
    case 'lf-tag':
      return [
        logicalId('LfTag', spec.key),
        { Type: 'AWS::LakeFormation::Tag', DependsOn: 'DataLakeSettings', Properties: { TagKey: spec.key, TagValues: [...spec.values] } },
      ];
    case 'lock-table':
      return [
        logicalId('LockTable', spec.name),
        {
          Type: 'AWS::DynamoDB::Table',
          Properties: {
            TableName: spec.name,
            BillingMode: 'PAY_PER_REQUEST',
            AttributeDefinitions: [{ AttributeName: 'lockKey', AttributeType: 'S' }],
            KeySchema: [{ AttributeName: 'lockKey', KeyType: 'HASH' }],
            TimeToLiveSpecification: { AttributeName: 'expires', Enabled: true },
          },
        },
      ];
    case 's3-bucket': {
      const encryption = spec.encryption ?? { algorithm: 'AES256' };
      return [
        logicalId('Bucket', spec.name),
        {
          Type: 'AWS::S3::Bucket',
          // The bucket holds the product's data: deleting the stack keeps it (mesh destroy --delete-data removes it).
          DeletionPolicy: 'Retain',
          UpdateReplacePolicy: 'Retain',
          Properties: {
            BucketName: spec.name,
            PublicAccessBlockConfiguration: {
              BlockPublicAcls: true,
              IgnorePublicAcls: true,
              BlockPublicPolicy: true,
              RestrictPublicBuckets: true,
            },
            BucketEncryption: {
              ServerSideEncryptionConfiguration: [
                encryption.algorithm === 'AES256'
                  ? { ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }
                  : {
                      ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: encryption.kmsKey },
                      BucketKeyEnabled: true,
                    },
              ],
            },
            VersioningConfiguration: { Status: 'Enabled' },
            Tags: tagList(spec.tags),
          },
        },
      ];
    }
  }
}

/** account → template. */
export function bootstrapTemplates(ws: Workspace): Map<string, Record<string, unknown>> {
  const byAccount = new Map<string, Record<string, Record<string, unknown>>>();
  for (const { spec } of desiredBootstrap(ws, ADMIN_PLACEHOLDER)) {
    // CloudFormation would fail creating an AWS::LakeFormation::Tag with more values than Lake Formation allows.
    if (spec.kind === 'lf-tag') requireLfTagKeyWithinLimit(spec.key, spec.account, spec.values, undefined, 'No template was written.');
    const resources = byAccount.get(spec.account) ?? {};
    const [id, resource] = resourceOf(spec);
    resources[id] = resource;
    byAccount.set(spec.account, resources);
  }
  const central = ws.mesh.central.account;
  const out = new Map<string, Record<string, unknown>>();
  for (const [account, resources] of byAccount) {
    const domains = ws.domains.filter((d) => d.access.account === account).map((d) => d.name);
    const who = [...(account === central ? ['central catalog'] : []), ...domains.map((d) => `domain ${d}`)].join(', ');
    out.set(account, {
      AWSTemplateFormatVersion: '2010-09-09',
      Description: `mesh ${ws.mesh.name} bootstrap for account ${account} (${who}); written by mesh bootstrap --template`,
      ...(account === central
        ? {
            Parameters: {
              [ADMIN_PARAMETER]: {
                Type: 'String',
                Description: 'The IAM role or user ARN mesh runs as in this account; it becomes a Lake Formation admin',
                AllowedPattern: '^arn:aws[a-z-]*:iam::\\d{12}:(role|user)/.+$',
              },
            },
          }
        : {}),
      Resources: resources,
    });
  }
  return out;
}

/** Writes `mesh-bootstrap-<account>.<json|yaml>` per account; returns the files written. */
export async function writeBootstrapTemplates(ws: Workspace, dir: string, format: TemplateFormat): Promise<string[]> {
  // Built (and checked) before the directory is made: a refused workspace leaves nothing behind.
  const templates = bootstrapTemplates(ws);
  const out = path.resolve(dir);
  refuseLinkBelow(path.dirname(out), out, 'mesh bootstrap --template writes its templates');
  for (const account of templates.keys()) {
    refuseLinkBelow(out, path.join(out, `mesh-bootstrap-${account}.${format}`), 'mesh bootstrap --template writes its templates');
  }
  await mkdir(out, { recursive: true });
  // A static import: the bundle gave `await import('yaml')` only a default export, so `stringify` was undefined there
  // and every "yaml" template was written as JSON.
  const files: string[] = [];
  for (const [account, template] of templates) {
    const file = path.join(out, `mesh-bootstrap-${account}.${format}`);
    await writeFile(
      file,
      format === 'yaml' ? stringify(template, { aliasDuplicateObjects: false }) : `${JSON.stringify(template, null, 2)}\n`,
    );
    files.push(file);
  }
  return files;
}
