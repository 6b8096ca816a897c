/** The transforms port on local: DuckDB over the local catalog, the result written under `.mesh/local/transforms/`. */
import type { Domain, Transform, Workspace } from '../../workspace/model.js';
import type { TransformPort, TransformResult } from '../port.js';
import type { GlueJobSpec } from '../resources.js';
import { runTransform } from './run.js';

export class LocalTransformPort implements TransformPort {
  readonly target = 'local' as const;

  constructor(private readonly workspace: Workspace) {}

  /** No Glue jobs on local. */
  async observeJobs(): Promise<Map<string, GlueJobSpec>> {
    return new Map();
  }

  async applyJob(): Promise<'unchanged'> {
    return 'unchanged';
  }

  run(domain: Domain, transform: Transform): Promise<TransformResult> {
    return runTransform(this.workspace, domain.name, transform.name);
  }

  async close(): Promise<void> {}
}
