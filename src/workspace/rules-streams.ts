/**
 * What a consumer's stream subscription may name. mesh creates a subscription's dead-letter topic (with the source's
 * partitions and retention), gives the consumer's function WriteData on it and points Lambda's on-failure destination
 * at it, so the topic must be the consumer's own: named `<anything>.dlq.<consumer>` (the default is
 * `<product topic>.dlq.<consumer>`), and no product's topic. Otherwise a consumer's file could shorten the retention
 * of another team's topic, add partitions to it, or let the consumer's code write into it.
 */
import { ProblemCode } from './problems.js';
import type { Rule } from './rule.js';
import { kafkaTopicProblem } from './topic-names.js';

/** Is `topic` in the namespace of `domain`'s dead letters (`<something>.dlq.<domain>`)? */
function isOwnDeadLetterTopic(topic: string, domain: string): boolean {
  const suffix = `.dlq.${domain}`;
  return topic.length > suffix.length && topic.endsWith(suffix);
}

export const deadLetterTopicsOwned: Rule = ({ domains, products }, report) => {
  const productTopics = new Map<string, string>();
  for (const entry of products) {
    const topic = entry.product.stream?.topic;
    if (topic !== undefined && !productTopics.has(topic)) productTopics.set(topic, entry.product.name);
  }
  for (const entry of domains) {
    const consumer = entry.domain.name;
    for (const [index, subscription] of entry.domain.subscriptions.entries()) {
      const topic = subscription.stream?.deadLetterTopic;
      // Only a name the file writes: a derived one is the consumer's by construction.
      if (topic === undefined || entry.raw.subscriptions?.[index]?.stream?.deadLetterTopic === undefined) continue;
      if (kafkaTopicProblem(topic)) continue; // InvalidTopicName says so
      const product = productTopics.get(topic);
      if (product === undefined && isOwnDeadLetterTopic(topic, consumer)) continue;
      report.at(
        entry.source,
        ['subscriptions', index, 'stream', 'deadLetterTopic'],
        ProblemCode.DeadLetterTopicNotOwned,
        product !== undefined
          ? `Dead-letter topic "${topic}" is the stream port of product "${product}"; ${consumer} may not write into it or change it.`
          : `Dead-letter topic "${topic}" is not ${consumer}'s: a dead-letter topic is named <name>.dlq.${consumer}.`,
        {
          hint: `Remove deadLetterTopic to use the default (<product topic>.dlq.${consumer}), or name one that ends in .dlq.${consumer}.`,
        },
      );
    }
  }
};

/**
 * Actions on the streaming cluster that mesh grants itself, from subscriptions and approvals (the kafka-cluster data
 * plane), or that change the cluster and its policy. A function's declared `permissions` may not name them, not even
 * through a pattern (`*`, `kafka-cluster:*`, `*:ReadData`): for a function in the cluster's account IAM alone
 * authorises them, so they would reach every topic and group, or rewrite who may.
 */
const CLUSTER_ACTIONS = [
  ...[
    'AlterCluster',
    'AlterClusterDynamicConfiguration',
    'AlterGroup',
    'AlterTopic',
    'AlterTopicDynamicConfiguration',
    'AlterTransactionalId',
    'Connect',
    'CreateTopic',
    'DeleteGroup',
    'DeleteTopic',
    'DescribeCluster',
    'DescribeClusterDynamicConfiguration',
    'DescribeGroup',
    'DescribeTopic',
    'DescribeTopicDynamicConfiguration',
    'DescribeTransactionalId',
    'ReadData',
    'WriteData',
    'WriteDataIdempotently',
  ].map((a) => `kafka-cluster:${a}`),
  ...[
    'BatchAssociateScramSecret',
    'CreateVpcConnection',
    'DeleteCluster',
    'DeleteClusterPolicy',
    'DeleteVpcConnection',
    'PutClusterPolicy',
    'RebootBroker',
    'RejectClientVpcConnection',
    'UpdateClusterConfiguration',
    'UpdateConnectivity',
    'UpdateSecurity',
  ].map((a) => `kafka:${a}`),
];

/** The cluster actions an IAM action pattern matches (case-insensitive; `*` any run of characters, `?` one). */
function clusterActionsMatched(pattern: string): string[] {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  const re = new RegExp(`^${source}$`, 'i');
  return CLUSTER_ACTIONS.filter((action) => re.test(action));
}

export const declaredPermissionsScoped: Rule = ({ domains }, report) => {
  for (const entry of domains) {
    for (const [index, subscription] of entry.domain.subscriptions.entries()) {
      for (const [p, permission] of (subscription.stream?.permissions ?? []).entries()) {
        const matched = [...new Set(permission.actions.flatMap(clusterActionsMatched))];
        if (matched.length === 0) continue;
        report.at(
          entry.source,
          ['subscriptions', index, 'stream', 'permissions', p, 'actions'],
          ProblemCode.PermissionNotAllowed,
          `The declared permission names actions on the streaming cluster (${matched.slice(0, 3).join(', ')}${matched.length > 3 ? ', …' : ''}); mesh grants topic and group access from subscriptions only.`,
          {
            hint: "Remove them (and wildcards such as * that cover them): subscribe to a product's stream to read it; its topic access follows the producer's approval.",
          },
        );
      }
    }
  }
};
