/**
 * The `execution-role` resource on aws: an IAM role in the consumer's account that Lambda assumes, with one inline
 * policy (execution-role-policy.ts). Observed with GetRole + GetRolePolicy; policy documents come back URL-encoded
 * and are normalised before comparing.
 */
import type { GetRoleCommandOutput, IAMClient } from '@aws-sdk/client-iam';
import { fromAwsError, isAwsError } from '../../../aws/errors.js';
import type { Comparison } from '../../../engine/plan.js';
import { sameSpec } from '../../../engine/planner.js';
import { LAMBDA_TRUST_POLICY, normalizePolicy, type PolicyDocument } from './execution-role-policy.js';

export const EXECUTION_POLICY_NAME = 'mesh-execution';

export interface ExecutionRoleSpec {
  readonly roleName: string;
  readonly account: string;
  /** Normalised (see normalizePolicy). */
  readonly trustPolicy: unknown;
  readonly policyName: string;
  /** Normalised. */
  readonly policy: unknown;
  readonly tags: Readonly<Record<string, string>>;
}

export function executionRoleSpec(
  roleName: string,
  account: string,
  policy: PolicyDocument,
  tags: Record<string, string>,
): ExecutionRoleSpec {
  return {
    roleName,
    account,
    trustPolicy: normalizePolicy(JSON.stringify(LAMBDA_TRUST_POLICY)),
    policyName: EXECUTION_POLICY_NAME,
    policy: normalizePolicy(JSON.stringify(policy)),
    tags,
  };
}

export function compareExecutionRole(desired: ExecutionRoleSpec, observed: ExecutionRoleSpec): Comparison {
  const reasons: string[] = [];
  if (!sameSpec(desired.trustPolicy, observed.trustPolicy)) reasons.push('trust policy');
  if (!sameSpec(desired.policy, observed.policy)) reasons.push('permissions');
  if (!sameSpec(desired.tags, pick(observed.tags, Object.keys(desired.tags)))) reasons.push('tags');
  return reasons.length === 0 ? { action: 'noop', reason: 'up to date' } : { action: 'update', reason: `${reasons.join(', ')} changed` };
}

function pick(record: Readonly<Record<string, string>>, keys: readonly string[]): Record<string, string> {
  return Object.fromEntries(keys.filter((k) => k in record).map((k) => [k, record[k] as string]));
}

export async function observeExecutionRole(
  iam: IAMClient,
  desired: ExecutionRoleSpec,
): Promise<{ spec: ExecutionRoleSpec; roleArn: string } | undefined> {
  const { GetRoleCommand, GetRolePolicyCommand } = await import('@aws-sdk/client-iam');
  let role: GetRoleCommandOutput;
  try {
    role = await iam.send(new GetRoleCommand({ RoleName: desired.roleName }));
  } catch (error) {
    if (isAwsError(error, 'NoSuchEntityException', 'NoSuchEntity')) return undefined;
    throw fromAwsError(error, `read role ${desired.roleName}`);
  }
  let policy: unknown;
  try {
    const out = await iam.send(new GetRolePolicyCommand({ RoleName: desired.roleName, PolicyName: desired.policyName }));
    policy = normalizePolicy(out.PolicyDocument);
  } catch (error) {
    if (!isAwsError(error, 'NoSuchEntityException', 'NoSuchEntity'))
      throw fromAwsError(error, `read the policy of role ${desired.roleName}`);
  }
  const tags = Object.fromEntries((role.Role?.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
  return {
    roleArn: role.Role?.Arn ?? '',
    spec: {
      roleName: desired.roleName,
      account: desired.account,
      trustPolicy: normalizePolicy(role.Role?.AssumeRolePolicyDocument),
      policyName: desired.policyName,
      policy,
      tags,
    },
  };
}

const tagList = (tags: Readonly<Record<string, string>>) => Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));

/** Creates the role (or adopts one left by an interrupted run) and puts its inline policy. */
export async function putExecutionRole(iam: IAMClient, spec: ExecutionRoleSpec, existing: boolean): Promise<Record<string, unknown>> {
  const sdk = await import('@aws-sdk/client-iam');
  const trust = JSON.stringify(spec.trustPolicy);
  let roleArn: string | undefined;
  try {
    if (!existing) {
      const created = await iam.send(
        new sdk.CreateRoleCommand({
          RoleName: spec.roleName,
          AssumeRolePolicyDocument: trust,
          Description: 'Execution role of a mesh stream subscription (managed by mesh)',
          Tags: tagList(spec.tags),
        }),
      );
      roleArn = created.Role?.Arn;
    }
  } catch (error) {
    if (!isAwsError(error, 'EntityAlreadyExistsException', 'EntityAlreadyExists'))
      throw fromAwsError(error, `create role ${spec.roleName}`);
    existing = true;
  }
  try {
    if (existing) {
      await iam.send(new sdk.UpdateAssumeRolePolicyCommand({ RoleName: spec.roleName, PolicyDocument: trust }));
      await iam.send(new sdk.TagRoleCommand({ RoleName: spec.roleName, Tags: tagList(spec.tags) }));
      roleArn = (await iam.send(new sdk.GetRoleCommand({ RoleName: spec.roleName }))).Role?.Arn;
    }
    await iam.send(
      new sdk.PutRolePolicyCommand({ RoleName: spec.roleName, PolicyName: spec.policyName, PolicyDocument: JSON.stringify(spec.policy) }),
    );
  } catch (error) {
    throw fromAwsError(error, `put the policy of role ${spec.roleName}`);
  }
  return { roleArn: roleArn ?? `arn:aws:iam::${spec.account}:role/${spec.roleName}` };
}

export async function deleteExecutionRole(iam: IAMClient, spec: ExecutionRoleSpec): Promise<void> {
  const sdk = await import('@aws-sdk/client-iam');
  try {
    await iam.send(new sdk.DeleteRolePolicyCommand({ RoleName: spec.roleName, PolicyName: spec.policyName }));
  } catch (error) {
    if (!isAwsError(error, 'NoSuchEntityException', 'NoSuchEntity'))
      throw fromAwsError(error, `delete the policy of role ${spec.roleName}`);
  }
  try {
    await iam.send(new sdk.DeleteRoleCommand({ RoleName: spec.roleName }));
  } catch (error) {
    if (!isAwsError(error, 'NoSuchEntityException', 'NoSuchEntity')) throw fromAwsError(error, `delete role ${spec.roleName}`);
  }
}
