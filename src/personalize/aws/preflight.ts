/**
 * Cost safety before the first billable call: the service role Personalize assumes exists and trusts
 * personalize.amazonaws.com, and the bucket's policy lets Personalize read the CSVs. Each miss stops the run
 * with the fix (the policy to attach). Read-only IAM and S3 calls; an access-denied answer is a warning.
 */
import { readFile } from 'node:fs/promises';
import { GetRoleCommand } from '@aws-sdk/client-iam';
import { GetBucketPolicyCommand, HeadBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { fromAwsError, isAwsError } from '../../aws/errors.js';
import { MeshError } from '../../core/errors.js';
import { emit } from '../../core/messages.js';
import type { DatasetType } from '../avro-rules.js';
import type { BuiltDataset } from '../datasets/build.js';
import type { AwsPersonalizeEnv } from './aws-env.js';
import { bucketPolicy, PERSONALIZE_PRINCIPAL, trustPolicy } from './policies.js';

const PRINCIPAL = PERSONALIZE_PRINCIPAL;

function asList(v: unknown): string[] {
  return Array.isArray(v) ? v.map(String) : v === undefined ? [] : [String(v)];
}

/** Does a policy document allow `service` the `actions`? (A plain reading: Allow statements, no conditions.) */
export function policyAllows(document: string, service: string, actions: readonly string[]): string[] {
  let policy: { Statement?: unknown };
  try {
    policy = JSON.parse(document) as { Statement?: unknown };
  } catch {
    return [...actions];
  }
  const statements = (Array.isArray(policy.Statement) ? policy.Statement : [policy.Statement]) as Record<string, unknown>[];
  const granted = new Set<string>();
  for (const s of statements) {
    if (s?.Effect !== 'Allow') continue;
    const principal = s.Principal as { Service?: unknown } | string | undefined;
    const services = typeof principal === 'string' ? [principal] : asList(principal?.Service);
    if (!services.includes(service) && !services.includes('*')) continue;
    for (const a of asList(s.Action)) granted.add(a.toLowerCase());
  }
  return actions.filter((a) => !granted.has(a.toLowerCase()) && !granted.has('s3:*') && !granted.has('*') && !granted.has('sts:*'));
}

export async function preflightAws(env: AwsPersonalizeEnv, roleArn: string | undefined, bucket: string): Promise<void> {
  const file = env.project.config.file;
  if (!roleArn) {
    throw new MeshError('PersonalizeRoleNotSet', `No service role for Personalize: aws.roleArn is not set in ${file}.`, {
      hint: `Create a role trusted by ${PRINCIPAL} (trust policy ${trustPolicy()}) with s3:GetObject and s3:ListBucket on ${bucket}, and set aws.roleArn.`,
    });
  }
  const roleName = roleArn.split('/').pop() as string;
  try {
    const role = await env.iam.send(new GetRoleCommand({ RoleName: roleName }));
    const doc = decodeURIComponent(role.Role?.AssumeRolePolicyDocument ?? '');
    if (policyAllows(doc, PRINCIPAL, ['sts:AssumeRole']).length > 0) {
      throw new MeshError('PersonalizeRoleTrust', `The role ${roleArn} does not trust ${PRINCIPAL}, so Personalize cannot read the data.`, {
        hint: `Set its trust policy to ${trustPolicy()} (aws iam update-assume-role-policy --role-name ${roleName} --policy-document '…').`,
      });
    }
  } catch (error) {
    if (error instanceof MeshError) throw error;
    if (isAwsError(error, 'NoSuchEntityException', 'NoSuchEntity')) {
      throw new MeshError('PersonalizeRoleMissing', `The service role ${roleArn} (aws.roleArn in ${file}) does not exist.`, {
        hint: `Create it: aws iam create-role --role-name ${roleName} --assume-role-policy-document '${trustPolicy()}', then allow s3:GetObject and s3:ListBucket on ${bucket}.`,
      });
    }
    const e = fromAwsError(error, 'checking the Personalize service role');
    if (e.code !== 'AccessDenied') throw e;
    emit(env.host, 'warn', 'personalize.preflight.skipped', { what: 'role', name: roleArn, reason: e.message });
  }
  try {
    await env.s3.send(new HeadBucketCommand({ Bucket: bucket }));
  } catch (error) {
    if (isAwsError(error, 'NotFound', 'NoSuchBucket')) {
      throw new MeshError('PersonalizeBucketMissing', `The bucket ${bucket} for the Personalize CSVs does not exist.`, {
        hint: `Create it in ${env.project.domain.access.region} (aws s3 mb s3://${bucket}) with the policy ${bucketPolicy(bucket)}, or set aws.bucket in ${file}.`,
      });
    }
    const e = fromAwsError(error, `checking bucket ${bucket}`);
    if (e.code !== 'AccessDenied' && e.code !== 'AwsForbidden') throw e;
  }
  try {
    const policy = await env.s3.send(new GetBucketPolicyCommand({ Bucket: bucket }));
    const missing = policyAllows(policy.Policy ?? '', PRINCIPAL, ['s3:GetObject', 's3:ListBucket']);
    if (missing.length > 0) {
      throw new MeshError(
        'PersonalizeBucketPolicy',
        `The policy of bucket ${bucket} does not allow ${PRINCIPAL} ${missing.join(' and ')}.`,
        {
          hint: `Add this statement: ${bucketPolicy(bucket)} (aws s3api put-bucket-policy --bucket ${bucket} --policy file://policy.json).`,
        },
      );
    }
  } catch (error) {
    if (error instanceof MeshError) throw error;
    if (isAwsError(error, 'NoSuchBucketPolicy')) {
      throw new MeshError('PersonalizeBucketPolicy', `Bucket ${bucket} has no bucket policy, so Personalize cannot read the CSVs.`, {
        hint: `Attach this policy: ${bucketPolicy(bucket)} (aws s3api put-bucket-policy --bucket ${bucket} --policy file://policy.json).`,
      });
    }
    const e = fromAwsError(error, `reading the policy of bucket ${bucket}`);
    if (e.code !== 'AccessDenied') throw e;
    emit(env.host, 'warn', 'personalize.preflight.skipped', { what: 'bucket-policy', name: bucket, reason: e.message });
  }
}

/** Uploads the CSVs: `s3://<bucket>/<prefix>/<domain>/<dataset>/<fingerprint>.csv`. Returns each S3 URI. */
export async function uploadDatasets(
  env: AwsPersonalizeEnv,
  bucket: string,
  files: Partial<Record<DatasetType, BuiltDataset>>,
): Promise<Partial<Record<DatasetType, { location: string; fingerprint: string }>>> {
  const prefix = env.project.config.aws.prefix.replace(/^\/+|\/+$/g, '');
  const out: Partial<Record<DatasetType, { location: string; fingerprint: string }>> = {};
  for (const [type, file] of Object.entries(files) as [DatasetType, BuiltDataset][]) {
    const key = [prefix, env.project.domain.name, type, `${file.fingerprint}.csv`].filter((p) => p !== '').join('/');
    const body = await readFile(file.file);
    try {
      await env.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: 'text/csv' }));
    } catch (error) {
      throw fromAwsError(error, `uploading ${type}.csv to s3://${bucket}/${key}`);
    }
    emit(env.host, 'info', 'personalize.upload.done', { type, rows: file.rows, location: `s3://${bucket}/${key}` });
    out[type] = { location: `s3://${bucket}/${key}`, fingerprint: file.fingerprint };
  }
  return out;
}
