export type AccountRole = 'central' | 'producer' | 'consumer';
export declare const ROLES: readonly AccountRole[];
export declare const AWS_VARIABLES: {
  readonly clusterArn: 'MESH_TEST_MSK_CLUSTER_ARN';
  readonly region: 'MESH_TEST_REGION';
  readonly roleName: 'MESH_TEST_ROLE_NAME';
  readonly vpcConnectionArn: 'MESH_TEST_MSK_VPC_CONNECTION_ARN';
  readonly replicationFactor: 'MESH_TEST_REPLICATION_FACTOR';
  readonly runId: 'MESH_TEST_RUN_ID';
  readonly profile: { readonly [R in AccountRole]: string };
  readonly account: { readonly [R in AccountRole]: string };
};
export declare function awsVariableProblems(env: Record<string, string | undefined>): string[];
