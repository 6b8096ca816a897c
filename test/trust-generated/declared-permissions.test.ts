// A stream subscription may declare extra IAM statements for its function (`permissions`), and mesh puts them in the
// function's execution role as written. Topic access is what subscriptions and the producers' approvals decide: with
// a declared `kafka-cluster:ReadData` on `…:topic/<cluster>/*` (or an action pattern such as `*` or `kafka-cluster:*`),
// a consumer whose functions run in the cluster's account read every topic, restricted products' included, with no
// subscription or approval (IAM alone authorises same-account MSK clients). Declared permissions may not name
// kafka-cluster actions; mesh grants those itself.
import { describe, expect, it } from 'vitest';
import { edit, type Files, validFiles } from '../workspace/fixture.js';
import { workspacesPerTest } from './workspaces.js';

const INSIGHTS = 'domains/insights/domain.yaml';
const TOPICS = 'arn:aws:kafka:us-east-1:333333333333:topic/mesh/*';

const { errorsOf } = workspacesPerTest();

/** insights' stream subscription declares these actions on `resources`. */
function declaring(actions: readonly string[], resources: readonly string[] = [TOPICS]): Files {
  const list = (values: readonly string[]) => `[${values.map((v) => JSON.stringify(v)).join(', ')}]`;
  return edit(
    validFiles(),
    INSIGHTS,
    'function: orders-handler\n',
    `function: orders-handler\n      permissions:\n        - actions: [personalize:PutEvents]\n          resources: ["*"]\n        - actions: ${list(actions)}\n          resources: ${list(resources)}\n`,
  );
}

describe("a subscription's declared permissions", () => {
  it.each([
    [['kafka-cluster:ReadData', 'kafka-cluster:DescribeTopic']],
    [['kafka-cluster:*']],
    [['*']],
    [['kafka-*:*']],
    [['KAFKA-CLUSTER:readdata']],
    [['*:WriteData']],
    [['kafka-cluster:Read?ata']],
    [['s3:GetObject', 'kafka-cluster:AlterGroup']],
    [['kafka:*']],
    [['kafka:PutClusterPolicy']],
  ])('may not name kafka-cluster actions: %j', async (actions) => {
    expect(await errorsOf(declaring(actions))).toEqual([`PermissionNotAllowed ${INSIGHTS} subscriptions[0].stream.permissions[1].actions`]);
  });

  it.each([
    [['iam:PutRolePolicy']],
    [['iam:*']],
    [['IAM:attachrolepolicy']],
    [['sts:AssumeRole']],
    [['sts:*']],
    [['lambda:UpdateFunctionCode']],
    [['lambda:Update*']],
    [['kafka:UpdateBrokerCount']],
    [['organizations:*']],
    [['i*:Put*Policy']],
  ])('may not name actions that change permissions, roles or functions: %j', async (actions) => {
    // With iam:PutRolePolicy on its own execution role, the function could grant itself kafka-cluster:* at run time.
    expect(await errorsOf(declaring(actions, ['arn:aws:iam::333333333333:role/demo-insights-orders-handler-exec']))).toEqual([
      `PermissionNotAllowed ${INSIGHTS} subscriptions[0].stream.permissions[1].actions`,
    ]);
  });

  it.each([[['lambda:InvokeFunction']], [['iam:GetRole']], [['sts:GetCallerIdentity']]])(
    'may name reads and calls of those services: %j',
    async (actions) => {
      expect(await errorsOf(declaring(actions, ['*']))).toEqual([]);
    },
  );

  it.each([[['personalize:PutItems']], [['s3:GetObject', 's3:List*']], [['kafka:DescribeClusterV2']], [['firehose:Put*']]])(
    'may name other services: %j',
    async (actions) => {
      expect(await errorsOf(declaring(actions, ['*']))).toEqual([]);
    },
  );
});
