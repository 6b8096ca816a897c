/**
 * Stream subscriptions on aws, in the consumer's account (domain.access): an execution role, the Lambda function
 * built from the handler folder, and one event source mapping per subscribed product (MSK only).
 */
import type { IAMClient } from '@aws-sdk/client-iam';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { AwsClients } from '../../../aws/clients.js';
import { MeshError } from '../../../core/errors.js';
import { type Change, type DesiredResource, keyOf, type ObservedResource, resourceRef, specOf } from '../../../engine/plan.js';
import type { PlaneEnv } from '../../../engine/plane.js';
import { createPlan } from '../../../engine/planner.js';
import type { Domain } from '../../../workspace/model.js';
import { consumerGroupId, managedTags } from '../../../workspace/naming.js';
import { personalizeEnvironment, readPersonalizeOutputs } from '../../../workspace/personalize-outputs.js';
import type { LocalFunctionSpec } from '../../port.js';
import { isLocalFunction } from '../../resources.js';
import { clusterAccess } from '../../topics/aws/msk-cluster.js';
import { executionRoleName, kafkaDestination, lambdaFunctionName, mskArns, roleArnOf } from '../function-naming.js';
import { type LambdaPackage, packageHandler } from '../handler-bundle.js';
import { type FunctionGroup, type ResolvedStreamSubscription, streamSubscriptionsInScope } from '../stream-subscriptions.js';
import { clusterPolicyRef, desiredClusterPolicy, eventSourceArnFor, planClusterPolicy, putClusterPolicy } from './cluster-policy.js';
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

/** What the aws subscription code needs from the adapter (AwsStreamsPort). */
export interface AwsFunctionsContext {
  readonly env: PlaneEnv;
  readonly workspace: PlaneEnv['workspace'];
  /** The run's AwsClients (PlaneEnv.clients). */
  clients(): AwsClients;
  /** Lambda packages built while planning, by CodeSha256: a cache (the plan carries the hash; apply rebuilds on a miss). */
  readonly packages: Map<string, LambdaPackage>;
}

export function clusterArnOf(ctx: AwsFunctionsContext): string {
  const streaming = ctx.workspace.mesh.streaming;
  if (streaming.kind !== 'msk') {
    throw new MeshError('StreamSubscriptionNeedsMsk', 'Stream subscriptions on the aws target need an MSK cluster (streaming.kind msk).', {
      hint: 'Set streaming.kind to msk with the cluster ARN in mesh.yaml, or run the subscription locally with `mesh dev`.',
      location: { file: ctx.workspace.meshFile, path: 'streaming' },
    });
  }
  return streaming.clusterArn;
}

/** A functions-plane ref in a consumer's account; `domain` says whose access applies it (the plan carries it). */
const ref = <T extends 'execution-role' | 'function' | 'event-source-mapping'>(type: T, domain: Domain, id: string, label: string) =>
  resourceRef(type, {
    plane: 'functions',
    id: `${domain.access.account}/${id}`,
    label,
    account: domain.access.account,
    region: domain.access.region,
    domain: domain.name,
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
function personalizeEnvironmentFor(ctx: AwsFunctionsContext, domain: Domain): Record<string, string> {
  if (!domain.personalizeFile) return {};
  const outputs = readPersonalizeOutputs(ctx.env.workspace, domain.name);
  return outputs && outputs.target === ctx.env.target ? personalizeEnvironment(outputs) : {};
}

export async function clientsFor(ctx: AwsFunctionsContext, domain: Domain): Promise<{ iam: IAMClient; lambda: LambdaClient }> {
  const [{ IAMClient }, { LambdaClient }] = await Promise.all([import('@aws-sdk/client-iam'), import('@aws-sdk/client-lambda')]);
  return { iam: await ctx.clients().get(IAMClient, domain.access), lambda: await ctx.clients().get(LambdaClient, domain.access) };
}

/** The event source mapping a stream subscription asks for. */
export function mappingSpecFor(ctx: AwsFunctionsContext, s: ResolvedStreamSubscription, clusterArn: string): MappingSpec {
  const mesh = ctx.workspace.mesh;
  const { domain } = s;
  return {
    functionName: lambdaFunctionName(mesh, domain.name, s.stream.function),
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
    tags: { ...managedTags(mesh, domain.name, s.product), 'mesh:function': s.stream.function },
  };
}

/**
 * The execution role of a function: reads, groups and dead letters of the subscriptions it `reads`, the declared
 * permissions of all its subscriptions (`declared`). A function access withholds entirely reads nothing.
 */
export function executionRoleFor(
  ctx: AwsFunctionsContext,
  domain: Domain,
  fn: string,
  reads: readonly ResolvedStreamSubscription[],
  declared: readonly ResolvedStreamSubscription[],
  clusterArn: string,
): ExecutionRoleSpec {
  const mesh = ctx.workspace.mesh;
  const arns = mskArns(clusterArn);
  const functionName = lambdaFunctionName(mesh, domain.name, fn);
  const eventSourceArn = eventSourceArnFor(domain, clusterArn);
  const policy = executionRolePolicy({
    clusterArn,
    topicArns: reads.map((s) => arns.topic(s.port.topic)),
    groupArns: reads.map((s) => arns.group(consumerGroupId(mesh, domain.name, s.product.name))),
    deadLetterTopicArns: reads.map((s) => arns.topic(s.stream.deadLetterTopic)),
    functionName,
    region: domain.access.region,
    account: domain.access.account,
    permissions: declared.flatMap((s) => s.stream.permissions),
    ...(eventSourceArn !== clusterArn ? { vpcConnectionArn: eventSourceArn } : {}),
  });
  const tags = { ...managedTags(mesh, domain.name), 'mesh:function': fn };
  return executionRoleSpec(executionRoleName(functionName), domain.access.account, policy, tags);
}

export async function planAwsFunctions(ctx: AwsFunctionsContext, groups: readonly FunctionGroup[]): Promise<AwsFunctionChange[]> {
  const mesh = ctx.workspace.mesh;
  const clusterArn = clusterArnOf(ctx);
  const changes: AwsFunctionChange[] = [];
  for (const g of groups) {
    const { domain, fn } = g;
    const first = g.all[0];
    if (!first) continue;
    const { iam, lambda } = await clientsFor(ctx, domain);
    const functionName = lambdaFunctionName(mesh, domain.name, fn);
    const roleName = executionRoleName(functionName);
    const tags = { ...managedTags(mesh, domain.name), 'mesh:function': fn };
    const roleSpec = executionRoleFor(ctx, domain, fn, g.all, g.all, clusterArn);
    const rRef = roleRef(domain, roleName);
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
    ctx.packages.set(pkg.codeSha256, pkg);
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
        { compare: (d, o) => compareLambdaFunction(lambdaSpec(d.spec, d.ref.id), lambdaSpec(o.spec, o.ref.id)) },
      ).changes,
    );

    const desired: DesiredResource<'event-source-mapping'>[] = [];
    const observed: ObservedResource<'event-source-mapping'>[] = [];
    for (const s of g.inScope) {
      const spec = mappingSpecFor(ctx, s, clusterArn);
      const mRef = mappingRef(domain, functionName, s.product.name, s.port.topic);
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
  ctx: AwsFunctionsContext,
  domain: Domain,
  fn: string,
  products: readonly string[],
  functionStillUsed: boolean,
): Promise<AwsFunctionChange[]> {
  const mesh = ctx.workspace.mesh;
  const clusterArn = clusterArnOf(ctx);
  const { iam, lambda } = await clientsFor(ctx, domain);
  const functionName = lambdaFunctionName(mesh, domain.name, fn);
  const roleName = executionRoleName(functionName);
  const changes: AwsFunctionChange[] = [];
  const mappingKeys: string[] = [];
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
    changes.push({
      type: 'event-source-mapping',
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
      type: 'function',
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
      type: 'execution-role',
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

/** The changes this file plans and applies. */
export type AwsFunctionChange = Change<'execution-role' | 'function' | 'event-source-mapping'>;

/** A Lambda function spec (aws), or a planner bug. */
function lambdaSpec(spec: LambdaFunctionSpec | LocalFunctionSpec, key: string): LambdaFunctionSpec {
  if (isLocalFunction(spec)) throw new MeshError('InternalError', `${key} is a local function record on the aws target.`);
  return spec;
}

/**
 * Applies one change from what it carries: the owner domain (`ref.domain`, whose access reaches the account), the
 * specs with their resolved ARNs, the bundle's CodeSha256, the observed ids in `attributes`. Nothing planned is kept
 * in memory but the built bundles, cached by hash; a plan read back from a file rebuilds and checks the hash.
 */
export async function executeAwsFunctionChange(
  ctx: AwsFunctionsContext,
  change: AwsFunctionChange,
): Promise<Record<string, unknown> | undefined> {
  const domain = ctx.workspace.domains.find((d) => d.name === change.ref.domain);
  if (!domain) {
    throw new MeshError(
      'StalePlan',
      `${change.key} belongs to domain ${change.ref.domain ?? '(none)'}, which this workspace does not have.`,
      {
        hint: 'Re-run `mesh plan --out <file>` and apply the new plan.',
      },
    );
  }
  const { iam, lambda } = await clientsFor(ctx, domain);
  const env = { lambda, host: ctx.env.host, signal: ctx.env.signal };
  switch (change.type) {
    case 'execution-role': {
      if (change.action === 'delete') return void (await deleteExecutionRole(iam, specOf(change)));
      return putExecutionRole(iam, specOf(change), change.action !== 'create');
    }
    case 'function': {
      if (change.action === 'delete') return void (await deleteLambdaFunction(lambda, lambdaSpec(specOf(change), change.key).functionName));
      const spec = lambdaSpec(specOf(change), change.key);
      const pkg = ctx.packages.get(spec.codeSha256) ?? (await rebuild(domain, ctx, spec));
      return putLambdaFunction({
        lambda,
        spec,
        zip: pkg.zip,
        before: change.before && lambdaSpec(change.before, change.key),
        host: ctx.env.host,
        signal: ctx.env.signal,
      });
    }
    case 'event-source-mapping': {
      const uuid = change.attributes?.uuid as string | undefined;
      if (change.action === 'delete') return void (uuid ? await deleteMapping(env, uuid) : undefined);
      const spec = specOf(change);
      if (change.action === 'replace' && uuid) await deleteMapping(env, uuid);
      if (change.action === 'update' && uuid) return updateMapping(env, uuid, spec);
      return createMapping(env, spec);
    }
  }
}

/** Builds the handler the plan names again; its CodeSha256 must be the planned one (else the files changed since). */
async function rebuild(domain: Domain, ctx: AwsFunctionsContext, spec: LambdaFunctionSpec) {
  const sub = domain.subscriptions.find(
    (s) => s.stream && lambdaFunctionName(ctx.workspace.mesh, domain.name, s.stream.function) === spec.functionName,
  )?.stream;
  if (!sub) throw new MeshError('InternalError', `No handler for ${spec.functionName}.`);
  const pkg = await packageHandler(sub.handlerDir, sub.handler, domain.file);
  if (pkg.codeSha256 !== spec.codeSha256) {
    throw new MeshError('StalePlan', `The handler of ${spec.functionName} changed since the plan was made (its bundle hash differs).`, {
      hint: 'Re-run `mesh plan --out <file>` and apply the new plan.',
    });
  }
  ctx.packages.set(pkg.codeSha256, pkg);
  return pkg;
}

/**
 * The cluster policy statements for every stream subscription the workspace declares whose functions live in another
 * account than the cluster (all of them, not only this run's: the policy is one document), less the ones this plan
 * removes: an unsubscribe narrows the policy (or deletes it, when nothing else is left in it) in the same run.
 */
export async function planCrossAccountAccess(
  ctx: AwsFunctionsContext,
  removed: readonly { readonly domain: string; readonly product: string }[] = [],
): Promise<Change<'msk-cluster-policy'>[]> {
  const clusterArn = clusterArnOf(ctx);
  const gone = new Set(removed.map((r) => `${r.domain}/${r.product}`));
  const all = streamSubscriptionsInScope(ctx.workspace, { include: { publish: false, subscriptions: true } }).filter(
    (s) => !gone.has(`${s.domain.name}/${s.product.name}`),
  );
  const desired = desiredClusterPolicy(ctx.workspace, clusterArn, all);
  const { KafkaClient } = await import('@aws-sdk/client-kafka');
  const kafka = await ctx.clients().get(KafkaClient, clusterAccess(ctx.workspace));
  return planClusterPolicy(kafka, desired);
}

export async function executeClusterPolicyChange(
  ctx: AwsFunctionsContext,
  change: Change<'msk-cluster-policy'>,
): Promise<Record<string, unknown> | undefined> {
  const { KafkaClient } = await import('@aws-sdk/client-kafka');
  const kafka = await ctx.clients().get(KafkaClient, clusterAccess(ctx.workspace));
  return putClusterPolicy(kafka, specOf(change));
}
