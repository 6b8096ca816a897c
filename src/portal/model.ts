/**
 * The portal's data: what the API answers and what the static export inlines. Plain data, shared by the server
 * (src/portal/*.ts) and the front end (src/portal/web/), so no Node import here.
 */

export interface PortalColumn {
  readonly name: string;
  readonly type: string;
  readonly required: boolean;
  readonly pii: boolean;
  readonly primaryKey: boolean;
  readonly partitionKey: boolean;
  readonly description?: string;
}

export interface PortalSubscriber {
  readonly domain: string;
  /** The table subscription: 'all' columns, a subset, or none. */
  readonly table?: 'all' | readonly string[];
  /**
   * The stream subscription's function and consumer group; on aws, its deployment: the event source mapping's state
   * ('Enabled', 'Creating', …), 'not deployed', or 'unknown'.
   */
  readonly stream?: { readonly function: string; readonly group: string; readonly deployment?: string };
  /** A grant on the table is in the catalog. */
  readonly granted: boolean;
  /** The access request's status (approval products), from the files. */
  readonly access?: string;
}

export interface PortalAccessEntry {
  readonly consumer: string;
  readonly product: string;
  readonly producer: string;
  readonly status: string;
  readonly columns?: readonly string[];
  readonly purpose?: string;
  readonly date?: string;
  readonly by?: string;
}

export interface PortalProduct {
  readonly name: string;
  readonly domain: string;
  readonly description: string;
  readonly version?: string;
  readonly owner: { readonly team: string; readonly contact?: string };
  readonly classification?: string;
  readonly policy?: string;
  readonly tags: readonly string[];
  /** 'table', 'stream' or both. */
  readonly planes: readonly string[];
  readonly published: boolean;
  readonly ports: {
    readonly table?: {
      readonly name: string;
      readonly location: string;
      readonly format: string;
      readonly partitionKeys: readonly string[];
    };
    readonly stream?: { readonly topic: string; readonly encoding: string; readonly partitions?: number };
  };
  readonly columns: readonly PortalColumn[];
  readonly subscribers: readonly PortalSubscriber[];
}

export interface PortalDomain {
  readonly name: string;
  readonly kind: string;
  readonly owner: { readonly team: string; readonly contact?: string };
  readonly description?: string;
}

export type LineageKind = 'domain' | 'product' | 'topic' | 'function' | 'transform' | 'dataset' | 'campaign';

export interface LineageNode {
  readonly id: string;
  readonly kind: LineageKind;
  readonly label: string;
  /** The page it opens (a hash route), when it has one. */
  readonly href?: string;
}

export interface LineageEdge {
  readonly source: string;
  readonly target: string;
  /** 'owns': a domain's product (not followed downstream); 'flow': data moves from source to target. */
  readonly kind: 'owns' | 'flow';
  readonly label?: string;
}

export interface LineageGraph {
  readonly nodes: readonly LineageNode[];
  readonly edges: readonly LineageEdge[];
}

export interface PortalData {
  readonly mesh: string;
  readonly target: string;
  readonly generatedAt: string;
  readonly domains: readonly PortalDomain[];
  readonly products: readonly PortalProduct[];
  readonly lineage: LineageGraph;
  readonly access: readonly PortalAccessEntry[];
}

/** What the front end is told about the server it talks to (absent in a static export). */
export interface PortalInfo {
  readonly mesh: string;
  readonly target: string;
  readonly allowWrites: boolean;
  /** `mesh dev` serves the live views. */
  readonly live: boolean;
}
