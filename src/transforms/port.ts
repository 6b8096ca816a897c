/**
 * The transforms port: what the transforms plane needs from a target. `local/` runs a transform's SQL with DuckDB
 * over the local catalog; `aws/` keeps the Glue job of a glue-engine transform (script in S3, job in the domain's
 * account) and runs transforms as that job or as an Athena query.
 */
import type { Domain, Target, Transform } from '../workspace/model.js';
import type { AthenaTransformResult } from './aws/athena.js';
import type { GlueTransformResult } from './aws/glue-job.js';
import type { TransformRun } from './local/run.js';
import type { GlueJobSpec } from './resources.js';

export type TransformResult = TransformRun | GlueTransformResult | AthenaTransformResult;

export interface TransformPort {
  readonly target: Target;
  /** The Glue jobs that exist among these (aws; none on local), as the job's managed fields. */
  observeJobs(wanted: readonly GlueJobSpec[]): Promise<Map<string, GlueJobSpec>>;
  /** Uploads the script and creates or updates the job. */
  applyJob(spec: GlueJobSpec): Promise<'created' | 'updated' | 'unchanged'>;
  /** Runs one transform (aws glue: `run: false` only deploys the job). */
  run(domain: Domain, transform: Transform, options: { readonly run?: boolean }): Promise<TransformResult>;
  close(): Promise<void>;
}
