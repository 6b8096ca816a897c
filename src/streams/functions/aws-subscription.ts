/**
 * Stream subscriptions on aws, in the consumer's account (domain.access): an execution role, the Lambda function
 * built from the handler folder, and one event source mapping per subscribed product (MSK only).
 */
import type { IAMClient } from '@aws-sdk/client-iam';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import { ExitCode, MeshError } from '../../core/errors.js';
import { type Change, type DesiredResource, keyOf, type ObservedResource } from '../../engine/plan.js';
import { createPlan } from '../../engine/planner.js';
import { personalizeEnvironment, readPersonalizeOutputs } from '../../personalize/outputs.js';
import type { Domain } from '../../workspace/model.js';
import { consumerGroupId, managedTags } from '../../workspace/naming.js';
import type { StreamsContext } from '../topics/streams-context.js';
import { clusterPolicyRef, eventSourceArnFor } from './cluster-policy.js';
import { compareMapping, createMapping, deleteMapping, type MappingSpec, observeMapping, updateMapping } from './event-source-mapping.js';
import {
  compareExecutionRole,
  deleteExecutionRole,
  type ExecutionRoleSpec,
  executionRoleSpec,
  observeExecutionRole,
  putExecutionRole,
} from './execution-role.js';
import { executionRolePolicy } from './execution-role-policy.js';
import { executionRoleName, kafkaDestination, lambdaFunctionName, mskArns, roleArnOf } from './function-naming.js';
import { packageHandler } from './handler-bundle.js';
import {
  compareLambdaFunction,
  DEFAULT_MEMORY_MB,
  DEFAULT_TIMEOUT_SECONDS,
  deleteLambdaFunction,
  LAMBDA_RUNTIME,
  type LambdaFunctionSpec,
  observeLambdaFunction,
  putLambdaFunction,
} from './lambda-function.js';
import type { ResolvedStreamSubscription } from './stream-subscriptions.js';

export function clusterArnOf(ctx: StreamsContext): string {
  const streaming = ctx.workspace.mesh.streaming;
  if (streaming.kind !== 'msk') {
    throw new MeshError('StreamSubscriptionNeedsMsk', 'Stream subscriptions on the aws target need an MSK cluster (streaming.kind msk).', {
      hint: 'Set streaming.kind to msk with the cluster ARN in mesh.yaml, or run the subscription locally with `mesh dev`.',
      location: { file: ctx.workspace.meshFile, path: 'streaming' },
      exitCode: ExitCode.Usage,
    });
  }
  return streaming.clusterArn;
}

const ref = (type: string, domain: Domain, id: string, label: string) => ({
  plane: 'functions' as const,
  type,
  id: `${domain.access.account}/${id}`,
  label,
  account: domain.access.account,
  region: domain.access.region,
});

export const roleRef = (domain: Domain, roleName: string) => ref('execution-role', domain, roleName, roleName);
export const functionRef = (domain: Domain, name: string) => ref('function', domain, name, name);
export const mappingRef = (domain: Domain, fnName: string, product: string, topic: string) =>
  ref('event-source-mapping', domain, `${fnName}/${product}`, `${topic} → ${fnName}`);

/**
 * A recommendations domain's functions get the outputs of its last `mesh personalize deploy` on this target (tracking
 * id, dataset and campaign ARNs): the handlers call PutEvents/PutItems/PutUsers with them. Re-run subscribe after a
 * deploy to update the functions. A local deploy never leaks into aws (outputs.json records its target).
 */
function personalizeEnvironmentFor(ctx: StreamsContext, domain: Domain): Record<string, string> {
  if (!domain.personalizeFile) return {};
  const outputs = readPersonalizeOutputs(ctx.env.workspace, domain.name);
  return outputs && outputs.target === ctx.env.target ? personalizeEnvironment(outputs) : {};
}

async function clientsFor(ctx: StreamsContext, domain: Domain): Promise<{ iam: IAMClient; lambda: LambdaClient }> {
  const [{ IAMClient }, { LambdaClient }] = await Promise.all([import('@aws-sdk/client-iam'), import('@aws-sdk/client-lambda')]);
  return { iam: await ctx.clients().get(IAMClient, domain.access), lambda: await ctx.clients().get(LambdaClient, domain.access) };
}

export interface AwsFunctionGroup {
  readonly domain: Domain;
  readonly fn: string;
  /** Every stream subscription of the domain that uses this function (the role covers them all). */
  readonly all: readonly ResolvedStreamSubscription[];
  /** The ones in the plan scope (they get their mappings planned). */
  readonly inScope: readonly ResolvedStreamSubscription[];
}

export async function planAwsFunctions(ctx: StreamsContext, groups: readonly AwsFunctionGroup[]): Promise<Change[]> {
  const mesh = ctx.workspace.mesh;
  const clusterArn = clusterArnOf(ctx);
  const arns = mskArns(clusterArn);
  const changes: Change[] = [];
  for (const g of groups) {
    const { domain, fn } = g;
    const first = g.all[0];
    if (!first) continue;
    const { iam, lambda } = await clientsFor(ctx, domain);
    const functionName = lambdaFunctionName(mesh, domain.name, fn);
    const roleName = executionRoleName(functionName);
    const tags = { ...managedTags(mesh, domain.name), 'mesh:function': fn };

    const policy = executionRolePolicy({
      clusterArn,
      topicArns: g.all.map((s) => arns.topic(s.port.topic)),
      groupArns: g.all.map((s) => arns.group(consumerGroupId(mesh, domain.name, s.product.name))),
      deadLetterTopicArns: g.all.map((s) => arns.topic(s.stream.deadLetterTopic)),
      functionName,
      region: domain.access.region,
      account: domain.access.account,
      permissions: g.all.flatMap((s) => s.stream.permissions),
      ...(eventSourceArnFor(domain, clusterArn) !== clusterArn ? { vpcConnectionArn: eventSourceArnFor(domain, clusterArn) } : {}),
    });
    const roleSpec = executionRoleSpec(roleName, domain.access.account, policy, tags);
    const rRef = roleRef(domain, roleName);
    ctx.owners.set(keyOf(rRef), domain.name);
    const observedRole = await observeExecutionRole(iam, roleSpec);
    changes.push(
      ...createPlan(
        [{ ref: rRef, spec: roleSpec }],
        observedRole ? [{ ref: rRef, spec: observedRole.spec, attributes: { roleArn: observedRole.roleArn } }] : [],
        {
          compare: (d, o) => compareExecutionRole(d.spec, o.spec),
        },
      ).changes,
    );

    const pkg = await packageHandler(first.stream.handlerDir, first.stream.handler, domain.file);
    const fRef = functionRef(domain, functionName);
    ctx.owners.set(keyOf(fRef), domain.name);
    ctx.packages.set(keyOf(fRef), pkg);
    const fnSpec: LambdaFunctionSpec = {
      functionName,
      account: domain.access.account,
      region: domain.access.region,
      runtime: LAMBDA_RUNTIME,
      handler: first.stream.handler,
      roleArn: roleArnOf(domain.access.account, roleName),
      codeSha256: pkg.codeSha256,
      timeout: DEFAULT_TIMEOUT_SECONDS,
      memorySize: DEFAULT_MEMORY_MB,
      environment: { ...personalizeEnvironmentFor(ctx, domain), ...Object.assign({}, ...g.all.map((s) => s.stream.environment)) },
      tags,
    };
    const observedFn = await observeLambdaFunction(lambda, fnSpec);
    changes.push(
      ...createPlan(
        [{ ref: fRef, spec: fnSpec, dependsOn: [keyOf(rRef)] }],
        observedFn ? [{ ref: fRef, spec: observedFn.spec, attributes: { functionArn: observedFn.functionArn } }] : [],
        { compare: (d, o) => compareLambdaFunction(d.spec, o.spec) },
      ).changes,
    );

    const desired: DesiredResource<MappingSpec>[] = [];
    const observed: ObservedResource<MappingSpec>[] = [];
    for (const s of g.inScope) {
      const spec: MappingSpec = {
        functionName,
        account: domain.access.account,
        region: domain.access.region,
        eventSourceArn: eventSourceArnFor(domain, clusterArn),
        topic: s.port.topic,
        consumerGroupId: consumerGroupId(mesh, domain.name, s.product.name),
        startingPosition: s.stream.startingPosition,
        batchSize: s.stream.batchSize,
        maximumBatchingWindowInSeconds: s.stream.batchingWindowSeconds,
        maximumRetryAttempts: s.stream.maximumRetryAttempts,
        onFailureDestination: kafkaDestination(s.stream.deadLetterTopic),
        functionResponseTypes: ['ReportBatchItemFailures'],
        provisionedPollers: { minimum: 1, maximum: 10 },
        tags: { ...managedTags(mesh, domain.name, s.product), 'mesh:function': fn },
      };
      const mRef = mappingRef(domain, functionName, s.product.name, s.port.topic);
      ctx.owners.set(keyOf(mRef), domain.name);
      desired.push({
        ref: mRef,
        spec,
        dependsOn: [
          keyOf(fRef),
          keyOf(rRef),
          `topic:${s.port.topic}`,
          `topic:${s.stream.deadLetterTopic}`,
          keyOf(clusterPolicyRef(clusterArn)),
        ],
      });
      const found = await observeMapping(lambda, spec);
      if (found) observed.push({ ref: mRef, spec: found.spec, attributes: { uuid: found.uuid, state: found.state } });
    }
    changes.push(...createPlan(desired, observed, { compare: (d, o) => compareMapping(d.spec, o.spec) }).changes);
  }
  return changes;
}

/** Removal on aws: the mapping, and the function and role when no other subscription of the domain uses them. */
export async function planAwsRemoval(
  ctx: StreamsContext,
  domain: Domain,
  fn: string,
  products: readonly string[],
  functionStillUsed: boolean,
): Promise<Change[]> {
  const mesh = ctx.workspace.mesh;
  const clusterArn = clusterArnOf(ctx);
  const { iam, lambda } = await clientsFor(ctx, domain);
  const functionName = lambdaFunctionName(mesh, domain.name, fn);
  const roleName = executionRoleName(functionName);
  const changes: Change[] = [];
  const mappingKeys: string[] = [];
  for (const key of [keyOf(functionRef(domain, functionName)), keyOf(roleRef(domain, roleName))]) ctx.owners.set(key, domain.name);
  for (const product of products) {
    const probe = {
      functionName,
      account: domain.access.account,
      region: domain.access.region,
      eventSourceArn: clusterArn,
      consumerGroupId: consumerGroupId(mesh, domain.name, product),
      topic: '',
    } as MappingSpec;
    const found = await observeMapping(lambda, probe);
    if (!found) continue;
    const mRef = mappingRef(domain, functionName, product, found.spec.topic);
    mappingKeys.push(keyOf(mRef));
    ctx.owners.set(keyOf(mRef), domain.name);
    changes.push({
      key: keyOf(mRef),
      action: 'delete',
      ref: mRef,
      reason: 'unsubscribed',
      before: found.spec,
      dependsOn: [],
      attributes: { uuid: found.uuid },
      requiresFlag: '--allow-delete',
    });
  }
  if (functionStillUsed) return changes;
  const fRef = functionRef(domain, functionName);
  const observedFn = await observeLambdaFunction(lambda, { functionName } as LambdaFunctionSpec);
  // Deletes wait on what still uses the resource: mapping → function → role.
  if (observedFn)
    changes.push({
      key: keyOf(fRef),
      action: 'delete',
      ref: fRef,
      reason: 'no subscription uses it any more',
      before: observedFn.spec,
      dependsOn: mappingKeys,
      requiresFlag: '--allow-delete',
    });
  const rRef = roleRef(domain, roleName);
  const observedRole = await observeExecutionRole(iam, { roleName, policyName: 'mesh-execution' } as ExecutionRoleSpec);
  if (observedRole)
    changes.push({
      key: keyOf(rRef),
      action: 'delete',
      ref: rRef,
      reason: 'no function uses it any more',
      before: observedRole.spec,
      dependsOn: observedFn ? [keyOf(fRef)] : mappingKeys,
      requiresFlag: '--allow-delete',
    });
  return changes;
}

export async function executeAwsFunctionChange(ctx: StreamsContext, change: Change): Promise<Record<string, unknown> | undefined> {
  const owner = ctx.owners.get(change.key);
  const domain = ctx.workspace.domains.find((d) => d.name === owner);
  if (!domain) throw new MeshError('InternalError', `No domain owns ${change.key}.`);
  const { iam, lambda } = await clientsFor(ctx, domain);
  const env = { lambda, output: ctx.env.output, signal: ctx.env.signal };
  switch (change.ref.type) {
    case 'execution-role': {
      if (change.action === 'delete') return void (await deleteExecutionRole(iam, change.before as ExecutionRoleSpec));
      return putExecutionRole(iam, change.after as ExecutionRoleSpec, change.action !== 'create');
    }
    case 'function': {
      if (change.action === 'delete') return void (await deleteLambdaFunction(lambda, (change.before as LambdaFunctionSpec).functionName));
      const spec = change.after as LambdaFunctionSpec;
      const pkg = ctx.packages.get(change.key) ?? (await rebuild(domain, ctx, spec));
      return putLambdaFunction({
        lambda,
        spec,
        zip: pkg.zip,
        before: change.before as LambdaFunctionSpec | undefined,
        output: ctx.env.output,
        signal: ctx.env.signal,
      });
    }
    case 'event-source-mapping': {
      const uuid = change.attributes?.uuid as string | undefined;
      if (change.action === 'delete') return void (uuid ? await deleteMapping(env, uuid) : undefined);
      const spec = change.after as MappingSpec;
      if (change.action === 'replace' && uuid) await deleteMapping(env, uuid);
      if (change.action === 'update' && uuid) return updateMapping(env, uuid, spec);
      return createMapping(env, spec);
    }
    default:
      throw new MeshError('InternalError', `The functions plane cannot apply ${change.ref.type}.`);
  }
}

async function rebuild(domain: Domain, ctx: StreamsContext, spec: LambdaFunctionSpec) {
  const sub = domain.subscriptions.find(
    (s) => s.stream && lambdaFunctionName(ctx.workspace.mesh, domain.name, s.stream.function) === spec.functionName,
  )?.stream;
  if (!sub) throw new MeshError('InternalError', `No handler for ${spec.functionName}.`);
  return packageHandler(sub.handlerDir, sub.handler, domain.file);
}
