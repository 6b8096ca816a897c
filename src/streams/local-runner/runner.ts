/**
 * The local function runner `mesh dev` starts: every stream subscription of every consumer domain, run against the
 * local streams (the embedded log, or the Kafka broker the mesh names) the way Lambda runs it from MSK. One child
 * process per function (handler bundled with esbuild); one poller per subscription (subscription-poller.ts).
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { usageError } from '../../core/errors.js';
import { emit, type IoHost, silentHost } from '../../core/messages.js';
import type { Domain, Target, Workspace } from '../../workspace/model.js';
import { consumerGroupId } from '../../workspace/naming.js';
import { personalizeEnvironment, readPersonalizeOutputs } from '../../workspace/personalize-outputs.js';
import { lambdaFunctionName } from '../functions/function-naming.js';
import { type ResolvedStreamSubscription, streamSubscriptionsInScope } from '../functions/stream-subscriptions.js';
import { localEventSourceArn, openStreamConnection } from '../topics/stream-connection.js';
import { deadLetterTopicSpec, topicSpecOf } from '../topics/topic-spec.js';
import type { StreamTransport } from '../transport/index.js';
import { functionEnvironment } from './environment.js';
import { bundleFunctionHost, functionNodePath, type HostBundle } from './function-host.js';
import { FunctionProcess } from './function-process.js';
import { type RunnerEvent, SubscriptionPoller, type SubscriptionStats } from './subscription-poller.js';

export type { RunnerEvent, SubscriptionStats } from './subscription-poller.js';

export interface FunctionRunnerOptions {
  readonly workspace: Workspace;
  readonly target: Target;
  /** Where the runner's notices and the functions' output lines go. Default: nowhere. */
  readonly host?: IoHost;
  /** Aborting it stops the runner (as stop() does). */
  readonly signal: AbortSignal;
  /** Only these functions: `<function>` or `<domain>/<function>`. */
  readonly only?: readonly string[];
  /** Use this transport (not closed by the runner); default: the mesh's local streams, closed on stop. */
  readonly transport?: StreamTransport;
  /**
   * mesh's local variables for every function (the endpoints of the AWS-compatible services `mesh dev` serves). Over
   * the function's declared environment, under the variables Lambda sets (environment.ts).
   */
  readonly environment?: Readonly<Record<string, string>>;
  /** Lambda's function timeout; default 60 s. */
  readonly invocationTimeoutMs?: number;
  /** Backoff between retries of a failed batch: initial, doubling up to max. Default 500 ms → 30 s. */
  readonly retryBackoff?: { readonly initialMs: number; readonly maxMs: number };
  /** How long one fetch waits before checking for stop. Default 500 ms. */
  readonly pollWaitMs?: number;
  readonly onEvent?: (event: RunnerEvent) => void;
}

export interface FunctionRunnerStats {
  readonly subscriptions: readonly SubscriptionStats[];
}

export interface FunctionRunner {
  /** `<domain>/<function> ← <topic>` for each subscription running. */
  readonly running: readonly string[];
  /**
   * Resolves once every function's process has started (or failed to load) and every poller's first fetch has
   * returned (it holds its position in the group): a record produced after this is delivered without a cold start.
   * Also resolves on stop.
   */
  readonly ready: Promise<void>;
  /** Finishes the batches in flight, stops the processes, removes the bundles; resolves when all is stopped. */
  stop(): Promise<void>;
  stats(): FunctionRunnerStats;
}

/**
 * The Personalize outputs of the function's own domain, deployed on the local target: as on aws, a function is handed
 * its own domain's tracker and campaign, never another domain's (whose events it would then write).
 */
function ownPersonalizeEnvironment(workspace: Workspace, domain: Domain): Record<string, string> {
  if (!domain.personalizeFile) return {};
  const outputs = readPersonalizeOutputs(workspace, domain.name);
  return outputs && outputs.target === 'local' ? personalizeEnvironment(outputs) : {};
}

function selected(s: ResolvedStreamSubscription, only: readonly string[] | undefined): boolean {
  if (!only || only.length === 0) return true;
  return only.includes(s.stream.function) || only.includes(`${s.domain.name}/${s.stream.function}`);
}

export async function startFunctionRunner(options: FunctionRunnerOptions): Promise<FunctionRunner> {
  const { workspace } = options;
  const host = options.host ?? silentHost;
  if (options.target !== 'local') {
    throw usageError('The function runner runs on the local target; on aws the functions run in Lambda.', 'Run `mesh dev --target local`.');
  }
  const all = streamSubscriptionsInScope(workspace, { include: { publish: false, subscriptions: true } });
  const subscriptions = all.filter((s) => selected(s, options.only));
  if (options.only && options.only.length > 0 && subscriptions.length === 0) {
    throw usageError(
      `No stream subscription runs ${options.only.join(', ')}.`,
      `Known functions: ${[...new Set(all.map((s) => `${s.domain.name}/${s.stream.function}`))].join(', ') || '(none)'}.`,
    );
  }
  const opened = options.transport
    ? undefined
    : await openStreamConnection({ workspace, target: 'local', clientId: `mesh-${workspace.mesh.name}-dev` });
  const transport = options.transport ?? (opened as NonNullable<typeof opened>).transport;
  const streaming = workspace.mesh.streaming;
  const eventSource = {
    eventSourceArn: opened?.eventSourceArn ?? localEventSourceArn(workspace),
    bootstrapServers: opened?.bootstrapServers ?? (streaming.kind === 'kafka' ? streaming.brokers.join(',') : 'embedded'),
  };

  const controller = new AbortController();
  const bundles: HostBundle[] = [];
  const processes = new Map<string, FunctionProcess>();
  const pollers: SubscriptionPoller[] = [];
  const runs: Promise<void>[] = [];
  try {
    for (const s of subscriptions) {
      const key = `${s.domain.name}/${s.stream.function}`;
      let proc = processes.get(key);
      if (!proc) {
        const bundle = await bundleFunctionHost(s.stream.handlerDir, s.stream.handler, key);
        bundles.push(bundle);
        const name = lambdaFunctionName(workspace.mesh, s.domain.name, s.stream.function);
        const region = s.domain.access.region;
        const declared = Object.assign(
          {},
          ...subscriptions.filter((o) => `${o.domain.name}/${o.stream.function}` === key).map((o) => o.stream.environment),
        );
        const home = path.join(bundle.dir, 'home');
        const tmp = path.join(bundle.dir, 'tmp');
        mkdirSync(home, { mode: 0o700 });
        mkdirSync(tmp, { mode: 0o700 });
        // Lambda-like: nothing of the shell's environment but PATH (environment.ts says why).
        const env = functionEnvironment({
          functionName: name,
          region,
          handler: s.stream.handler,
          handlerDir: s.stream.handlerDir,
          nodePath: functionNodePath(s.stream.handlerDir),
          home,
          tmp,
          personalize: ownPersonalizeEnvironment(workspace, s.domain),
          declared,
          local: options.environment ?? {},
          shell: process.env,
        });
        proc = new FunctionProcess({
          file: bundle.file,
          label: key,
          host,
          functionArn: `arn:aws:lambda:${region}:${s.domain.access.account}:function:${name}`,
          env,
        });
        processes.set(key, proc);
      }
      const source = await transport.describeTopic(s.port.topic).catch(() => undefined);
      const dlq = deadLetterTopicSpec(s.stream.deadLetterTopic, topicSpecOf(s.port));
      if (source) {
        // Normally made by `mesh subscribe`; made here too so a dead letter is never refused.
        await transport
          .ensureTopic({ ...dlq, replicationFactor: source.replicationFactor, configs: { ...dlq.configs } })
          .catch((error: unknown) => {
            emit(host, 'warn', 'streams.runner.dead-letter-topic-failed', {
              subscription: key,
              topic: dlq.name,
              error: (error as Error).message,
            });
          });
      } else emit(host, 'warn', 'streams.runner.topic-missing', { subscription: key, topic: s.port.topic, product: s.product.name });
      const poller = new SubscriptionPoller({
        transport,
        process: proc,
        source: eventSource,
        host,
        invocationTimeoutMs: options.invocationTimeoutMs ?? 60_000,
        retryBackoff: options.retryBackoff ?? { initialMs: 500, maxMs: 30_000 },
        pollWaitMs: options.pollWaitMs ?? 500,
        onEvent: options.onEvent,
        subscription: {
          domain: s.domain.name,
          function: s.stream.function,
          product: s.product.name,
          topic: s.port.topic,
          group: consumerGroupId(workspace.mesh, s.domain.name, s.product.name),
          startingPosition: s.stream.startingPosition,
          batchSize: s.stream.batchSize,
          batchingWindowMs: Math.round(s.stream.batchingWindowSeconds * 1000),
          maximumRetryAttempts: s.stream.maximumRetryAttempts,
          deadLetterTopic: s.stream.deadLetterTopic,
        },
      });
      pollers.push(poller);
    }
  } catch (error) {
    for (const b of bundles) b.dispose();
    if (opened) await transport.close();
    throw error;
  }
  for (const poller of pollers) runs.push(poller.run(controller.signal));
  // Warm start: the processes start now, beside the pollers' first fetch, not on the first batch.
  const ready = Promise.all([...pollers.map((p) => p.ready), ...[...processes.values()].map((p) => p.warm())]).then(() => undefined);

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      controller.abort();
      await Promise.allSettled(runs);
      await Promise.allSettled([...processes.values()].map((p) => p.stop()));
      for (const b of bundles) b.dispose();
      if (opened) await transport.close();
    })();
    return stopping;
  };
  if (options.signal.aborted) await stop();
  else options.signal.addEventListener('abort', () => void stop(), { once: true });

  return {
    running: pollers.map((p) => `${p.stats.domain}/${p.stats.function} ← ${p.stats.topic}`),
    ready,
    stop,
    stats: () => ({ subscriptions: pollers.map((p) => ({ ...p.stats })) }),
  };
}
