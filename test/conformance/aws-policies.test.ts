// Every IAM policy mesh writes passes parliament (a linter for IAM policies, pinned in scripts/requirements-test.txt,
// community auditors included), for the running example: the Lambda execution roles, the MSK cluster policy, the
// producer bucket policies, the Lake Formation data-access role and the domain roles (trust and permissions). The
// cluster policy gives each consumer role reads on its subscribed topics and writes on its own dead-letter topics
// only; an execution role with 100 subscriptions stays under IAM's 10,240-character limit for inline policies.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { desiredBootstrap } from '../../src/bootstrap/desired.js';
import { mergePolicy } from '../../src/catalog/aws/lf-shapes.js';
import { desiredCatalog } from '../../src/catalog/desired.js';
import { catalogNaming } from '../../src/catalog/names.js';
import { desiredClusterPolicy } from '../../src/streams/functions/aws/cluster-policy.js';
import {
  executionRolePolicy,
  INLINE_POLICY_LIMIT,
  LAMBDA_TRUST_POLICY,
  policySize,
} from '../../src/streams/functions/aws/execution-role-policy.js';
import { executionRoleName, lambdaFunctionName, mskArns } from '../../src/streams/functions/function-naming.js';
import { streamSubscriptionsInScope } from '../../src/streams/functions/stream-subscriptions.js';
import { loadWorkspace } from '../../src/workspace/load.js';
import type { Workspace } from '../../src/workspace/model.js';
import { consumerGroupId } from '../../src/workspace/naming.js';
import { runInProcess } from '../cli/run-cli.js';
import { findingLines, parliament, unexplained } from './parliament.js';

const CLUSTER = 'arn:aws:kafka:us-east-1:999999999999:cluster/music/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0-2';
const base = mkdtempSync(path.join(os.tmpdir(), 'mesh-policies-'));
let ws: Workspace;

beforeAll(async () => {
  const root = path.join(base, 'example');
  const init = await runInProcess(['init', '--example', 'music-streaming', '-C', root, '--json', '--yes']);
  if (init.code !== 0) throw new Error(`mesh init failed (${init.code}):\n${init.stdout}\n${init.stderr}`);
  ws = await loadWorkspace(root);
});
afterAll(() => rmSync(base, { recursive: true, force: true }));

const allSubscriptions = () => streamSubscriptionsInScope(ws, { include: { publish: true, subscriptions: true } });

function executionPolicies(): Record<string, unknown> {
  const arns = mskArns(CLUSTER);
  const byFunction = new Map<string, ReturnType<typeof allSubscriptions>>();
  for (const s of allSubscriptions()) {
    const key = `${s.domain.name}/${s.stream.function}`;
    byFunction.set(key, [...(byFunction.get(key) ?? []), s]);
  }
  const out: Record<string, unknown> = {};
  for (const [key, subs] of byFunction) {
    const domain = subs[0]?.domain;
    if (!domain) continue;
    const functionName = lambdaFunctionName(ws.mesh, domain.name, subs[0]?.stream.function ?? '');
    out[`execution role ${executionRoleName(functionName)} (${key})`] = executionRolePolicy({
      clusterArn: CLUSTER,
      topicArns: subs.map((s) => arns.topic(s.port.topic)),
      groupArns: subs.map((s) => arns.group(consumerGroupId(ws.mesh, domain.name, s.product.name))),
      deadLetterTopicArns: subs.map((s) => arns.topic(s.stream.deadLetterTopic)),
      functionName,
      region: domain.access.region,
      account: domain.access.account,
      permissions: subs.flatMap((s) => s.stream.permissions),
      vpcConnectionArn: `arn:aws:kafka:us-east-1:${domain.access.account}:vpc-connection/999999999999/music/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0-2`,
    });
  }
  return out;
}

describe('parliament on every policy mesh writes', () => {
  it('finds nothing in the execution roles (permissions and trust)', () => {
    const policies = { ...executionPolicies(), 'execution role trust': LAMBDA_TRUST_POLICY };
    expect(Object.keys(policies).length).toBeGreaterThanOrEqual(5);
    const kinds = Object.fromEntries(Object.keys(policies).map((k) => [k, k.endsWith('trust') ? 'trust' : 'identity'] as const));
    const declaredStar = allSubscriptions().flatMap((s) =>
      s.stream.permissions.filter((p) => p.resources.includes('*')).flatMap((p) => p.actions),
    );
    expect(unexplained(parliament(policies), kinds, declaredStar)).toEqual([]);
  });

  it('finds nothing in the cluster policy', () => {
    const spec = desiredClusterPolicy(ws, CLUSTER, allSubscriptions());
    expect(spec.statements.length).toBeGreaterThan(0);
    const findings = parliament({ 'cluster policy': { Version: '2012-10-17', Statement: spec.statements } });
    expect(unexplained(findings, { 'cluster policy': 'cluster-policy' })).toEqual([]);
  });

  it('finds nothing in the producer bucket policies', () => {
    const catalog = desiredCatalog(ws, { include: { publish: true, subscriptions: true } }, catalogNaming(ws, 'aws'));
    const policies: Record<string, unknown> = {};
    for (const r of catalog.resources) {
      if (r.spec.kind === 'bucket-policy' && r.spec.statement) {
        policies[`bucket policy ${r.spec.bucket}`] = JSON.parse(mergePolicy(undefined, r.spec.statement));
      }
    }
    expect(Object.keys(policies).length).toBeGreaterThan(0);
    expect(findingLines(parliament(policies))).toEqual([]);
  });

  it('finds nothing in the data-access role and the domain roles that bootstrap writes (trust and permissions)', () => {
    const policies: Record<string, unknown> = {};
    for (const { spec } of desiredBootstrap(ws, 'arn:aws:iam::111111111111:role/MeshAdmin')) {
      if (spec.kind !== 'iam-role') continue;
      policies[`role ${spec.name} trust`] = spec.trust;
      if (spec.policy) policies[`role ${spec.name} policy`] = spec.policy;
    }
    const kinds = Object.fromEntries(Object.keys(policies).map((k) => [k, k.endsWith('trust') ? 'trust' : 'identity'] as const));
    expect(Object.keys(policies)).toEqual(expect.arrayContaining([`role ${ws.mesh.central.dataAccessRoleName} policy`]));
    expect(Object.keys(policies).filter((k) => k.endsWith('policy')).length).toBeGreaterThan(1);
    expect(unexplained(parliament(policies), kinds)).toEqual([]);
  });

  it('reports what it finds, and allows nothing beyond the documented cases (the check itself can fail)', () => {
    const statement = (Action: string[], Resource: string[]) => ({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action, Resource }],
    });
    const findings = parliament({
      typo: statement(['kafka-cluster:WriteDatta'], ['*']),
      star: statement(['personalize:PutItems'], ['*']),
      mismatch: statement(['kafka:GetBootstrapBrokers'], [CLUSTER]),
    });
    expect(findings.typo?.map((f) => f.issue)).toContain('UNKNOWN_ACTION');
    const lines = unexplained(findings, { typo: 'identity', star: 'identity', mismatch: 'identity' });
    expect(lines.map((l) => l.split(' (')[0])).toEqual(['typo: UNKNOWN_ACTION', 'star: RESOURCE_STAR', 'mismatch: RESOURCE_MISMATCH']);
  });
});

describe('least privilege in the cluster policy', () => {
  it('lets each consumer role read only its source topics and write only its own dead-letter topics', () => {
    const subs = allSubscriptions();
    const { statements } = desiredClusterPolicy(ws, CLUSTER, subs);
    const arns = mskArns(CLUSTER);
    for (const s of subs) {
      const role = `arn:aws:iam::${s.domain.access.account}:role/${executionRoleName(lambdaFunctionName(ws.mesh, s.domain.name, s.stream.function))}`;
      const mine = subs.filter((o) => o.domain.name === s.domain.name && o.stream.function === s.stream.function);
      const granted = (action: string) =>
        statements.filter((st) => st.Principal.AWS.includes(role) && st.Action.includes(action)).flatMap((st) => st.Resource);
      expect(granted('kafka-cluster:WriteData').sort()).toEqual([...new Set(mine.map((o) => arns.topic(o.stream.deadLetterTopic)))].sort());
      expect(granted('kafka-cluster:ReadData').sort()).toEqual([...new Set(mine.map((o) => arns.topic(o.port.topic)))].sort());
      expect(granted('kafka-cluster:WriteData')).not.toContain(arns.topic(s.port.topic));
    }
  });
});

describe('an execution role with 100 subscriptions', () => {
  const arns = mskArns(CLUSTER);
  const consumer = 'recommendations';
  // Names of the example's length (mesh.interactions.listens.v1: 28 characters).
  const topics = Array.from({ length: 100 }, (_, i) => `mesh.domain${i % 10}.entity-${i}.v1`);
  const policy = () =>
    executionRolePolicy({
      clusterArn: CLUSTER,
      topicArns: topics.map((t) => arns.topic(t)),
      groupArns: topics.map((t) => arns.group(`mesh.${consumer}.product-${t.split('.')[2]}`)),
      deadLetterTopicArns: topics.map((t) => arns.topic(`${t}.dlq.${consumer}`)),
      functionName: 'music-recommendations-all-handler',
      region: 'us-east-1',
      account: '222222222222',
      permissions: [{ actions: ['personalize:PutItems'], resources: ['arn:aws:personalize:us-east-1:222222222222:dataset/music/ITEMS'] }],
    });

  it(`stays under IAM's ${INLINE_POLICY_LIMIT} characters for a role's inline policies, and passes parliament`, () => {
    const document = policy();
    expect(policySize(document)).toBeLessThanOrEqual(INLINE_POLICY_LIMIT);
    expect(findingLines(parliament({ 'execution role, 100 subscriptions': document }))).toEqual([]);
  });

  it('keeps every source topic exact and widens writes only to this consumer’s own dead letters', () => {
    const bySid = Object.fromEntries(policy().Statement.map((s) => [s.Sid, s]));
    expect(bySid.MskReadTopic?.Resource).toHaveLength(100);
    for (const t of topics) expect(bySid.MskReadTopic?.Resource).toContain(`arn:aws:kafka:us-east-1:999999999999:topic/music/*/${t}`);
    expect(bySid.MskDeadLetterTopic?.Resource).toEqual([
      `arn:aws:kafka:us-east-1:999999999999:topic/music/*/mesh.domain*.v1.dlq.${consumer}`,
    ]);
    expect(bySid.MskConsumerGroup?.Resource).toEqual([
      `arn:aws:kafka:us-east-1:999999999999:group/music/*/mesh.${consumer}.product-entity-*`,
    ]);
  });

  it('is exact (no wildcard) while it fits', () => {
    const document = executionPolicies();
    const text = JSON.stringify(document);
    expect(text).not.toContain('/*/');
    expect(text).toContain(CLUSTER.split('/').slice(-1)[0]);
  });
});
