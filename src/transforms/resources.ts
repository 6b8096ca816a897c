/**
 * The transforms plane's resource types (declaration merging on the engine's ResourceSpecs, see src/engine/plan.ts):
 * the Glue job of a transform whose engine is glue (aws). A local transform, or an Athena one, is a run and has no
 * resource to plan.
 */
import type { JobUpdate } from '@aws-sdk/client-glue';

export interface GlueJobSpec {
  readonly domain: string;
  readonly transform: string;
  readonly jobName: string;
  /** The fields mesh manages, as UpdateJob takes them. */
  readonly job: JobUpdate;
}

declare module '../engine/plan.js' {
  interface ResourceSpecs {
    'glue-job': GlueJobSpec;
  }
}

export const TRANSFORM_TYPES = ['glue-job'] as const;
