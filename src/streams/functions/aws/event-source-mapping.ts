/**
 * The `event-source-mapping` resource on aws: the Lambda event source mapping from the MSK topic to the consumer's
 * function. Found by function + cluster, then by consumer group id (stable per consumer and product), then by
 * topic. The event source ARN, topic, consumer group and starting position are create-only: changing one is a
 * replace (delete + create; the new mapping's consumer group starts at the starting position again).
 */
import type { EventSourceMappingConfiguration, LambdaClient } from '@aws-sdk/client-lambda';
import { fromAwsError, isAwsError } from '../../../aws/errors.js';
import { emit, type IoHost } from '../../../core/messages.js';
import { type JobStatus, sleep, waitFor } from '../../../core/waiter.js';
import type { Comparison } from '../../../engine/plan.js';
import { sameSpec } from '../../../engine/planner.js';
import type { WaitTiming } from './lambda-function.js';

export interface MappingSpec {
  readonly functionName: string;
  readonly account: string;
  readonly region: string;
  readonly eventSourceArn: string;
  readonly topic: string;
  readonly consumerGroupId: string;
  readonly startingPosition: 'LATEST' | 'TRIM_HORIZON';
  readonly batchSize: number;
  readonly maximumBatchingWindowInSeconds: number;
  readonly maximumRetryAttempts: number;
  /** `kafka://<dead-letter topic>` */
  readonly onFailureDestination: string;
  readonly functionResponseTypes: readonly string[];
  /** Error-handling controls on Kafka mappings are configured in provisioned poller mode. */
  readonly provisionedPollers: { readonly minimum: number; readonly maximum: number };
  readonly tags: Readonly<Record<string, string>>;
  /**
   * false: the mapping is disabled (access to the product ended: it stops delivering, and keeps its consumer group's
   * offsets). Absent: enabled.
   */
  readonly enabled?: false;
}

export const CREATE_ONLY_FIELDS = ['eventSourceArn', 'topic', 'consumerGroupId', 'startingPosition'] as const;
const MUTABLE_FIELDS = [
  'batchSize',
  'maximumBatchingWindowInSeconds',
  'maximumRetryAttempts',
  'onFailureDestination',
  'functionResponseTypes',
  'provisionedPollers',
] as const;

export function compareMapping(desired: MappingSpec, observed: MappingSpec): Comparison {
  const createOnly = CREATE_ONLY_FIELDS.filter((f) => desired[f] !== observed[f]);
  if (createOnly.length > 0) {
    return {
      action: 'replace',
      reason: `${createOnly.map((f) => `${f} ${observed[f]} → ${desired[f]}`).join(', ')} (create-only: the mapping is deleted and created again)`,
    };
  }
  const changed = MUTABLE_FIELDS.filter((f) => !sameSpec(desired[f], observed[f])).map(
    (f) => `${f} ${JSON.stringify(observed[f])} → ${JSON.stringify(desired[f])}`,
  );
  const enabled = (s: MappingSpec) => s.enabled !== false;
  if (enabled(desired) !== enabled(observed)) changed.push(enabled(desired) ? 'disabled → enabled' : 'enabled → disabled');
  return changed.length === 0 ? { action: 'noop', reason: 'up to date' } : { action: 'update', reason: changed.join(', ') };
}

export function mappingSpecOf(c: EventSourceMappingConfiguration, desired: MappingSpec): MappingSpec {
  return {
    functionName: desired.functionName,
    account: desired.account,
    region: desired.region,
    eventSourceArn: c.EventSourceArn ?? '',
    topic: c.Topics?.[0] ?? '',
    consumerGroupId: c.AmazonManagedKafkaEventSourceConfig?.ConsumerGroupId ?? '',
    startingPosition: (c.StartingPosition ?? 'LATEST') as MappingSpec['startingPosition'],
    batchSize: c.BatchSize ?? 100,
    maximumBatchingWindowInSeconds: c.MaximumBatchingWindowInSeconds ?? 0,
    maximumRetryAttempts: c.MaximumRetryAttempts ?? -1,
    onFailureDestination: c.DestinationConfig?.OnFailure?.Destination ?? '',
    functionResponseTypes: [...(c.FunctionResponseTypes ?? [])],
    provisionedPollers: {
      minimum: c.ProvisionedPollerConfig?.MinimumPollers ?? 0,
      maximum: c.ProvisionedPollerConfig?.MaximumPollers ?? 0,
    },
    tags: desired.tags,
    ...(c.State === 'Disabled' || c.State === 'Disabling' ? { enabled: false as const } : {}),
  };
}

export async function observeMapping(
  lambda: LambdaClient,
  desired: MappingSpec,
): Promise<{ spec: MappingSpec; uuid: string; state: string } | undefined> {
  const { ListEventSourceMappingsCommand } = await import('@aws-sdk/client-lambda');
  const all: EventSourceMappingConfiguration[] = [];
  let marker: string | undefined;
  try {
    do {
      const page = await lambda.send(
        // By function only: a mapping on another cluster ARN (a create-only field) must be found to be replaced.
        new ListEventSourceMappingsCommand({ FunctionName: desired.functionName, Marker: marker }),
      );
      all.push(...(page.EventSourceMappings ?? []).filter((m) => m.EventSourceArn?.startsWith('arn:aws:kafka:')));
      marker = page.NextMarker;
    } while (marker);
  } catch (error) {
    if (isAwsError(error, 'ResourceNotFoundException')) return undefined;
    throw fromAwsError(error, `list the event source mappings of ${desired.functionName}`);
  }
  const found =
    all.find((m) => m.AmazonManagedKafkaEventSourceConfig?.ConsumerGroupId === desired.consumerGroupId) ??
    all.find((m) => m.Topics?.[0] === desired.topic);
  if (!found?.UUID) return undefined;
  return { spec: mappingSpecOf(found, desired), uuid: found.UUID, state: found.State ?? 'Unknown' };
}

function mutableParameters(spec: MappingSpec) {
  return {
    BatchSize: spec.batchSize,
    MaximumBatchingWindowInSeconds: spec.maximumBatchingWindowInSeconds,
    MaximumRetryAttempts: spec.maximumRetryAttempts,
    DestinationConfig: { OnFailure: { Destination: spec.onFailureDestination } },
    FunctionResponseTypes: [...spec.functionResponseTypes] as never[],
    ProvisionedPollerConfig: { MinimumPollers: spec.provisionedPollers.minimum, MaximumPollers: spec.provisionedPollers.maximum },
  };
}

/** The CreateEventSourceMapping request for a spec (exported for tests and `--json` plans). */
export function createMappingRequest(spec: MappingSpec) {
  return {
    FunctionName: spec.functionName,
    EventSourceArn: spec.eventSourceArn,
    Topics: [spec.topic],
    StartingPosition: spec.startingPosition,
    AmazonManagedKafkaEventSourceConfig: { ConsumerGroupId: spec.consumerGroupId },
    Enabled: true,
    Tags: { ...spec.tags },
    ...mutableParameters(spec),
  };
}

export interface MappingEnv {
  readonly lambda: LambdaClient;
  readonly host: IoHost;
  readonly signal?: AbortSignal;
  readonly timing?: WaitTiming;
}

async function waitForMapping(env: MappingEnv, uuid: string, label: string, goal: 'Enabled' | 'Disabled' | 'gone'): Promise<string> {
  const { GetEventSourceMappingCommand } = await import('@aws-sdk/client-lambda');
  const timing = env.timing ?? {};
  const status = await waitFor({
    label,
    host: env.host,
    signal: env.signal,
    initialDelayMs: timing.initialDelayMs ?? 2_000,
    maxDelayMs: timing.maxDelayMs ?? 15_000,
    timeoutMs: timing.timeoutMs ?? 15 * 60_000,
    resumeHint: 'Re-run the same command; the mapping keeps changing state in the background.',
    poll: async (): Promise<JobStatus> => {
      let c: EventSourceMappingConfiguration;
      try {
        c = await env.lambda.send(new GetEventSourceMappingCommand({ UUID: uuid }));
      } catch (error) {
        if (isAwsError(error, 'ResourceNotFoundException'))
          return { status: 'Deleted', done: goal === 'gone', failed: goal !== 'gone', reason: 'the mapping disappeared' };
        throw fromAwsError(error, `read event source mapping ${uuid}`);
      }
      const state = c.State ?? 'Unknown';
      const reason = [c.StateTransitionReason, c.LastProcessingResult].filter((r) => r && r !== 'No records processed').join('; ');
      // Enabled but unable to poll (e.g. "PROBLEM: Connection error. Your VPC must be able to connect to Lambda and STS…").
      if (state === 'Enabled' && c.LastProcessingResult?.startsWith('PROBLEM')) {
        emit(env.host, 'warn', 'streams.mapping.processing-result', { uuid, result: c.LastProcessingResult });
      }
      if (goal === 'Enabled' && state === 'Disabled') return { status: state, done: false, failed: true, reason: reason || 'disabled' };
      return {
        status: reason && state !== 'Enabled' ? `${state} (${reason})` : state,
        done: goal !== 'gone' && state === goal,
        failed: false,
      };
    },
  });
  return status.status;
}

export async function createMapping(env: MappingEnv, spec: MappingSpec): Promise<Record<string, unknown>> {
  const { CreateEventSourceMappingCommand } = await import('@aws-sdk/client-lambda');
  let uuid: string | undefined;
  // Lambda checks the execution role's permissions when the mapping is created; a role made moments ago may not
  // have propagated in IAM yet, which Lambda reports as InvalidParameterValueException. Retried a few times.
  for (let attempt = 1; ; attempt++) {
    try {
      uuid = (await env.lambda.send(new CreateEventSourceMappingCommand(createMappingRequest(spec)))).UUID;
      break;
    } catch (error) {
      const propagating =
        isAwsError(error, 'InvalidParameterValueException') && /role|permission|assume/i.test((error as Error).message ?? '');
      if (!propagating || attempt >= 5 || env.signal?.aborted) {
        throw fromAwsError(error, `create the event source mapping ${spec.topic} → ${spec.functionName}`);
      }
      emit(env.host, 'debug', 'streams.mapping.role-not-ready', { functionName: spec.functionName, attempt });
      await sleep(1000 * 2 ** attempt, env.signal);
    }
  }
  if (!uuid) throw fromAwsError(new Error('no UUID returned'), `create the event source mapping for ${spec.functionName}`);
  const state = await waitForMapping(env, uuid, `mapping ${spec.topic} → ${spec.functionName}`, 'Enabled');
  return { uuid, state };
}

export async function updateMapping(env: MappingEnv, uuid: string, spec: MappingSpec): Promise<Record<string, unknown>> {
  const { UpdateEventSourceMappingCommand } = await import('@aws-sdk/client-lambda');
  try {
    await env.lambda.send(
      new UpdateEventSourceMappingCommand({
        UUID: uuid,
        FunctionName: spec.functionName,
        Enabled: spec.enabled !== false,
        ...mutableParameters(spec),
      }),
    );
  } catch (error) {
    throw fromAwsError(error, `update the event source mapping ${uuid}`);
  }
  const goal = spec.enabled === false ? 'Disabled' : 'Enabled';
  const state = await waitForMapping(env, uuid, `mapping ${spec.topic} → ${spec.functionName}`, goal);
  return { uuid, state };
}

export async function deleteMapping(env: MappingEnv, uuid: string): Promise<void> {
  const { DeleteEventSourceMappingCommand } = await import('@aws-sdk/client-lambda');
  try {
    await env.lambda.send(new DeleteEventSourceMappingCommand({ UUID: uuid }));
  } catch (error) {
    if (isAwsError(error, 'ResourceNotFoundException')) return;
    throw fromAwsError(error, `delete the event source mapping ${uuid}`);
  }
  await waitForMapping(env, uuid, `deleting mapping ${uuid}`, 'gone');
}
