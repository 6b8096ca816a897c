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

/**
 * Actions with which a function's code would give itself (or anyone) more than its declared permissions: writing IAM
 * policies or roles (its own execution role included, then `kafka-cluster:*`), assuming other roles, changing
 * functions and their triggers, and the rest of the cluster's control plane. Refused in declared permissions like the
 * cluster actions above; whole services (`iam:*`, `sts:*`, `organizations:*`) are refused by these members.
 */
const ESCALATION_ACTIONS = [
  ...[
    'AddRoleToInstanceProfile',
    'AddUserToGroup',
    'AttachGroupPolicy',
    'AttachRolePolicy',
    'AttachUserPolicy',
    'CreateAccessKey',
    'CreateLoginProfile',
    'CreatePolicy',
    'CreatePolicyVersion',
    'CreateRole',
    'CreateServiceLinkedRole',
    'CreateUser',
    'DeleteRolePermissionsBoundary',
    'DeleteRolePolicy',
    'DetachRolePolicy',
    'PassRole',
    'PutGroupPolicy',
    'PutRolePermissionsBoundary',
    'PutRolePolicy',
    'PutUserPolicy',
    'SetDefaultPolicyVersion',
    'UpdateAssumeRolePolicy',
    'UpdateLoginProfile',
  ].map((a) => `iam:${a}`),
  ...['AssumeRole', 'AssumeRoleWithSAML', 'AssumeRoleWithWebIdentity', 'GetFederationToken', 'GetSessionToken'].map((a) => `sts:${a}`),
  ...['AttachPolicy', 'CreatePolicy', 'LeaveOrganization', 'UpdatePolicy'].map((a) => `organizations:${a}`),
  ...[
    'AddLayerVersionPermission',
    'AddPermission',
    'CreateEventSourceMapping',
    'CreateFunction',
    'CreateFunctionUrlConfig',
    'DeleteEventSourceMapping',
    'DeleteFunction',
    'PutFunctionConcurrency',
    'UpdateEventSourceMapping',
    'UpdateFunctionCode',
    'UpdateFunctionConfiguration',
    'UpdateFunctionUrlConfig',
  ].map((a) => `lambda:${a}`),
  ...[
    'CreateCluster',
    'CreateClusterV2',
    'CreateConfiguration',
    'TagResource',
    'UntagResource',
    'UpdateBrokerCount',
    'UpdateBrokerStorage',
    'UpdateBrokerType',
    'UpdateClusterKafkaVersion',
    'UpdateMonitoring',
    'UpdateReplicationInfo',
    'UpdateStorage',
  ].map((a) => `kafka:${a}`),
];

/** The actions of `list` an IAM action pattern matches (case-insensitive; `*` any run of characters, `?` one). */
function actionsMatched(pattern: string, list: readonly string[]): string[] {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  const re = new RegExp(`^${source}$`, 'i');
  return list.filter((action) => re.test(action));
}

export const declaredPermissionsScoped: Rule = ({ domains }, report) => {
  for (const entry of domains) {
    for (const [index, subscription] of entry.domain.subscriptions.entries()) {
      for (const [p, permission] of (subscription.stream?.permissions ?? []).entries()) {
        const cluster = [...new Set(permission.actions.flatMap((a) => actionsMatched(a, CLUSTER_ACTIONS)))];
        const escalation = [...new Set(permission.actions.flatMap((a) => actionsMatched(a, ESCALATION_ACTIONS)))];
        if (cluster.length === 0 && escalation.length > 0) {
          report.at(
            entry.source,
            ['subscriptions', index, 'stream', 'permissions', p, 'actions'],
            ProblemCode.PermissionNotAllowed,
            `The declared permission names actions that change permissions, roles or functions (${escalation.slice(0, 3).join(', ')}${escalation.length > 3 ? ', …' : ''}); with them the function could grant itself more than it declares.`,
            {
              hint: 'Remove them: a function declares the data actions it needs (e.g. personalize:PutEvents); mesh manages roles, policies, functions and their triggers.',
            },
          );
          continue;
        }
        const matched = cluster;
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
