/** Deterministic names and ARNs for a stream subscription's function, role and MSK data-plane resources. */
import { MeshError } from '../../core/errors.js';
import type { MeshConfig } from '../../workspace/model.js';

const LAMBDA_NAME = /^[a-zA-Z0-9-_]{1,64}$/;

/** The Lambda function: `<mesh>-<consumer>-<function>`, e.g. `music-recommendations-interactions-handler`. */
export function lambdaFunctionName(mesh: MeshConfig, consumer: string, fn: string): string {
  const name = `${mesh.name}-${consumer}-${fn}`;
  if (!LAMBDA_NAME.test(name)) {
    throw new MeshError('FunctionNameInvalid', `The Lambda function name "${name}" is not valid (1-64 of a-z, A-Z, 0-9, - and _).`, {
      hint: 'Use a shorter function name in the domain file (the name is <mesh>-<domain>-<function>).',
    });
  }
  return name;
}

/** The execution role: the function name plus `-exec` (IAM role names allow 64 characters). */
export function executionRoleName(functionName: string): string {
  const name = `${functionName}-exec`;
  if (name.length > 64) {
    throw new MeshError('RoleNameTooLong', `The execution role name "${name}" is longer than 64 characters.`, {
      hint: 'Use a shorter function name in the domain file.',
    });
  }
  return name;
}

export function roleArnOf(account: string, roleName: string): string {
  return `arn:aws:iam::${account}:role/${roleName}`;
}

export interface MskArns {
  readonly cluster: string;
  readonly topic: (name: string) => string;
  readonly group: (name: string) => string;
}

/**
 * MSK IAM resource ARNs from the cluster ARN: `…:cluster/<name>/<uuid>` → `…:topic/<name>/<uuid>/<topic>` and
 * `…:group/<name>/<uuid>/<group>` (the MSK IAM access-control resource format). The part after `cluster/` is kept
 * as it is, so an emulator's shorter cluster ARN maps the same way.
 */
export function mskArns(clusterArn: string): MskArns {
  const match = /^(arn:[^:]+:kafka:[^:]*:\d*:)cluster\/(.+)$/.exec(clusterArn);
  if (!match) {
    throw new MeshError('ClusterArnInvalid', `"${clusterArn}" is not an MSK cluster ARN.`, {
      hint: 'Use arn:aws:kafka:<region>:<account>:cluster/<name>/<uuid> in mesh.yaml streaming.clusterArn.',
    });
  }
  const [, prefix, rest] = match;
  return {
    cluster: clusterArn,
    topic: (name) => `${prefix}topic/${rest}/${name}`,
    group: (name) => `${prefix}group/${rest}/${name}`,
  };
}

/** The on-failure destination Lambda writes to for a Kafka topic on the same cluster. */
export function kafkaDestination(topic: string): string {
  return `kafka://${topic}`;
}
