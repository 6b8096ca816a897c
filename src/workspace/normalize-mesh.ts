import path from 'node:path';
import { parseMskClusterArn } from './aws-ids.js';
import { MESH_DEFAULTS, type MeshFile } from './mesh-schema.js';
import type { MeshConfig, Streaming, Target } from './model.js';

/** mesh.yaml as written → the resolved MeshConfig (defaults filled in, paths absolute). */
export function normalizeMesh(raw: MeshFile, root: string, target?: Target): MeshConfig {
  const central = raw.centralCatalog;
  const account = String(central.account);
  let streaming: Streaming;
  const s = raw.streaming ?? { kind: 'embedded' as const };
  if (s.kind === 'msk') {
    const arn = parseMskClusterArn(s.clusterArn);
    streaming = { kind: 'msk', clusterArn: s.clusterArn, region: arn?.region ?? central.region, account: arn?.account ?? account };
  } else if (s.kind === 'kafka') {
    streaming = { kind: 'kafka', brokers: [...s.brokers] };
  } else {
    streaming = { kind: 'embedded' };
  }
  return {
    name: raw.name,
    target: target ?? raw.target ?? MESH_DEFAULTS.target,
    central: {
      account,
      region: central.region,
      ...(central.profile ? { profile: central.profile } : {}),
      ...(central.roleArn ? { roleArn: central.roleArn } : {}),
      dataAccessRoleName: central.dataAccessRoleName ?? MESH_DEFAULTS.dataAccessRoleName,
    },
    streaming,
    naming: {
      topicPattern: raw.naming?.topicPattern ?? MESH_DEFAULTS.topicPattern,
      databasePattern: raw.naming?.databasePattern ?? MESH_DEFAULTS.databasePattern,
      linkDatabasePattern: raw.naming?.linkDatabasePattern ?? MESH_DEFAULTS.linkDatabasePattern,
      consumerGroupPattern: raw.naming?.consumerGroupPattern ?? MESH_DEFAULTS.consumerGroupPattern,
    },
    requiredOwnerFields: raw.rules?.requiredOwnerFields ?? [...MESH_DEFAULTS.requiredOwnerFields],
    schemaRegistry: raw.schemaRegistry ?? raw.name,
    localDir: path.resolve(root, raw.local?.dir ?? MESH_DEFAULTS.localDir),
    ...(raw.domainAccounts
      ? { domainAccounts: Object.fromEntries(Object.entries(raw.domainAccounts).map(([domain, account]) => [domain, String(account)])) }
      : {}),
    aws: { artifactBucketPattern: raw.aws?.artifactBucketPattern ?? MESH_DEFAULTS.artifactBucketPattern },
  };
}
