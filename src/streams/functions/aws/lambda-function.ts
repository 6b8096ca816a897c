/**
 * The `function` resource on aws: a Lambda function (nodejs22.x, zip package) in the consumer's account, made from
 * the handler folder. The package's CodeSha256 is part of the spec, so unchanged code plans a no-op.
 */
import type { GetFunctionCommandOutput, LambdaClient } from '@aws-sdk/client-lambda';
import { fromAwsError, isAwsError } from '../../../aws/errors.js';
import { MeshError } from '../../../core/errors.js';
import type { IoHost } from '../../../core/messages.js';
import { type JobStatus, sleep, waitFor } from '../../../core/waiter.js';
import type { Comparison } from '../../../engine/plan.js';
import { sameSpec } from '../../../engine/planner.js';

// nodejs20.x reached end of support in April 2026; bundles target node20 syntax, which nodejs22.x runs.
export const LAMBDA_RUNTIME = 'nodejs22.x';
export const DEFAULT_TIMEOUT_SECONDS = 60;
export const DEFAULT_MEMORY_MB = 256;

export interface LambdaFunctionSpec {
  readonly functionName: string;
  readonly account: string;
  readonly region: string;
  readonly runtime: string;
  readonly handler: string;
  readonly roleArn: string;
  readonly codeSha256: string;
  readonly timeout: number;
  readonly memorySize: number;
  readonly environment: Readonly<Record<string, string>>;
  readonly tags: Readonly<Record<string, string>>;
}

export interface WaitTiming {
  readonly initialDelayMs?: number;
  readonly maxDelayMs?: number;
  readonly timeoutMs?: number;
}

const CONFIG_FIELDS = ['runtime', 'handler', 'roleArn', 'timeout', 'memorySize', 'environment'] as const;

export function compareLambdaFunction(desired: LambdaFunctionSpec, observed: LambdaFunctionSpec): Comparison {
  const reasons: string[] = [];
  if (desired.codeSha256 !== observed.codeSha256) reasons.push('code changed');
  for (const field of CONFIG_FIELDS) if (!sameSpec(desired[field], observed[field])) reasons.push(`${field} changed`);
  const tags = Object.fromEntries(Object.keys(desired.tags).map((k) => [k, observed.tags[k]]));
  if (!sameSpec(desired.tags, tags)) reasons.push('tags changed');
  return reasons.length === 0 ? { action: 'noop', reason: 'up to date' } : { action: 'update', reason: reasons.join(', ') };
}

export async function observeLambdaFunction(
  lambda: LambdaClient,
  desired: LambdaFunctionSpec,
): Promise<{ spec: LambdaFunctionSpec; functionArn: string } | undefined> {
  const { GetFunctionCommand } = await import('@aws-sdk/client-lambda');
  let out: GetFunctionCommandOutput;
  try {
    out = await lambda.send(new GetFunctionCommand({ FunctionName: desired.functionName }));
  } catch (error) {
    if (isAwsError(error, 'ResourceNotFoundException')) return undefined;
    throw fromAwsError(error, `read function ${desired.functionName}`);
  }
  const c = out.Configuration ?? {};
  return {
    functionArn: c.FunctionArn ?? '',
    spec: {
      functionName: desired.functionName,
      account: desired.account,
      region: desired.region,
      runtime: c.Runtime ?? '',
      handler: c.Handler ?? '',
      roleArn: c.Role ?? '',
      codeSha256: c.CodeSha256 ?? '',
      timeout: c.Timeout ?? 0,
      memorySize: c.MemorySize ?? 0,
      environment: c.Environment?.Variables ?? {},
      tags: out.Tags ?? {},
    },
  };
}

/** Waits until the function is Active and its last update Successful (Lambda refuses changes while one is in progress). */
async function waitReady(
  lambda: LambdaClient,
  name: string,
  host: IoHost,
  signal: AbortSignal | undefined,
  timing: WaitTiming,
): Promise<void> {
  const { GetFunctionConfigurationCommand } = await import('@aws-sdk/client-lambda');
  await waitFor({
    label: `function ${name}`,
    host,
    signal,
    initialDelayMs: timing.initialDelayMs ?? 1_000,
    maxDelayMs: timing.maxDelayMs ?? 10_000,
    timeoutMs: timing.timeoutMs ?? 10 * 60_000,
    poll: async (): Promise<JobStatus> => {
      const c = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name }));
      const state = c.State ?? 'Active';
      const update = c.LastUpdateStatus ?? 'Successful';
      if (state === 'Failed' || update === 'Failed') {
        return { status: `${state}/${update}`, done: false, failed: true, reason: c.StateReason ?? c.LastUpdateStatusReason };
      }
      return {
        status: state === 'Active' ? `Active, update ${update}` : state,
        done: state === 'Active' && update === 'Successful',
        failed: false,
      };
    },
  });
}

export interface PutFunctionOptions {
  readonly lambda: LambdaClient;
  readonly spec: LambdaFunctionSpec;
  readonly zip: Uint8Array;
  /** The observed spec when the function exists. */
  readonly before?: LambdaFunctionSpec;
  readonly host: IoHost;
  readonly signal?: AbortSignal;
  readonly timing?: WaitTiming;
}

/** Creates the function, or updates its code and configuration; waits until it is ready. */
export async function putLambdaFunction(options: PutFunctionOptions): Promise<Record<string, unknown>> {
  const { lambda, spec, zip, before, host, signal } = options;
  const timing = options.timing ?? {};
  const sdk = await import('@aws-sdk/client-lambda');
  const configuration = {
    FunctionName: spec.functionName,
    Runtime: spec.runtime as never,
    Handler: spec.handler,
    Role: spec.roleArn,
    Timeout: spec.timeout,
    MemorySize: spec.memorySize,
    Environment: { Variables: { ...spec.environment } },
  };
  let functionArn: string | undefined;
  if (!before) {
    // A new role takes a few seconds to be assumable by Lambda (IAM is eventually consistent): retry that error.
    for (let attempt = 1; ; attempt++) {
      try {
        const created = await lambda.send(
          new sdk.CreateFunctionCommand({ ...configuration, Code: { ZipFile: zip }, PackageType: 'Zip', Tags: { ...spec.tags } }),
        );
        functionArn = created.FunctionArn;
        break;
      } catch (error) {
        const message = (error as Error).message ?? '';
        if (isAwsError(error, 'ResourceConflictException')) {
          return putLambdaFunction({ ...options, before: (await observeLambdaFunction(lambda, spec))?.spec });
        }
        if (isAwsError(error, 'InvalidParameterValueException') && /cannot be assumed/i.test(message) && attempt < 8 && !signal?.aborted) {
          await sleep(Math.min(10_000, 1_000 * attempt), signal);
          continue;
        }
        throw fromAwsError(error, `create function ${spec.functionName}`);
      }
    }
  } else {
    try {
      if (before.codeSha256 !== spec.codeSha256) {
        await waitReady(lambda, spec.functionName, host, signal, timing);
        const updated = await lambda.send(new sdk.UpdateFunctionCodeCommand({ FunctionName: spec.functionName, ZipFile: zip }));
        functionArn = updated.FunctionArn;
        if (updated.CodeSha256 && updated.CodeSha256 !== spec.codeSha256) {
          throw new MeshError(
            'CodeShaMismatch',
            `Lambda stored code ${updated.CodeSha256} for ${spec.functionName}, mesh built ${spec.codeSha256}.`,
          );
        }
      }
      if (CONFIG_FIELDS.some((f) => !sameSpec(before[f], spec[f]))) {
        await waitReady(lambda, spec.functionName, host, signal, timing);
        const updated = await lambda.send(new sdk.UpdateFunctionConfigurationCommand(configuration));
        functionArn = updated.FunctionArn ?? functionArn;
      }
      functionArn ??= `arn:aws:lambda:${spec.region}:${spec.account}:function:${spec.functionName}`;
      await lambda.send(new sdk.TagResourceCommand({ Resource: functionArn, Tags: { ...spec.tags } }));
    } catch (error) {
      throw fromAwsError(error, `update function ${spec.functionName}`);
    }
  }
  await waitReady(lambda, spec.functionName, host, signal, timing);
  return { functionArn, codeSha256: spec.codeSha256 };
}

export async function deleteLambdaFunction(lambda: LambdaClient, functionName: string): Promise<void> {
  const { DeleteFunctionCommand } = await import('@aws-sdk/client-lambda');
  try {
    await lambda.send(new DeleteFunctionCommand({ FunctionName: functionName }));
  } catch (error) {
    if (!isAwsError(error, 'ResourceNotFoundException')) throw fromAwsError(error, `delete function ${functionName}`);
  }
}
