/** The streams plane's resource types (planes streams, schemas, functions) and their specs (see ResourceSpecs in src/engine/plan.ts). */
import type { ClusterPolicySpec } from './functions/aws/cluster-policy.js';
import type { MappingSpec } from './functions/aws/event-source-mapping.js';
import type { ExecutionRoleSpec } from './functions/aws/execution-role.js';
import type { LambdaFunctionSpec } from './functions/aws/lambda-function.js';
import type { ConsumerGroupSpec, LocalFunctionSpec } from './port.js';
import type { SchemaResourceSpec } from './topics/publish-resources.js';
import type { TopicResourceSpec } from './topics/topic-spec.js';

declare module '../engine/plan.js' {
  interface ResourceSpecs {
    topic: TopicResourceSpec;
    schema: SchemaResourceSpec;
    'consumer-group': ConsumerGroupSpec;
    /** A Lambda function (aws) or the function record `mesh dev` runs (local): `isLocalFunction` tells them apart. */
    function: LambdaFunctionSpec | LocalFunctionSpec;
    'execution-role': ExecutionRoleSpec;
    'event-source-mapping': MappingSpec;
    'msk-cluster-policy': ClusterPolicySpec;
  }
}

/** The local target's function record (it has a handler hash; a Lambda function spec has a CodeSha256). */
export function isLocalFunction(spec: LambdaFunctionSpec | LocalFunctionSpec): spec is LocalFunctionSpec {
  return 'handlerHash' in spec;
}
