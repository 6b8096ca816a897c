// What stands in for Lambda on moto. moto stores functions and event source mappings but runs neither (and this
// machine has no Docker for a Lambda runtime), so on moto the test does what the mapping does on AWS, with the code
// mesh deployed: it reads the mapping (topic, consumer group, starting position, batch size) through the SDK, fetches
// the records from the broker in that consumer group, builds the event Lambda delivers from MSK
// (src/streams/local-runner/msk-event.ts), runs the packaged handler zip in this process (after checking that its
// CodeSha256 is the deployed function's), reads its partial-batch response, and commits the group's offsets when
// the batch succeeded, as Lambda does. The test then checks the same thing on both targets: the group committed up to
// the end of the topic. On AWS nothing stands in: the real event source mapping invokes the real function.
import { unzipSync } from 'fflate';
import type { EachBatchPayload } from 'kafkajs';
import { type BatchOutcome, readBatchResponse, toMskEvent } from '../../src/streams/local-runner/msk-event.js';
import type { PartitionBatch } from '../../src/streams/transport/index.js';
import type { LifecycleEnvironment } from './aws-lifecycle-environment.js';

export interface MappingFacts {
  readonly topic: string;
  readonly group: string;
  readonly eventSourceArn: string;
  readonly startingPosition: string;
  readonly batchSize: number;
}

export interface Delivery {
  readonly records: number;
  readonly outcome: BatchOutcome;
  /** What the handler wrote with console.log / console.error. */
  readonly logs: string[];
}

/** Loads a deployment package's `index.js` as Lambda's Node runtime would (CommonJS), with its console captured. */
export function loadHandler(zip: Uint8Array, require: NodeJS.Require): { handler: (event: unknown) => Promise<unknown>; logs: string[] } {
  const code = new TextDecoder().decode(unzipSync(zip)['index.js']);
  const logs: string[] = [];
  const log = (...args: unknown[]) => logs.push(args.map(String).join(' '));
  const module = { exports: {} as { handler?: (event: unknown) => Promise<unknown> } };
  new Function('module', 'exports', 'require', 'console', '__filename', '__dirname', code)(
    module,
    module.exports,
    require,
    { ...console, log, info: log, warn: log, error: log },
    '/var/task/index.js',
    '/var/task',
  );
  if (typeof module.exports.handler !== 'function') throw new Error('the package exports no handler');
  return { handler: module.exports.handler, logs };
}

/** Fetches everything up to the topic's end in the mapping's group, in batches as kafkajs delivers them. */
async function fetchToEnd(env: LifecycleEnvironment, mapping: MappingFacts): Promise<PartitionBatch[]> {
  const kafka = await env.kafka();
  const admin = kafka.admin();
  await admin.connect();
  const ends = new Map((await admin.fetchTopicOffsets(mapping.topic)).map((o) => [o.partition, Number(o.high)]));
  await admin.disconnect();
  const consumer = kafka.consumer({ groupId: mapping.group });
  await consumer.connect();
  const batches: PartitionBatch[] = [];
  const reached = new Map<number, number>();
  const done = () => [...ends].every(([p, end]) => end === 0 || (reached.get(p) ?? -1) >= end);
  try {
    await consumer.subscribe({ topic: mapping.topic, fromBeginning: mapping.startingPosition === 'TRIM_HORIZON' });
    await new Promise<void>((resolve, reject) => {
      // A guard, not a wait: the records are on the broker already, so they come in the first fetches.
      const guard = setTimeout(
        () => reject(new Error(`fetched ${JSON.stringify([...reached])} of ${JSON.stringify([...ends])} in 60 s`)),
        60_000,
      );
      const finish = () => {
        clearTimeout(guard);
        resolve();
      };
      if (done()) finish();
      consumer.on(consumer.events.CRASH, (e) => {
        clearTimeout(guard);
        reject(e.payload.error);
      });
      consumer
        .run({
          autoCommit: false,
          eachBatch: async ({ batch }: EachBatchPayload) => {
            if (batch.messages.length === 0) return;
            const records = batch.messages.map((m) => ({
              topic: batch.topic,
              partition: batch.partition,
              offset: Number(m.offset),
              timestamp: Number(m.timestamp),
              key: m.key,
              value: m.value,
              headers: Object.fromEntries(
                Object.entries(m.headers ?? {}).map(([k, v]) => [k, Buffer.isBuffer(v) ? v : Buffer.from(String(v))]),
              ),
            }));
            const next = Number(batch.lastOffset()) + 1;
            batches.push({ topic: batch.topic, partition: batch.partition, records, nextOffset: next });
            reached.set(batch.partition, next);
            if (done()) finish();
          },
        })
        .catch((error: unknown) => {
          clearTimeout(guard);
          reject(error);
        });
    });
    return batches;
  } finally {
    await consumer.stop();
    await consumer.disconnect();
  }
}

/** One delivery, as the mapping would make it: fetch, invoke the deployed code, commit on success. */
export async function deliverAsLambda(
  env: LifecycleEnvironment,
  mapping: MappingFacts,
  zip: Uint8Array,
  require: NodeJS.Require,
): Promise<Delivery> {
  const batches = await fetchToEnd(env, mapping);
  const records = batches.reduce((n, b) => n + b.records.length, 0);
  if (records > mapping.batchSize) throw new Error(`${records} records exceed the mapping's batch size ${mapping.batchSize}`);
  const event = toMskEvent(batches, { eventSourceArn: mapping.eventSourceArn, bootstrapServers: 'test-broker' });
  const { handler, logs } = loadHandler(zip, require);
  const outcome = readBatchResponse(await handler(event), event);
  if (outcome.kind === 'success') {
    const admin = (await env.kafka()).admin();
    await admin.connect();
    try {
      const last = new Map(batches.map((b) => [b.partition, b.nextOffset]));
      await admin.setOffsets({
        groupId: mapping.group,
        topic: mapping.topic,
        partitions: [...last].map(([partition, offset]) => ({ partition, offset: String(offset) })),
      });
    } finally {
      await admin.disconnect();
    }
  }
  return { records, outcome, logs };
}
