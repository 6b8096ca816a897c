/**
 * The resolved workspace model: what every plane and both targets work from. Produced by `loadWorkspace()` from
 * mesh.yaml, the domain files and the product contracts (ODCS v3), after schema validation and the cross-file rules.
 * Plain data, no I/O. Paths are absolute.
 */

export type Target = 'local' | 'aws';
export type DomainKind = 'producer' | 'consumer' | 'both';
export type TableFormat = 'parquet' | 'csv' | 'json';
export type Compatibility = 'NONE' | 'DISABLED' | 'BACKWARD' | 'BACKWARD_ALL' | 'FORWARD' | 'FORWARD_ALL' | 'FULL' | 'FULL_ALL';
/** Column types, as Glue/Hive spell them. `decimal(p,s)` is allowed too. */
export type ColumnType =
  | 'string'
  | 'int'
  | 'bigint'
  | 'double'
  | 'float'
  | 'boolean'
  | 'timestamp'
  | 'date'
  | `decimal(${number},${number})`;

/** How mesh reaches an AWS account: a named profile, a role to assume, or the default chain. */
export interface AccountAccess {
  readonly account: string;
  readonly region: string;
  readonly profile?: string;
  readonly roleArn?: string;
}

export interface CentralCatalog extends AccountAccess {
  /** User-defined role the central account registers producer locations with (never the LF service-linked role). */
  readonly dataAccessRoleName: string;
}

export type Streaming =
  | { readonly kind: 'embedded' }
  | { readonly kind: 'kafka'; readonly brokers: readonly string[] }
  | { readonly kind: 'msk'; readonly clusterArn: string; readonly region: string; readonly account: string };

export interface NamingRules {
  /** e.g. `mesh.{domain}.{entity}.v{major}` */
  readonly topicPattern: string;
  /** Glue database per domain in the central catalog, e.g. `{mesh}_{domain}` */
  readonly databasePattern: string;
  /** Resource link database in a consumer/producer account, e.g. `mesh_{domain}` */
  readonly linkDatabasePattern: string;
  /** Consumer group for a stream subscription, e.g. `mesh.{consumer}.{product}` */
  readonly consumerGroupPattern: string;
}

export interface MeshConfig {
  readonly name: string;
  readonly target: Target;
  readonly central: CentralCatalog;
  readonly streaming: Streaming;
  readonly naming: NamingRules;
  readonly requiredOwnerFields: readonly ('team' | 'contact')[];
  /** Glue Schema Registry name on aws (one per mesh). */
  readonly schemaRegistry: string;
  /** Where local-target state lives, default `<root>/.mesh/local`. */
  readonly localDir: string;
  /** Each domain's account as mesh.yaml assigns it (`domainAccounts`); absent: domain files name their own. */
  readonly domainAccounts?: Readonly<Record<string, string>>;
  /** Extra settings for the aws target. */
  readonly aws: {
    /** Bucket for exports (Personalize CSVs, handler bundles) in each consumer account, `{mesh}-{domain}-{account}`. */
    readonly artifactBucketPattern: string;
  };
}

export interface Owner {
  readonly team: string;
  readonly contact: string;
}

export interface StreamSubscription {
  /** Function name, unique within the domain, e.g. `interactions-handler`. */
  readonly function: string;
  /** Folder with the handler code, relative paths resolved to absolute. */
  readonly handlerDir: string;
  /** Exported handler, e.g. `index.handler`. */
  readonly handler: string;
  readonly startingPosition: 'LATEST' | 'TRIM_HORIZON';
  readonly batchSize: number;
  readonly batchingWindowSeconds: number;
  readonly maximumRetryAttempts: number;
  /** Dead-letter: a Kafka topic name (default `<topic>.dlq.<consumer>`). */
  readonly deadLetterTopic: string;
  /** Extra IAM actions the handler needs (e.g. personalize:PutEvents). */
  readonly permissions: readonly { readonly actions: readonly string[]; readonly resources: readonly string[] }[];
  /** Environment for the function. */
  readonly environment: Readonly<Record<string, string>>;
}

/** The consumer's side of an access request (`mesh access request`), kept on its subscription. */
export interface AccessRequest {
  readonly purpose?: string;
  /** Requested end of access, YYYY-MM-DD. */
  readonly until?: string;
  /** When it was requested, YYYY-MM-DD. */
  readonly requested?: string;
  readonly by?: string;
}

export interface Subscription {
  readonly product: string;
  readonly table?: { readonly columns?: readonly string[] };
  readonly stream?: StreamSubscription;
  readonly request?: AccessRequest;
}

/** open: any domain may subscribe; approval: the producer approves each consumer; restricted: approval, listed domains only. */
export type AccessPolicy = 'open' | 'approval' | 'restricted';

export interface ProductAccess {
  readonly policy: AccessPolicy;
  /** restricted: the domains that may request. */
  readonly allowedDomains: readonly string[];
}

/** A producer's decision on a consumer's request, recorded in the producer's domain file. */
export interface AccessDecision {
  readonly consumer: string;
  readonly product: string;
  readonly by: string;
  /** YYYY-MM-DD */
  readonly date: string;
  /** Approvals: last day of access, YYYY-MM-DD (inclusive). */
  readonly until?: string;
  /** Approvals: the columns approved; absent = what the request asks for. */
  readonly columns?: readonly string[];
  /** Denials: why. */
  readonly reason?: string;
}

export interface Transform {
  readonly name: string;
  /** SQL over subscribed products, addressable by product name. */
  readonly sqlFile: string;
  readonly sql: string;
  /** Where the result goes, e.g. `datasets/items.csv` (relative to the domain). */
  readonly output: string;
  /** aws: how the same SQL runs. */
  readonly engine: 'glue' | 'athena';
}

export interface Domain {
  readonly name: string;
  readonly kind: DomainKind;
  readonly owner: Owner;
  readonly description?: string;
  readonly access: AccountAccess;
  /** The domain's role that mesh grants to (producer role / consumer role). */
  readonly roleName: string;
  /** aws: principals (IAM ARNs) the domain role `mesh bootstrap` creates trusts; absent: the domain account itself. */
  readonly trustedPrincipals?: readonly string[];
  /** Producer storage the export job template matches. */
  readonly storage?: { readonly kind: 'relational' | 'key-value' | 'event-files'; readonly source?: string };
  /**
   * The S3 buckets or bucket prefixes (`s3://bucket/prefix/`, trailing slash) the domain's products may use. A product
   * location outside them is refused; none declared means the domain may not publish to S3.
   */
  readonly locations?: readonly string[];
  readonly dir: string;
  readonly file: string;
  readonly subscriptions: readonly Subscription[];
  readonly transforms: readonly Transform[];
  /** Path to the Personalize template (consumer domains with the recommendations use case). */
  readonly personalizeFile?: string;
  /** Analytics: Firehose delivery stream for the ingestor on aws. */
  readonly firehoseStream?: string;
  /**
   * aws: the managed VPC connection (MSK multi-VPC private connectivity) this domain's functions use to reach a
   * cluster in another account; its event source mappings name it instead of the cluster.
   */
  readonly mskVpcConnectionArn?: string;
  /** Access this (producer) domain approved, and denied, on its products. */
  readonly approvals?: readonly AccessDecision[];
  readonly denials?: readonly AccessDecision[];
}

export interface Column {
  readonly name: string;
  readonly type: ColumnType;
  readonly required: boolean;
  readonly pii: boolean;
  readonly primaryKey: boolean;
  readonly description?: string;
  readonly classification?: string;
}

export interface TablePort {
  readonly format: TableFormat;
  /** s3://bucket/prefix on aws; a path (relative to the domain folder, made absolute) on local. */
  readonly location: string;
  readonly partitionKeys: readonly string[];
  /** Table name in the catalog (default: the product name with dashes as underscores). */
  readonly tableName: string;
  /** aws: `mesh bootstrap` creates and manages the location's bucket (customProperties `bucket: { managed: true }`). */
  readonly managedBucket?: { readonly kmsKey?: string };
}

export interface StreamPort {
  /** Entity part of the topic name, e.g. `listen-events`. */
  readonly entity: string;
  /** Major version in the topic name. */
  readonly major: number;
  /** Resolved topic name from the mesh's pattern (or given explicitly). */
  readonly topic: string;
  readonly partitions: number;
  readonly replicationFactor: number;
  readonly retentionHours: number;
  readonly keyField: string;
  /** Event field holding a unique event id (idempotent `events produce`); absent: a hash of the event's line. */
  readonly eventId?: string;
  /** Absolute path of the .avsc file, and its text. */
  readonly eventSchemaFile: string;
  readonly eventSchema: string;
  readonly compatibility: Compatibility;
  readonly encoding: 'avro' | 'json';
  readonly configs: Readonly<Record<string, string>>;
}

export interface Product {
  /** Stable id: `urn:mesh:<mesh>:<domain>:<name>`. */
  readonly id: string;
  readonly name: string;
  readonly domain: string;
  readonly version: string;
  readonly status: string;
  readonly description: string;
  readonly owner: Owner;
  readonly classification: string;
  /** Who may read it (absent: the default for its classification, see src/workspace/access-policy.ts). */
  readonly access?: ProductAccess;
  readonly columns: readonly Column[];
  readonly table?: TablePort;
  readonly stream?: StreamPort;
  /** The contract file (ODCS v3). */
  readonly file: string;
  /** Sample data shipped with the product (local target publishes it), absolute path, if any. */
  readonly sampleData?: string;
}

export interface Workspace {
  readonly root: string;
  readonly meshFile: string;
  readonly mesh: MeshConfig;
  readonly domains: readonly Domain[];
  readonly products: readonly Product[];
}

// Products by name, per products list: a plan looks up every subscription's product (a scan each was O(subs × products)).
const productIndex = new WeakMap<readonly Product[], { readonly size: number; readonly byName: Map<string, Product> }>();

/** Lookups that every plane needs. */
export function findProduct(ws: Workspace, name: string): Product | undefined {
  let index = productIndex.get(ws.products);
  if (!index || index.size !== ws.products.length) {
    const byName = new Map<string, Product>();
    for (const p of ws.products) if (!byName.has(p.name)) byName.set(p.name, p);
    index = { size: ws.products.length, byName };
    productIndex.set(ws.products, index);
  }
  return index.byName.get(name);
}

export function subscribersOf(ws: Workspace, product: string): { domain: Domain; subscription: Subscription }[] {
  const out: { domain: Domain; subscription: Subscription }[] = [];
  for (const domain of ws.domains) {
    for (const subscription of domain.subscriptions) {
      if (subscription.product === product) out.push({ domain, subscription });
    }
  }
  return out;
}
