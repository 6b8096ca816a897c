import { randomUUID } from 'node:crypto';
import type { Admin, Kafka, KafkaConfig, LogEntry, Producer, SASLOptions } from 'kafkajs';
import { MeshError } from '../../core/errors.js';
import { retryStaleMetadata, toMeshError, waitForLeaders } from './kafka-errors.js';
import { KafkaGroupReader } from './kafka-group-reader.js';
import { createTopicIdempotent } from './kafka-topic-create.js';
import { guardKafkaJs } from './kafkajs-guards.js';
import { type MskIamAuthOptions, mskIamConnection } from './msk-iam-auth.js';
import { KeyPartitioner } from './partitioner.js';
import type {
  ConsumedRecord,
  FetchRequest,
  PartitionBatch,
  PartitionOffset,
  PartitionRange,
  ProduceRecord,
  RecordPosition,
  StreamTransport,
  TailOptions,
  TopicConfigs,
  TopicDescription,
  TopicSpec,
} from './stream-transport.js';
import { assertPartitionCount, assertTopicConfigs, assertTopicSpec, mergeConfigs, topicNotFound } from './topic-rules.js';

export interface KafkaTransportOptions {
  /** Bootstrap brokers, e.g. ['127.0.0.1:19092'] or MSK's BootstrapBrokerStringSaslIam split on commas. */
  readonly brokers: readonly string[];
  readonly clientId?: string;
  /** MSK IAM auth (TLS + SASL OAUTHBEARER with a SigV4 token). Overrides ssl and sasl. */
  readonly mskIam?: MskIamAuthOptions;
  readonly ssl?: boolean;
  readonly sasl?: SASLOptions;
  readonly connectionTimeoutMs?: number;
  readonly requestTimeoutMs?: number;
  /** Retries of a failed request (kafkajs backoff from 300 ms, doubling). Default 5. */
  readonly retries?: number;
  /** Receives kafkajs' own log lines (warn and error); none are printed otherwise. */
  readonly log?: (level: 'error' | 'warn' | 'info' | 'debug', message: string, extra: Record<string, unknown>) => void;
}

type KafkaJs = typeof import('kafkajs');

interface Clients {
  readonly kafka: Kafka;
  readonly admin: Admin;
  readonly lib: KafkaJs;
}

/** How long a topic's partition count is trusted for keyed produce (Kafka producers refresh metadata likewise). */
const PARTITION_COUNT_TTL_MS = 5_000;
const TOPIC_CONFIG = 2; // kafkajs ConfigResourceTypes.TOPIC
const CONFIG_SOURCE_TOPIC = 1; // kafkajs ConfigSource.TOPIC_CONFIG

/** The port over kafkajs, for a plain broker or MSK. kafkajs is imported on first use, not when this module loads. */
export class KafkaTransport implements StreamTransport {
  readonly kind = 'kafka' as const;
  private clientsPromise: Promise<Clients> | undefined;
  private producerPromise: Promise<Producer> | undefined;
  private readonly readers = new Map<string, Promise<KafkaGroupReader>>();
  private readonly partitionCounts = new Map<string, { count: number; at: number }>();
  private readonly partitioner = new KeyPartitioner();

  constructor(private readonly options: KafkaTransportOptions) {}

  async ensureTopic(spec: TopicSpec): Promise<{ readonly created: boolean }> {
    assertTopicSpec(spec);
    // Idempotent and tolerant of the broker's metadata lag after CreateTopics (see kafka-topic-create.ts).
    return this.call(`create topic ${spec.name}`, ({ admin }) => createTopicIdempotent(admin, spec));
  }

  async describeTopic(name: string): Promise<TopicDescription | undefined> {
    return this.call(`describe topic ${name}`, async ({ admin }) => {
      if (!(await admin.listTopics()).includes(name)) return undefined;
      const metadata = await admin.fetchTopicMetadata({ topics: [name] });
      const partitions = metadata.topics[0]?.partitions ?? [];
      return {
        name,
        partitions: partitions.length,
        replicationFactor: partitions[0]?.replicas.length ?? 0,
        configs: await this.topicConfigs(admin, name),
      };
    });
  }

  async listTopics(): Promise<string[]> {
    return this.call('list topics', async ({ admin }) => (await admin.listTopics()).filter((name) => !name.startsWith('__')).sort());
  }

  async increasePartitions(name: string, total: number): Promise<void> {
    assertPartitionCount(name, total);
    const current = await this.requireTopic(name);
    if (total < current.partitions) {
      throw new MeshError('PartitionDecrease', `Topic "${name}" has ${current.partitions} partitions; it cannot shrink to ${total}.`, {
        hint: 'Kafka cannot remove partitions. Create a new topic (a new major version) instead.',
      });
    }
    if (total === current.partitions) return;
    await this.call(`add partitions to ${name}`, async ({ admin }) => {
      await admin.createPartitions({ topicPartitions: [{ topic: name, count: total }] });
      await waitForLeaders(admin, name, total);
    });
    this.partitionCounts.delete(name);
  }

  async alterConfigs(name: string, configs: Record<string, string | null>): Promise<void> {
    assertTopicConfigs(name, configs);
    const current = await this.requireTopic(name);
    const merged = mergeConfigs(current.configs, configs);
    // AlterConfigs (the only kind kafkajs speaks) replaces the whole set, so the merged set is sent.
    await this.call(`alter configs of ${name}`, ({ admin }) =>
      admin.alterConfigs({
        validateOnly: false,
        resources: [{ type: TOPIC_CONFIG, name, configEntries: Object.entries(merged).map(([key, value]) => ({ name: key, value })) }],
      }),
    );
  }

  async deleteTopic(name: string): Promise<boolean> {
    return this.call(`delete topic ${name}`, async ({ admin }) => {
      if (!(await admin.listTopics()).includes(name)) return false;
      await admin.deleteTopics({ topics: [name] });
      this.partitionCounts.delete(name);
      // deleteTopics returns before the controller has removed the topic everywhere; a create of the same name
      // (a replace) right after would find it still there. Wait until the metadata no longer lists it.
      const deadline = Date.now() + 30_000;
      while ((await admin.listTopics()).includes(name)) {
        if (Date.now() > deadline) {
          throw new MeshError('KafkaTopicNotDeleted', `Topic "${name}" is still listed 30 s after it was deleted.`, {
            hint: 'The brokers may be busy; run the command again shortly.',
          });
        }
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      return true;
    });
  }

  async produce(topic: string, records: readonly ProduceRecord[]): Promise<RecordPosition[]> {
    if (records.length === 0) return [];
    const count = await this.partitionCount(topic);
    // Partitions are picked here (Kafka's murmur2 for keys) so each record's offset is known from the response.
    const partitions = records.map((record) => record.partition ?? this.partitioner.pick(topic, record.key, count));
    const producer = await this.producer();
    const now = Date.now();
    const metadata = await this.call(`produce to ${topic}`, ({ admin }) =>
      retryStaleMetadata(admin, topic, () =>
        producer.send({
          topic,
          acks: -1,
          messages: records.map((record, i) => ({
            key: record.key,
            value: record.value,
            headers: record.headers,
            timestamp: String(record.timestamp ?? now),
            partition: partitions[i],
          })),
        }),
      ),
    );
    const nextOffset = new Map(metadata.map((entry) => [entry.partition, Number(entry.baseOffset)]));
    return partitions.map((partition) => {
      const offset = nextOffset.get(partition);
      if (offset === undefined) throw new MeshError('KafkaProduceFailed', `Kafka did not acknowledge ${topic}-${partition}.`);
      nextOffset.set(partition, offset + 1);
      return { partition, offset };
    });
  }

  async fetch(request: FetchRequest): Promise<PartitionBatch[]> {
    const reader = await this.reader(request.group, request.topic, request.fromBeginning ?? false);
    try {
      return await this.call(`fetch ${request.topic}`, () => reader.take(request.maxRecords ?? 100, request.maxWaitMs ?? 1000));
    } catch (error) {
      // The member crashed for good (kafkajs gave up): drop it, so the next fetch joins the group afresh.
      this.readers.delete(readerKey(request.group));
      await reader.stop().catch(() => undefined);
      throw error;
    }
  }

  async commit(group: string, topic: string, partition: number, nextOffset: number): Promise<void> {
    const pending = this.readers.get(readerKey(group));
    const reader = pending ? await pending : undefined;
    if (!reader || reader.topic !== topic) {
      // No member of this group here: write the offset directly (Kafka requires the group to be empty then).
      await this.call(`commit ${group}`, ({ admin }) =>
        admin.setOffsets({ groupId: group, topic, partitions: [{ partition, offset: String(nextOffset) }] }),
      );
      return;
    }
    const position = reader.readPosition(partition);
    await this.call(`commit ${group}`, () => reader.commit(partition, nextOffset));
    if (position !== undefined && nextOffset < position) {
      // A rewind: restart the member so it fetches again from the committed offset.
      this.readers.delete(readerKey(group));
      await reader.stop();
    }
  }

  async committedOffsets(group: string, topic: string): Promise<PartitionOffset[]> {
    return this.call(`read offsets of ${group}`, async ({ admin }) => {
      const topics = await admin.fetchOffsets({ groupId: group, topics: [topic] });
      return (topics[0]?.partitions ?? [])
        .map((entry) => ({ partition: entry.partition, offset: Number(entry.offset) }))
        .filter((entry) => entry.offset >= 0)
        .sort((a, b) => a.partition - b.partition);
    });
  }

  async endOffsets(topic: string): Promise<PartitionRange[]> {
    await this.assertTopicExists(topic);
    return this.call(`read offsets of ${topic}`, async ({ admin }) =>
      (await retryStaleMetadata(admin, topic, () => admin.fetchTopicOffsets(topic)))
        .map((entry) => ({ partition: entry.partition, start: Number(entry.low), end: Number(entry.high) }))
        .sort((a, b) => a.partition - b.partition),
    );
  }

  async *tail(options: TailOptions): AsyncIterable<ConsumedRecord> {
    const ranges = await this.endOffsets(options.topic);
    const startOf = (r: PartitionRange) =>
      options.lastPerPartition !== undefined
        ? Math.max(r.start, r.end - options.lastPerPartition)
        : options.from === 'beginning'
          ? r.start
          : r.end;
    const positions = new Map(ranges.map((r) => [r.partition, startOf(r)]));
    const stopAt = new Map(ranges.map((r) => [r.partition, r.end]));
    options.onStarted?.();
    if (options.stopAtEnd && ranges.every((r) => (positions.get(r.partition) ?? 0) >= r.end)) return;
    const { kafka, admin } = await this.clients();
    const groupId = `mesh-tail-${randomUUID()}`;
    const reader = await this.call(`tail ${options.topic}`, () =>
      KafkaGroupReader.start({ kafka, admin, groupId, topic: options.topic, pinStart: positions, fromBeginning: true }),
    );
    let delivered = 0;
    try {
      while (!options.signal?.aborted) {
        for (const batch of await reader.take(500, 1000, options.signal)) {
          for (const record of batch.records) {
            yield record;
            delivered += 1;
            positions.set(batch.partition, record.offset + 1);
            if (options.maxRecords !== undefined && delivered >= options.maxRecords) return;
          }
          reader.release(batch.partition, batch.nextOffset);
        }
        if (options.stopAtEnd && [...stopAt].every(([p, end]) => (positions.get(p) ?? 0) >= end)) return;
      }
    } finally {
      await reader.stop().catch(() => undefined);
      await admin.deleteGroups([groupId]).catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    const readers = [...this.readers.values()];
    this.readers.clear();
    await Promise.allSettled(readers.map(async (pending) => (await pending).stop()));
    if (this.producerPromise) await (await this.producerPromise.catch(() => undefined))?.disconnect();
    if (this.clientsPromise) await (await this.clientsPromise.catch(() => undefined))?.admin.disconnect();
    this.producerPromise = undefined;
    this.clientsPromise = undefined;
  }

  private async reader(group: string, topic: string, fromBeginning: boolean): Promise<KafkaGroupReader> {
    const key = readerKey(group);
    let pending = this.readers.get(key);
    if (!pending) {
      pending = this.startReader(group, topic, fromBeginning);
      this.readers.set(key, pending);
      pending.catch(() => this.readers.delete(key));
    }
    const reader = await pending;
    if (reader.topic !== topic) {
      throw new MeshError('GroupTopicMismatch', `Group "${group}" already reads "${reader.topic}" in this process.`, {
        hint: 'Use one consumer group per topic (as a Lambda event source mapping does).',
      });
    }
    return reader;
  }

  private async startReader(groupId: string, topic: string, fromBeginning: boolean): Promise<KafkaGroupReader> {
    await this.assertTopicExists(topic);
    const { kafka, admin } = await this.clients();
    return this.call(`join group ${groupId}`, async () => {
      // Pin "latest" now (the end offsets as of this call), so records produced after the call are never skipped.
      const pinStart = new Map<number, number>();
      if (!fromBeginning) {
        const committed = new Set((await this.committedOffsets(groupId, topic)).map((entry) => entry.partition));
        for (const range of await this.endOffsets(topic)) {
          if (!committed.has(range.partition)) pinStart.set(range.partition, range.end);
        }
      }
      return KafkaGroupReader.start({ kafka, admin, groupId, topic, pinStart, persistPins: true, fromBeginning });
    });
  }

  private async assertTopicExists(name: string): Promise<void> {
    const topics = await this.listTopics();
    if (!topics.includes(name)) throw topicNotFound(name, topics);
  }

  private async requireTopic(name: string): Promise<TopicDescription> {
    const topic = await this.describeTopic(name);
    if (!topic) throw topicNotFound(name, await this.listTopics());
    return topic;
  }

  private async partitionCount(topic: string): Promise<number> {
    const cached = this.partitionCounts.get(topic);
    if (cached && Date.now() - cached.at < PARTITION_COUNT_TTL_MS) return cached.count;
    const count = await this.call(`read metadata of ${topic}`, async ({ admin }) => {
      if (!(await admin.listTopics()).includes(topic)) return 0;
      return (await admin.fetchTopicMetadata({ topics: [topic] })).topics[0]?.partitions.length ?? 0;
    });
    if (count === 0) throw topicNotFound(topic, await this.listTopics());
    this.partitionCounts.set(topic, { count, at: Date.now() });
    return count;
  }

  private async topicConfigs(admin: Admin, name: string): Promise<TopicConfigs> {
    const described = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: TOPIC_CONFIG, name }] });
    const configs: Record<string, string> = {};
    for (const entry of described.resources[0]?.configEntries ?? []) {
      if (entry.configSource === CONFIG_SOURCE_TOPIC) configs[entry.configName] = entry.configValue;
    }
    return configs;
  }

  private producer(): Promise<Producer> {
    this.producerPromise ??= this.clients().then(async ({ kafka, lib }) => {
      // Partitions are chosen by mesh (see produce); the partitioner option only silences kafkajs' v2 warning.
      // Idempotent (one request in flight): a send that kafkajs retries after a lost acknowledgement is stored once.
      const producer = kafka.producer({
        allowAutoTopicCreation: false,
        idempotent: true,
        maxInFlightRequests: 1,
        createPartitioner: lib.Partitioners.DefaultPartitioner,
      });
      await this.call('connect producer', () => producer.connect());
      return producer;
    });
    this.producerPromise.catch(() => {
      this.producerPromise = undefined;
    });
    return this.producerPromise;
  }

  private clients(): Promise<Clients> {
    this.clientsPromise ??= this.connect();
    this.clientsPromise.catch(() => {
      this.clientsPromise = undefined;
    });
    return this.clientsPromise;
  }

  private async connect(): Promise<Clients> {
    const kafkajs = await import('kafkajs');
    // kafkajs is CommonJS: its exports are on `default` when imported from ESM.
    const lib: KafkaJs = (kafkajs as { default?: KafkaJs }).default ?? kafkajs;
    await guardKafkaJs();
    const log = this.options.log;
    const config: KafkaConfig = {
      clientId: this.options.clientId ?? 'mesh',
      brokers: [...this.options.brokers],
      connectionTimeout: this.options.connectionTimeoutMs ?? 3_000,
      requestTimeout: this.options.requestTimeoutMs ?? 30_000,
      retry: { retries: this.options.retries ?? 5 },
      logLevel: log ? lib.logLevel.WARN : lib.logLevel.NOTHING,
      logCreator: () => (entry: LogEntry) => {
        const { message, ...extra } = entry.log;
        log?.(entry.level <= lib.logLevel.ERROR ? 'error' : 'warn', String(message), extra);
      },
      ...(this.options.mskIam
        ? mskIamConnection(this.options.mskIam)
        : { ssl: this.options.ssl, ...(this.options.sasl ? { sasl: this.options.sasl } : {}) }),
    };
    const kafka = new lib.Kafka(config);
    const admin = kafka.admin();
    await this.rawCall('connect', () => admin.connect());
    return { kafka, admin, lib };
  }

  private async call<T>(what: string, fn: (clients: Clients) => Promise<T>): Promise<T> {
    const clients = await this.clients();
    return this.rawCall(what, () => fn(clients));
  }

  private async rawCall<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw toMeshError(error, what, this.options.brokers);
    }
  }
}

function readerKey(group: string): string {
  return group;
}

/** A transport over kafkajs; nothing connects (and kafkajs is not loaded) until the first call. */
export function createKafkaTransport(options: KafkaTransportOptions): KafkaTransport {
  if (options.brokers.length === 0) {
    throw new MeshError('KafkaBrokersMissing', 'No Kafka brokers given.', {
      hint: 'Set the bootstrap brokers, e.g. 127.0.0.1:19092 (or KAFKA_BROKERS).',
    });
  }
  return new KafkaTransport(options);
}
