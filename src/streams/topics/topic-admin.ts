/**
 * The port the streams plane manages topics through. Two adapters: one over a StreamTransport (the embedded log,
 * a Kafka broker, or MSK through kafkajs with IAM auth) and one over the MSK topic API (CreateTopic, DescribeTopic,
 * UpdateTopic), which needs no network path to the brokers.
 */
import type { StreamTransport } from '../transport/index.js';
import { changedConfigs, sortedConfigs, type TopicResourceSpec } from './topic-spec.js';

export interface TopicUpdate {
  /** New total partition count (only ever larger). */
  readonly partitions?: number;
  /** Configs to set; the others are kept. */
  readonly configs?: Readonly<Record<string, string>>;
}

export interface TopicAdmin {
  /** How topics are reached, for messages: `embedded log`, `kafka`, `MSK topic API`, `kafka (MSK IAM)`. */
  readonly via: string;
  describe(name: string): Promise<TopicResourceSpec | undefined>;
  list(): Promise<string[]>;
  /** Creates the topic and returns once it is usable; attributes worth recording (e.g. TopicArn). */
  create(spec: TopicResourceSpec): Promise<Record<string, unknown>>;
  update(name: string, update: TopicUpdate): Promise<Record<string, unknown>>;
  delete(name: string): Promise<void>;
  close(): Promise<void>;
}

/** The update that turns `observed` into `desired` (partitions up, changed configs). */
export function topicUpdateFor(desired: TopicResourceSpec, observed: TopicResourceSpec | undefined): TopicUpdate {
  if (!observed) return { partitions: desired.partitions, configs: desired.configs };
  const configs = changedConfigs(desired, observed);
  return {
    ...(desired.partitions > observed.partitions ? { partitions: desired.partitions } : {}),
    ...(Object.keys(configs).length > 0 ? { configs } : {}),
  };
}

/** Topics through a StreamTransport. `closeTransport` false when the transport is shared and closed by its owner. */
export function transportTopicAdmin(transport: StreamTransport, via: string, closeTransport = true): TopicAdmin {
  return {
    via,
    async describe(name) {
      const topic = await transport.describeTopic(name);
      if (!topic) return undefined;
      return {
        name: topic.name,
        partitions: topic.partitions,
        replicationFactor: topic.replicationFactor,
        configs: sortedConfigs(topic.configs),
      };
    },
    list: () => transport.listTopics(),
    async create(spec) {
      await transport.ensureTopic({
        name: spec.name,
        partitions: spec.partitions,
        replicationFactor: spec.replicationFactor,
        configs: { ...spec.configs },
      });
      return { topic: spec.name, via };
    },
    async update(name, update) {
      if (update.partitions !== undefined) await transport.increasePartitions(name, update.partitions);
      if (update.configs && Object.keys(update.configs).length > 0) await transport.alterConfigs(name, { ...update.configs });
      return { topic: name, via };
    },
    async delete(name) {
      await transport.deleteTopic(name);
    },
    async close() {
      if (closeTransport) await transport.close();
    },
  };
}
