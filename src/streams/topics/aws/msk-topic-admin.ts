/**
 * Topics through the MSK topic API (@aws-sdk/client-kafka CreateTopic / DescribeTopic / UpdateTopic / DeleteTopic /
 * ListTopics): MSK Provisioned with Kafka 3.6 or later only (see msk-cluster.ts). No network path to the brokers is
 * needed. `Configs` is base64 of a JSON map of Kafka config names to string values, both ways. Topic operations are
 * asynchronous: after each call DescribeTopic is polled (shared waiter) until the topic is ACTIVE (or gone).
 */
import type { KafkaClient } from '@aws-sdk/client-kafka';
import { fromAwsError, isAwsError } from '../../../aws/errors.js';
import { MeshError } from '../../../core/errors.js';
import type { IoHost } from '../../../core/messages.js';
import { type JobStatus, waitFor } from '../../../core/waiter.js';
import type { TopicAdmin } from '../topic-admin.js';
import { sortedConfigs } from '../topic-spec.js';

export interface MskTopicAdminOptions {
  readonly client: KafkaClient;
  readonly clusterArn: string;
  readonly host: IoHost;
  readonly signal?: AbortSignal;
  /** Waiter timing (tests make it fast). */
  readonly pollInitialDelayMs?: number;
  readonly pollMaxDelayMs?: number;
  readonly timeoutMs?: number;
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export function encodeTopicConfigs(configs: Readonly<Record<string, string>>): string {
  return Buffer.from(JSON.stringify(sortedConfigs(configs)), 'utf8').toString('base64');
}

export function decodeTopicConfigs(encoded: string | undefined): Record<string, string> {
  if (!encoded) return {};
  try {
    const parsed = JSON.parse(Buffer.from(encoded, 'base64').toString('utf8')) as unknown;
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return {};
    return sortedConfigs(Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, String(v)])));
  } catch {
    return {};
  }
}

const HINTS: Record<string, string> = {
  ClusterConnectivityException: 'MSK could not reach the brokers; check the cluster is ACTIVE and healthy, then re-run.',
  KafkaTimeoutException: 'The brokers timed out; re-run in a moment.',
  ReassignmentInProgressException: 'A partition reassignment is running on the cluster; re-run when it has finished.',
  TooManyRequestsException: 'MSK is throttling topic operations; re-run in a moment or lower --concurrency.',
  UnauthorizedException:
    'Allow kafka-cluster:Connect and kafka-cluster:CreateTopic/DescribeTopic/AlterTopic on the cluster and topic ARNs.',
};

function mskError(error: unknown, what: string): MeshError {
  const name = (error as { name?: string })?.name ?? '';
  const mapped = fromAwsError(error, what);
  const hint = HINTS[name];
  return hint && !mapped.hint ? new MeshError(mapped.code, mapped.message, { hint, cause: error }) : mapped;
}

export function mskTopicAdmin(options: MskTopicAdminOptions): TopicAdmin {
  const { client, clusterArn } = options;
  const sdk = import('@aws-sdk/client-kafka');

  const describeRaw = async (name: string) => {
    const { DescribeTopicCommand } = await sdk;
    try {
      return await client.send(new DescribeTopicCommand({ ClusterArn: clusterArn, TopicName: name }));
    } catch (error) {
      if (isAwsError(error, 'NotFoundException', 'ResourceNotFoundException')) return undefined;
      throw mskError(error, `describe topic ${name}`);
    }
  };

  const waitUntil = async (name: string, goal: 'ACTIVE' | 'GONE'): Promise<void> => {
    await waitFor({
      label: `topic ${name}`,
      host: options.host,
      signal: options.signal,
      initialDelayMs: options.pollInitialDelayMs ?? 2_000,
      maxDelayMs: options.pollMaxDelayMs ?? 15_000,
      timeoutMs: options.timeoutMs ?? 10 * 60_000,
      sleep: options.sleep,
      resumeHint: 'Re-run the same command: it resumes from what exists.',
      poll: async (): Promise<JobStatus> => {
        const topic = await describeRaw(name);
        if (goal === 'GONE') return { status: topic?.Status ?? 'DELETED', done: !topic, failed: false };
        if (!topic) return { status: 'CREATING', done: false, failed: false };
        return { status: topic.Status ?? 'UNKNOWN', done: topic.Status === 'ACTIVE', failed: false };
      },
    });
  };

  const admin: TopicAdmin = {
    via: 'MSK topic API',
    async describe(name) {
      const topic = await describeRaw(name);
      if (!topic) return undefined;
      return {
        name,
        partitions: topic.PartitionCount ?? 0,
        replicationFactor: topic.ReplicationFactor ?? 0,
        configs: decodeTopicConfigs(topic.Configs),
      };
    },
    async list() {
      const { ListTopicsCommand } = await sdk;
      const names: string[] = [];
      let token: string | undefined;
      do {
        const page = await client.send(new ListTopicsCommand({ ClusterArn: clusterArn, NextToken: token })).catch((error: unknown) => {
          throw mskError(error, 'list topics');
        });
        for (const topic of page.Topics ?? []) if (topic.TopicName) names.push(topic.TopicName);
        token = page.NextToken;
      } while (token);
      return names.filter((n) => !n.startsWith('__')).sort();
    },
    async create(spec) {
      const { CreateTopicCommand } = await sdk;
      let topicArn: string | undefined;
      try {
        const created = await client.send(
          new CreateTopicCommand({
            ClusterArn: clusterArn,
            TopicName: spec.name,
            PartitionCount: spec.partitions,
            ReplicationFactor: spec.replicationFactor,
            Configs: encodeTopicConfigs(spec.configs),
          }),
        );
        topicArn = created.TopicArn;
      } catch (error) {
        if (!isAwsError(error, 'TopicExistsException', 'ConflictException')) throw mskError(error, `create topic ${spec.name}`);
        // Made by an earlier, interrupted run (or another machine): bring it to the spec instead.
        const existing = await admin.describe(spec.name);
        if (existing) {
          const configs = Object.fromEntries(Object.entries(spec.configs).filter(([k, v]) => existing.configs[k] !== v));
          const partitions = spec.partitions > existing.partitions ? spec.partitions : undefined;
          if (partitions !== undefined || Object.keys(configs).length > 0) return admin.update(spec.name, { partitions, configs });
        }
      }
      await waitUntil(spec.name, 'ACTIVE');
      return { topic: spec.name, via: admin.via, ...(topicArn ? { topicArn } : {}) };
    },
    async update(name, update) {
      const { UpdateTopicCommand } = await sdk;
      const current = await describeRaw(name);
      const merged = { ...decodeTopicConfigs(current?.Configs), ...(update.configs ?? {}) };
      try {
        await client.send(
          new UpdateTopicCommand({
            ClusterArn: clusterArn,
            TopicName: name,
            ...(update.partitions !== undefined ? { PartitionCount: update.partitions } : {}),
            ...(update.configs && Object.keys(update.configs).length > 0 ? { Configs: encodeTopicConfigs(merged) } : {}),
          }),
        );
      } catch (error) {
        throw mskError(error, `update topic ${name}`);
      }
      await waitUntil(name, 'ACTIVE');
      return { topic: name, via: admin.via, ...(current?.TopicArn ? { topicArn: current.TopicArn } : {}) };
    },
    async delete(name) {
      const { DeleteTopicCommand } = await sdk;
      try {
        await client.send(new DeleteTopicCommand({ ClusterArn: clusterArn, TopicName: name }));
      } catch (error) {
        if (isAwsError(error, 'NotFoundException', 'UnknownTopicOrPartitionException')) return;
        throw mskError(error, `delete topic ${name}`);
      }
      await waitUntil(name, 'GONE');
    },
    async close() {
      // the client belongs to the caller's AwsClients
    },
  };
  return admin;
}
