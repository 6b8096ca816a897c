// The variables `npm run test:aws` reads, and what is missing or wrong in them: one module for the launcher
// (scripts/test-aws.mjs) and the lifecycle test's environment (test/e2e/aws-lifecycle-environment.ts), so the two
// cannot drift. Names only: no value of a credential is ever read here.

export const ROLES = ['central', 'producer', 'consumer'];

export const AWS_VARIABLES = {
  clusterArn: 'MESH_TEST_MSK_CLUSTER_ARN',
  region: 'MESH_TEST_REGION',
  roleName: 'MESH_TEST_ROLE_NAME',
  vpcConnectionArn: 'MESH_TEST_MSK_VPC_CONNECTION_ARN',
  replicationFactor: 'MESH_TEST_REPLICATION_FACTOR',
  runId: 'MESH_TEST_RUN_ID',
  profile: { central: 'MESH_TEST_CENTRAL_PROFILE', producer: 'MESH_TEST_PRODUCER_PROFILE', consumer: 'MESH_TEST_CONSUMER_PROFILE' },
  account: { central: 'MESH_TEST_CENTRAL_ACCOUNT', producer: 'MESH_TEST_PRODUCER_ACCOUNT', consumer: 'MESH_TEST_CONSUMER_ACCOUNT' },
};

/** What is missing or wrong in the variables, one line a user can act on each (names only, never values). */
export function awsVariableProblems(env) {
  const V = AWS_VARIABLES;
  const problems = [];
  const arn = env[V.clusterArn];
  if (!arn) problems.push(`${V.clusterArn}: the ARN of an existing MSK cluster (ACTIVE, IAM auth enabled)`);
  else if (!/^arn:aws[a-z-]*:kafka:[a-z0-9-]+:\d{12}:cluster\/[^/]+\/[^/]+$/.test(arn)) {
    problems.push(`${V.clusterArn}: not an MSK cluster ARN (arn:aws:kafka:<region>:<account>:cluster/<name>/<uuid>)`);
  }
  for (const role of ROLES) {
    const profile = env[V.profile[role]];
    const account = env[V.account[role]];
    if (!profile && !account) problems.push(`${V.profile[role]} or ${V.account[role]}: the ${role} account`);
    if (account && !/^\d{12}$/.test(account)) problems.push(`${V.account[role]}: not a 12-digit account id`);
    if (account && !profile && !env[V.roleName]) problems.push(`${V.roleName}: the role to assume in ${V.account[role]}`);
  }
  const clusterAccount = (arn ?? '').split(':')[4];
  const consumer = env[V.account.consumer];
  if (consumer && clusterAccount && consumer !== clusterAccount && !env[V.vpcConnectionArn]) {
    problems.push(
      `${V.vpcConnectionArn}: the consumer account is not the cluster's; Lambda reaches the cluster from it through a managed VPC connection`,
    );
  }
  const rf = env[V.replicationFactor];
  if (rf !== undefined && !/^[1-9]\d*$/.test(rf)) problems.push(`${V.replicationFactor}: a positive integer`);
  if (Object.keys(env).some((k) => k === 'AWS_ENDPOINT_URL' || k.startsWith('AWS_ENDPOINT_URL_'))) {
    problems.push('AWS_ENDPOINT_URL*: unset it; the real-account run uses the default AWS endpoints');
  }
  return problems;
}
