/**
 * The `topic` resource: what a stream port (or a subscription's dead-letter topic) asks of the cluster, and how a
 * desired topic compares with the one that exists. Pure: no I/O.
 *
 *   more partitions            → update (Kafka can add partitions)
 *   fewer partitions           → refused: the plan fails (Kafka cannot remove partitions; publish a new major version)
 *   replication factor changed → replace (delete + create, records are lost), needs --allow-replace
 *   configs changed            → update (only the configs mesh sets are compared; others on the topic are left alone)
 */
import { MeshError } from '../../core/errors.js';
import type { Comparison } from '../../engine/plan.js';
import type { StreamPort } from '../../workspace/model.js';

export interface TopicResourceSpec {
  readonly name: string;
  readonly partitions: number;
  readonly replicationFactor: number;
  /** Kafka topic configs, string values, e.g. `{ 'retention.ms': '604800000' }`. */
  readonly configs: Readonly<Record<string, string>>;
}

const HOUR_MS = 3_600_000;

/** `retention.ms` for `retentionHours`: a negative value keeps records forever, which Kafka spells -1 (and only so). */
function retentionMs(hours: number): string {
  return hours < 0 ? '-1' : String(Math.round(hours * HOUR_MS));
}

/** The topic a stream port publishes to: the port's configs plus `retention.ms` from `retentionHours`. */
export function topicSpecOf(port: StreamPort): TopicResourceSpec {
  return {
    name: port.topic,
    partitions: port.partitions,
    replicationFactor: port.replicationFactor,
    configs: sortedConfigs({ ...port.configs, 'retention.ms': retentionMs(port.retentionHours) }),
  };
}

/**
 * A subscription's dead-letter topic, on the same cluster as the source (Lambda requires it): as many partitions
 * as the source (failed records keep their key, so their partition), the same replication and retention.
 */
export function deadLetterTopicSpec(name: string, source: TopicResourceSpec): TopicResourceSpec {
  const retention = source.configs['retention.ms'];
  return {
    name,
    partitions: source.partitions,
    replicationFactor: source.replicationFactor,
    configs: retention === undefined ? {} : { 'retention.ms': retention },
  };
}

export function sortedConfigs(configs: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(configs).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The configs mesh manages that differ: desired keys whose observed value is missing or different. */
export function changedConfigs(desired: TopicResourceSpec, observed: TopicResourceSpec): Record<string, string> {
  const changed: Record<string, string> = {};
  for (const [key, value] of Object.entries(desired.configs)) {
    if (observed.configs[key] !== value) changed[key] = value;
  }
  return changed;
}

/** Throws `PartitionDecrease` (exit 2) when the files ask for fewer partitions than the topic has. */
export function compareTopic(desired: TopicResourceSpec, observed: TopicResourceSpec): Comparison {
  if (desired.partitions < observed.partitions) {
    throw new MeshError(
      'PartitionDecrease',
      `Topic ${desired.name} has ${observed.partitions} partitions; the files ask for ${desired.partitions}. Kafka cannot remove partitions.`,
      {
        hint: `Keep partitions at ${observed.partitions} or more, or publish a new major version of the product (a new topic).`,
        details: { topic: desired.name, observed: observed.partitions, desired: desired.partitions },
      },
    );
  }
  if (desired.replicationFactor !== observed.replicationFactor) {
    return {
      action: 'replace',
      reason: `replication factor ${observed.replicationFactor} → ${desired.replicationFactor} (the topic is deleted and created again; its records are lost)`,
    };
  }
  const reasons: string[] = [];
  if (desired.partitions > observed.partitions) reasons.push(`partitions ${observed.partitions} → ${desired.partitions}`);
  for (const [key, value] of Object.entries(changedConfigs(desired, observed))) {
    reasons.push(`${key} ${observed.configs[key] ?? '(default)'} → ${value}`);
  }
  return reasons.length === 0 ? { action: 'noop', reason: 'up to date' } : { action: 'update', reason: reasons.join(', ') };
}

/** A regex for the mesh's topic pattern (e.g. `mesh.{domain}.{entity}.v{major}`), to find topics mesh made. */
export function topicPatternRegex(pattern: string, meshName: string): RegExp {
  let source = '';
  for (const part of pattern.split(/(\{\w+\})/)) {
    if (part === '{mesh}') source += escapeRegex(meshName);
    else if (part === '{major}') source += '\\d+';
    else if (/^\{\w+\}$/.test(part)) source += '[a-zA-Z0-9_-]+';
    else source += escapeRegex(part);
  }
  return new RegExp(`^${source}$`);
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
