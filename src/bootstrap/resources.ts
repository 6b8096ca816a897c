/** The bootstrap plane's resource types and their specs (see ResourceSpecs in src/engine/plan.ts). */
import type { ResourceRef, ResourceSpecs } from '../engine/plan.js';
import type { BootstrapSpec } from './port.js';

type SpecOf<K extends BootstrapSpec['kind']> = Extract<BootstrapSpec, { readonly kind: K }>;

/** The local target's one (no-op) bootstrap resource: nothing to make. */
export interface LocalTargetSpec {
  readonly kind: 'local-target';
}

/** The local target's managed bucket: a folder of the local object store (`.mesh/local/s3/<bucket>`). */
export interface LocalBucketSpec {
  readonly kind: 'local-bucket';
  readonly name: string;
  readonly domain: string;
  readonly products: readonly string[];
}

export const LOCAL_BUCKET_TYPE = 'local-bucket' as const;

declare module '../engine/plan.js' {
  interface ResourceSpecs {
    'lf-settings': SpecOf<'lf-settings'>;
    'iam-role': SpecOf<'iam-role'>;
    'schema-registry': SpecOf<'schema-registry'>;
    'lf-tag-key': SpecOf<'lf-tag'>;
    'lock-table': SpecOf<'lock-table'>;
    'managed-bucket': SpecOf<'s3-bucket'>;
    'local-target': LocalTargetSpec;
    'local-bucket': LocalBucketSpec;
  }
}

export type BootstrapResourceType = 'lf-settings' | 'iam-role' | 'schema-registry' | 'lf-tag-key' | 'lock-table' | 'managed-bucket';

/** A bootstrap resource as the planner takes it: the ref's type follows the spec's kind. */
export type BootstrapResource = {
  [K in BootstrapResourceType]: { readonly ref: ResourceRef<K>; readonly spec: ResourceSpecs[K] };
}[BootstrapResourceType];
