/** The destroy plane's own resource types (see ResourceSpecs in src/engine/plan.ts); it also plans the other planes' types. */
import type { DestroySpec } from './specs.js';

/** local: a folder or file under .mesh/local that mesh made. */
export interface LocalPathSpec {
  readonly path: string;
}

declare module '../engine/plan.js' {
  interface ResourceSpecs {
    /** aws: something this workspace made, found by name and tags (grants, databases, locations, bucket statements, schemas, Glue jobs, Personalize resources, data). */
    destroy: DestroySpec;
    'local-path': LocalPathSpec;
  }
}
