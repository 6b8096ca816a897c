import type { DomainFile } from './domain-schema.js';
import type { EventField } from './event-fields.js';
import type { MeshFile } from './mesh-schema.js';
import type { Domain, MeshConfig, Product } from './model.js';
import type { PathSegment } from './problems.js';
import type { ProductContract } from './product-schema.js';
import type { Parsed, ParsedDomain } from './read-files.js';

/** A resolved model object together with where it came from, so rules can point at the right line. */
export interface MeshEntry extends Parsed<MeshFile> {
  readonly config: MeshConfig;
}

export interface DomainEntry extends Parsed<DomainFile> {
  readonly domain: Domain;
}

export interface ProductEntry extends Parsed<ProductContract> {
  readonly product: Product;
  readonly owner: ParsedDomain;
  /** Path of the streamPort value in the contract, when it has one. */
  readonly streamPortPath?: readonly PathSegment[];
  readonly topicExplicit: boolean;
  /** Top-level fields of the event schema, when it parsed. */
  readonly eventFields?: readonly EventField[];
  /** Per column: its type was understood (no point comparing it with the event schema otherwise). */
  readonly columnTypeKnown: readonly boolean[];
}

/** Everything the cross-file rules look at. */
export interface RuleInput {
  readonly root: string;
  readonly mesh: MeshEntry;
  readonly domains: readonly DomainEntry[];
  readonly products: readonly ProductEntry[];
  /** Product names that exist but failed to load: no "unknown product" for them. */
  readonly unresolvedProducts: ReadonlySet<string>;
}
