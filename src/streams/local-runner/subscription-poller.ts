/**
 * The local event source mapping for one stream subscription: fetch from the consumer group (batch size and
 * batching window as on Lambda), invoke the function with the MSK event, and commit only what the handler finished.
 *
 *   success                 → commit every partition of the batch
 *   batchItemFailures       → commit each reported partition up to the lowest reported offset (the rest is redelivered)
 *   error / timeout / crash → commit nothing: the same records come again, after a backoff
 *   still failing after maximumRetryAttempts retries (-1: never give up) → the failed records (all of the batch, or
 *   the ones reported) go to the dead-letter topic with headers naming the error and the source, then the batch is
 *   committed. If the dead-letter write fails, nothing is committed.
 * Offsets live in the transport (the embedded log or Kafka), so a restart resumes from the last commit:
 * at-least-once, nothing lost, order kept within a partition.
 */
import { emit, type IoHost } from '../../core/messages.js';
import { sleep } from '../../core/waiter.js';
import type { ConsumedRecord, PartitionBatch, ProduceRecord, StreamTransport } from '../transport/index.js';
import type { FunctionProcess } from './function-process.js';
import { type BatchOutcome, capBatches, partitionKey, readBatchResponse, toMskEvent } from './msk-event.js';

export interface PollerSubscription {
  readonly domain: string;
  readonly function: string;
  readonly product: string;
  readonly topic: string;
  readonly group: string;
  readonly startingPosition: 'LATEST' | 'TRIM_HORIZON';
  readonly batchSize: number;
  readonly batchingWindowMs: number;
  readonly maximumRetryAttempts: number;
  readonly deadLetterTopic: string;
}

export interface SubscriptionStats {
  readonly domain: string;
  readonly function: string;
  readonly product: string;
  readonly topic: string;
  readonly group: string;
  invocations: number;
  succeeded: number;
  failed: number;
  retries: number;
  /** Records handed to the handler, counting redeliveries. */
  delivered: number;
  /** Records committed (done, or dead-lettered). */
  committed: number;
  deadLettered: number;
  lastError?: string;
}

export type RunnerEvent =
  /** The poller's first fetch returned: it holds its position in the group, so a record produced now reaches it. */
  | { readonly type: 'ready'; readonly stats: SubscriptionStats }
  | {
      readonly type: 'invoked';
      readonly stats: SubscriptionStats;
      readonly records: number;
      readonly outcome: BatchOutcome['kind'] | 'error';
    }
  | { readonly type: 'dead-lettered'; readonly stats: SubscriptionStats; readonly records: number; readonly error: string }
  | { readonly type: 'committed'; readonly stats: SubscriptionStats; readonly partition: number; readonly offset: number };

export interface PollerOptions {
  readonly transport: StreamTransport;
  readonly subscription: PollerSubscription;
  readonly process: FunctionProcess;
  readonly source: { readonly eventSourceArn: string; readonly bootstrapServers: string };
  readonly host: IoHost;
  readonly invocationTimeoutMs: number;
  readonly retryBackoff: { readonly initialMs: number; readonly maxMs: number };
  /** How long one fetch waits for records before the loop checks for stop. */
  readonly pollWaitMs: number;
  readonly onEvent?: (event: RunnerEvent) => void;
}

type Failure = { readonly errorType: string; readonly errorMessage: string };

export class SubscriptionPoller {
  readonly stats: SubscriptionStats;
  /** Resolves once the first fetch has returned (see the 'ready' event), or when the poller stops before that. */
  readonly ready: Promise<void>;
  private settleReady: (reached: boolean) => void = () => undefined;
  private attempts = 0;

  constructor(private readonly options: PollerOptions) {
    const s = options.subscription;
    this.stats = {
      domain: s.domain,
      function: s.function,
      product: s.product,
      topic: s.topic,
      group: s.group,
      invocations: 0,
      succeeded: 0,
      failed: 0,
      retries: 0,
      delivered: 0,
      committed: 0,
      deadLettered: 0,
    };
    this.ready = new Promise<void>((resolve) => {
      this.settleReady = (reached) => {
        this.settleReady = () => undefined;
        if (reached) this.options.onEvent?.({ type: 'ready', stats: this.stats });
        resolve();
      };
    });
  }

  private get label(): string {
    return `${this.stats.domain}/${this.stats.function} ← ${this.stats.topic}`;
  }

  /** Runs until `stop` is aborted; the batch in flight is finished first (and committed if it succeeded). */
  async run(stop: AbortSignal): Promise<void> {
    if (stop.aborted) this.settleReady(false);
    else stop.addEventListener('abort', () => this.settleReady(false), { once: true });
    while (!stop.aborted) {
      let batches: PartitionBatch[];
      try {
        batches = await this.fetch(stop);
        this.settleReady(true);
      } catch (error) {
        this.stats.lastError = (error as Error).message;
        emit(this.options.host, 'warn', 'streams.poller.read-failed', { subscription: this.label, error: (error as Error).message });
        await sleep(this.backoff(), stop);
        continue;
      }
      if (batches.length === 0) continue;
      try {
        await this.deliver(batches, stop);
      } catch (error) {
        // commit or dead-letter write failed: nothing more was committed, the records come again
        this.stats.lastError = (error as Error).message;
        emit(this.options.host, 'warn', 'streams.poller.deliver-failed', { subscription: this.label, error: (error as Error).message });
        await sleep(this.backoff(), stop);
      }
    }
  }

  private async fetch(stop: AbortSignal): Promise<PartitionBatch[]> {
    const { transport, subscription: s } = this.options;
    const request = { group: s.group, topic: s.topic, maxRecords: s.batchSize, fromBeginning: s.startingPosition === 'TRIM_HORIZON' };
    const first = await transport.fetch({ ...request, maxWaitMs: this.options.pollWaitMs });
    const count = (b: readonly PartitionBatch[]) => b.reduce((n, batch) => n + batch.records.length, 0);
    if (first.length === 0 || s.batchingWindowMs <= 0 || count(first) >= s.batchSize) return capBatches(first, s.batchSize);
    // Batching window: gather more records (the group's position has not moved, so a new fetch is a superset).
    await sleep(s.batchingWindowMs, stop);
    const more = await transport.fetch({ ...request, maxWaitMs: 0 });
    return capBatches(count(more) >= count(first) ? more : first, s.batchSize);
  }

  private async deliver(batches: readonly PartitionBatch[], stop: AbortSignal): Promise<void> {
    const event = toMskEvent(batches, this.options.source);
    const records = batches.reduce((n, b) => n + b.records.length, 0);
    this.stats.invocations += 1;
    this.stats.delivered += records;
    const result = await this.options.process.invoke(event, this.options.invocationTimeoutMs);
    const outcome: BatchOutcome | { kind: 'error'; error: Failure } = result.ok
      ? readBatchResponse(result.value, event)
      : { kind: 'error', error: result.error };
    this.options.onEvent?.({ type: 'invoked', stats: this.stats, records, outcome: outcome.kind });

    if (outcome.kind === 'success') {
      this.stats.succeeded += 1;
      this.attempts = 0;
      // All partitions at once: the Kafka transport sends them as one offset commit, not one round trip each.
      await Promise.all(batches.map((batch) => this.commit(batch.partition, batch.nextOffset, batch.records.length)));
      return;
    }
    this.stats.failed += 1;
    this.attempts += 1;
    const max = this.options.subscription.maximumRetryAttempts;
    const exhausted = max >= 0 && this.attempts > max;
    const failure: Failure =
      outcome.kind === 'error'
        ? outcome.error
        : outcome.kind === 'invalid'
          ? { errorType: 'InvalidBatchResponse', errorMessage: outcome.reason }
          : { errorType: 'BatchItemFailure', errorMessage: 'reported as failed in batchItemFailures' };
    this.stats.lastError = `${failure.errorType}: ${failure.errorMessage}`;

    if (outcome.kind === 'partial') {
      for (const batch of batches) {
        const key = partitionKey(batch.topic, batch.partition);
        const resume = outcome.resumeAt.get(key);
        if (resume === undefined) await this.commit(batch.partition, batch.nextOffset, batch.records.length);
        else if (!exhausted && resume > (batch.records[0]?.offset ?? resume))
          await this.commit(batch.partition, resume, resume - (batch.records[0]?.offset ?? resume));
      }
    }
    if (!exhausted) {
      this.stats.retries += 1;
      const delay = this.backoff();
      emit(this.options.host, 'warn', 'streams.poller.attempt-failed', {
        subscription: this.label,
        attempt: this.attempts,
        errorType: failure.errorType,
        errorMessage: failure.errorMessage,
        delayMs: delay,
      });
      await sleep(delay, stop);
      return;
    }
    const dead =
      outcome.kind === 'partial'
        ? batches.flatMap((b) => b.records.filter((r) => outcome.failed.get(partitionKey(b.topic, b.partition))?.has(r.offset)))
        : batches.flatMap((b) => b.records);
    await this.deadLetter(dead, failure);
    this.attempts = 0;
    for (const batch of batches) {
      if (outcome.kind === 'partial' && !outcome.resumeAt.has(partitionKey(batch.topic, batch.partition))) continue; // committed above
      await this.commit(batch.partition, batch.nextOffset, batch.records.length);
    }
  }

  private async deadLetter(records: readonly ConsumedRecord[], failure: Failure): Promise<void> {
    if (records.length === 0) return;
    const s = this.options.subscription;
    const text = (v: string | number) => Buffer.from(String(v), 'utf8');
    const out: ProduceRecord[] = records.map((r) => ({
      key: r.key,
      value: r.value ?? Buffer.alloc(0),
      timestamp: r.timestamp,
      headers: {
        ...r.headers,
        'mesh-dlq-error-type': text(failure.errorType),
        'mesh-dlq-error-message': text(failure.errorMessage.slice(0, 4000)),
        'mesh-dlq-source-topic': text(r.topic),
        'mesh-dlq-source-partition': text(r.partition),
        'mesh-dlq-source-offset': text(r.offset),
        'mesh-dlq-consumer-group': text(s.group),
        'mesh-dlq-function': text(`${s.domain}/${s.function}`),
        'mesh-dlq-attempts': text(this.attempts),
      },
    }));
    await this.options.transport.produce(s.deadLetterTopic, out);
    this.stats.deadLettered += records.length;
    const message = `${failure.errorType}: ${failure.errorMessage}`;
    emit(this.options.host, 'warn', 'streams.poller.dead-lettered', {
      subscription: this.label,
      records: records.length,
      topic: s.deadLetterTopic,
      attempts: this.attempts,
      error: message,
    });
    this.options.onEvent?.({ type: 'dead-lettered', stats: this.stats, records: records.length, error: message });
  }

  private async commit(partition: number, offset: number, records: number): Promise<void> {
    const s = this.options.subscription;
    await this.options.transport.commit(s.group, s.topic, partition, offset);
    this.stats.committed += records;
    this.options.onEvent?.({ type: 'committed', stats: this.stats, partition, offset });
  }

  private backoff(): number {
    const { initialMs, maxMs } = this.options.retryBackoff;
    return Math.min(maxMs, initialMs * 2 ** Math.max(0, this.attempts - 1));
  }
}
