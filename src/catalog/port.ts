/**
 * The catalog port: what the catalog plane needs from a target. Two adapters implement it: `aws/` (Glue, Lake
 * Formation and S3 in the central, producer and consumer accounts) and `local/` (an embedded catalog in SQLite and an
 * object store on disk). Both speak the same resource model, so the plane plans the same way on both targets.
 */
import type { Change, ObservedResource } from '../engine/plan.js';
import type { ColumnType, TableFormat } from '../workspace/model.js';

export type CatalogResourceType =
  | 'glue-database'
  | 'resource-link-database'
  | 'glue-table'
  | 'resource-link'
  | 'lf-location'
  | 'lf-tag'
  | 'lf-grant'
  | 'bucket-policy';

/** A catalog id: the AWS account id on aws; a logical name on local (`@central`, or the domain name). */
export type CatalogId = string;

export interface CatalogColumn {
  readonly name: string;
  readonly type: ColumnType | string;
  readonly comment?: string;
}

/** A regular database: one per domain in the central catalog, or the database holding a consumer's links. */
export interface DatabaseSpec {
  readonly kind: 'glue-database';
  readonly catalog: CatalogId;
  readonly name: string;
  readonly description?: string;
  /** Only the parameters mesh sets (`mesh:*`). */
  readonly parameters: Readonly<Record<string, string>>;
}

/** A database resource link (the producer's `mesh_<domain>` pointing at its central database). */
export interface DatabaseLinkSpec {
  readonly kind: 'resource-link-database';
  readonly catalog: CatalogId;
  readonly name: string;
  readonly target: { readonly catalog: CatalogId; readonly database: string };
}

export interface TableSpec {
  readonly kind: 'glue-table';
  readonly catalog: CatalogId;
  readonly database: string;
  readonly name: string;
  readonly description: string;
  /** Table owner: the producer's account (aws) or domain (local). */
  readonly owner: string;
  readonly format: TableFormat;
  /** The SerDe library for the format (aws); `duckdb` on local. */
  readonly serde: string;
  /** Normalised with a trailing slash. */
  readonly location: string;
  readonly columns: readonly CatalogColumn[];
  readonly partitionKeys: readonly CatalogColumn[];
  /** Parameters mesh sets: `mesh:*` (product id, version, owner, classification…), `classification` (format)… */
  readonly parameters: Readonly<Record<string, string>>;
  /** LF-Tags attached to the table (recorded in the `mesh:lf-tags` parameter as well). */
  readonly lfTags: Readonly<Record<string, string>>;
}

/** A table resource link in a consumer's account (`mesh_<domain>.<table>` → the central table). */
export interface TableLinkSpec {
  readonly kind: 'resource-link';
  readonly catalog: CatalogId;
  readonly database: string;
  readonly name: string;
  readonly target: { readonly catalog: CatalogId; readonly database: string; readonly table: string };
}

/** An S3 location registered with Lake Formation, under the mesh's data-access role. */
export interface LocationSpec {
  readonly kind: 'lf-location';
  readonly catalog: CatalogId;
  /** `arn:aws:s3:::bucket` (aws) or `local:<dir>` (local). */
  readonly resourceArn: string;
  readonly roleArn: string;
}

export interface LfTagSpec {
  readonly kind: 'lf-tag';
  readonly catalog: CatalogId;
  readonly key: string;
  /** Sorted. */
  readonly values: readonly string[];
}

export type GrantResource =
  | { readonly kind: 'database'; readonly catalog: CatalogId; readonly database: string }
  | { readonly kind: 'table'; readonly catalog: CatalogId; readonly database: string; readonly table: string }
  | {
      readonly kind: 'columns';
      readonly catalog: CatalogId;
      readonly database: string;
      readonly table: string;
      /** Sorted. */
      readonly columns: readonly string[];
    }
  | { readonly kind: 'location'; readonly catalog: CatalogId; readonly resourceArn: string };

export interface GrantSpec {
  readonly kind: 'lf-grant';
  /** The catalog that holds the grant (the grantor). */
  readonly catalog: CatalogId;
  /** A role ARN (aws) or `domain:<name>` (local). */
  readonly principal: string;
  readonly resource: GrantResource;
  /** Sorted. */
  readonly permissions: readonly string[];
  /** Sorted. */
  readonly grantable: readonly string[];
}

/** The statement mesh keeps in a producer's bucket policy so the data-access role can read the products' prefixes. */
export interface BucketPolicyStatement {
  readonly sid: string;
  readonly principal: string;
  readonly actions: readonly string[];
  readonly resources: readonly string[];
}

export interface BucketPolicySpec {
  readonly kind: 'bucket-policy';
  readonly account: string;
  readonly bucket: string;
  /** null: the bucket has a policy but not mesh's statement. */
  readonly statement: BucketPolicyStatement | null;
}

export type CatalogSpec =
  | DatabaseSpec
  | DatabaseLinkSpec
  | TableSpec
  | TableLinkSpec
  | LocationSpec
  | LfTagSpec
  | GrantSpec
  | BucketPolicySpec;

export type CatalogObserved = ObservedResource<CatalogResourceType>;
export type CatalogChange = Change<CatalogResourceType>;
export type GrantChange = Change<'lf-grant'>;

/** What to read in one catalog (account). The aws adapter turns each flag into one paginated list call. */
export interface CatalogQuery {
  readonly catalog: CatalogId;
  /** GetDatabases. */
  readonly databases?: boolean;
  /** GetTables for these databases (only those that exist), or `managed`: every mesh-managed database. */
  readonly tablesOf?: readonly string[] | 'managed';
  /** ListPermissions. */
  readonly permissions?: boolean;
  /** ListResources. */
  readonly locations?: boolean;
  /** ListLFTags. */
  readonly tags?: boolean;
  /** GetBucketPolicy for these buckets. */
  readonly buckets?: readonly string[];
}

/** How one grant (or revoke) of a batch ended. */
export type GrantOutcome =
  | { readonly ok: true; readonly attributes?: Record<string, unknown> }
  | { readonly ok: false; readonly error: unknown };

export interface CatalogPort {
  /** Reads what exists. Returns only resources of the types above, keyed as the plane keys them. */
  observe(queries: readonly CatalogQuery[]): Promise<CatalogObserved[]>;
  /** Performs one change that is not a grant or revoke. */
  execute(change: CatalogChange): Promise<Record<string, unknown> | undefined>;
  /** Performs grant/revoke changes of one catalog, batched. */
  applyGrants(changes: readonly GrantChange[]): Promise<Map<string, GrantOutcome>>;
  close(): Promise<void>;
}
