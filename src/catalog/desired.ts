/**
 * What should exist in the catalogs, from the workspace and the plan scope. Pure: no I/O (data hashes for the local
 * target are passed in).
 */
import { configError, didYouMean } from '../core/errors.js';
import type { DesiredResource } from '../engine/plan.js';
import type { PlanScope } from '../engine/plane.js';
import { accessNow, accessVerdict } from '../workspace/access-policy.js';
import { assertOwnedLocation } from '../workspace/locations.js';
import type { Domain, Product, Workspace } from '../workspace/model.js';
import { findProduct } from '../workspace/model.js';
import { CLASSIFICATION_PATTERN } from '../workspace/product-schema.js';
import { requireDomain } from '../workspace/require-domain.js';
import { bucketPolicySpec } from './bucket-policy-spec.js';
import { storageFormat } from './formats.js';
import { glueComment, glueDescription } from './glue-text.js';
import { assertClassification } from './lf-tag-limit.js';
import {
  type CatalogNaming,
  catalogKey,
  catalogResource,
  LF_TAG_KEYS,
  parseS3,
  registeredLocationOf,
  sortedUnique,
  tableNameOf,
  withTrailingSlash,
} from './names.js';
import type { BucketPolicySpec, CatalogResourceType, CatalogSpec, DatabaseSpec, GrantResource, GrantSpec, TableSpec } from './port.js';

export const PRODUCER_TABLE_PERMISSIONS = ['ALTER', 'DELETE', 'DESCRIBE', 'INSERT', 'SELECT'] as const;
export const PRODUCER_TABLE_GRANTABLE = ['DESCRIBE', 'SELECT'] as const;
export const PRODUCER_DATABASE_PERMISSIONS = ['CREATE_TABLE', 'DESCRIBE'] as const;

export interface ResolvedSubscription {
  readonly product: Product;
  readonly consumer: Domain;
  /** A column subset, sorted; undefined = every column. */
  readonly columns?: readonly string[];
}

export interface SubscriptionRemoval {
  readonly productName: string;
  readonly consumer: Domain;
  /** Set when access was withdrawn (expired, revoked, denied, pending): revoked without a flag, for this reason. */
  readonly accessReason?: string;
}

export interface DesiredCatalog {
  readonly resources: readonly DesiredResource<CatalogResourceType>[];
  readonly published: readonly Product[];
  readonly subscriptions: readonly ResolvedSubscription[];
  readonly removals: readonly SubscriptionRemoval[];
  /** Names given to publish-product that no product in the files has (unpublish candidates). */
  readonly unknownProducts: readonly string[];
  /** Publishing every product: tables of products no longer in the files are candidates for removal. */
  readonly fullPublish: boolean;
  /** Every subscription in the files: grants and links no file asks for any more are candidates for removal. */
  readonly fullSubscriptions: boolean;
}

export interface DesiredOptions {
  /** Extra table parameters per product (local: the sample data's hash). */
  readonly tableParameters?: (product: Product) => Readonly<Record<string, string>>;
  /** The clock that decides whether an approval has expired (default: MESH_NOW, else now). */
  readonly now?: Date;
}

class DesiredSet {
  readonly byKey = new Map<string, DesiredResource<CatalogResourceType>>();
  constructor(private readonly naming: CatalogNaming) {}

  add(spec: CatalogSpec, dependsOn: readonly (string | undefined)[] = []): string {
    const key = catalogKey(spec);
    const deps = dependsOn.filter((d): d is string => d !== undefined && d !== key);
    const existing = this.byKey.get(key);
    if (existing && existing.spec.kind === 'lf-grant' && spec.kind === 'lf-grant') {
      const merged: GrantSpec = {
        ...spec,
        permissions: sortedUnique([...existing.spec.permissions, ...spec.permissions]),
        grantable: sortedUnique([...existing.spec.grantable, ...spec.grantable]),
      };
      this.byKey.set(key, {
        ...catalogResource(merged, this.naming),
        isGrant: true,
        dependsOn: sortedUnique([...(existing.dependsOn ?? []), ...deps]),
      });
    } else if (!existing) {
      this.byKey.set(key, { ...catalogResource(spec, this.naming), isGrant: spec.kind === 'lf-grant', dependsOn: deps });
    }
    return key;
  }

  grant(
    catalog: string,
    principal: string,
    resource: GrantResource,
    permissions: readonly string[],
    grantable: readonly string[],
    deps: readonly (string | undefined)[],
  ): string {
    return this.add(
      { kind: 'lf-grant', catalog, principal, resource, permissions: sortedUnique(permissions), grantable: sortedUnique(grantable) },
      deps,
    );
  }
}

export function centralDatabaseSpec(domain: Domain, naming: CatalogNaming): DatabaseSpec {
  return {
    kind: 'glue-database',
    catalog: naming.central,
    name: naming.centralDatabase(domain.name),
    description: glueDescription(domain.description ?? `Data products of the ${domain.name} domain`),
    parameters: { 'mesh:managed-by': naming.managedBy, 'mesh:domain': domain.name, 'mesh:owner': domain.owner.team },
  };
}

/** The central table for a product's table port. */
export function tableSpecFor(
  product: Product,
  domain: Domain,
  naming: CatalogNaming,
  extra: Readonly<Record<string, string>> = {},
): TableSpec {
  const port = product.table;
  if (!port) throw new Error(`product ${product.name} has no table port`);
  const partition = new Set(port.partitionKeys);
  const column = (c: Product['columns'][number]) => ({
    name: c.name,
    type: c.type,
    ...(c.description ? { comment: glueComment(c.description) } : {}),
  });
  const byName = new Map(product.columns.map((c) => [c.name, c]));
  const lfTags = { classification: product.classification, domain: product.domain, product: product.name };
  const format = storageFormat(port.format);
  const pii = product.columns.filter((c) => c.pii).map((c) => c.name);
  return {
    kind: 'glue-table',
    catalog: naming.central,
    database: naming.centralDatabase(domain.name),
    name: tableNameOf(product),
    description: glueDescription(product.description),
    owner: naming.catalogOf(domain),
    format: port.format,
    serde: format.serde,
    location: withTrailingSlash(port.location),
    columns: product.columns.filter((c) => !partition.has(c.name)).map(column),
    partitionKeys: port.partitionKeys.map((k) => {
      const c = byName.get(k);
      return c ? column(c) : { name: k, type: 'string' };
    }),
    parameters: {
      ...format.tableParameters,
      EXTERNAL: 'TRUE',
      'mesh:managed-by': naming.managedBy,
      'mesh:product': product.name,
      'mesh:product-id': product.id,
      'mesh:domain': product.domain,
      'mesh:version': product.version,
      'mesh:status': product.status,
      'mesh:owner': product.owner.team,
      'mesh:contact': product.owner.contact,
      'mesh:classification': product.classification,
      'mesh:lf-tags': lfTagParameter(lfTags),
      ...(pii.length > 0 ? { 'mesh:pii-columns': pii.join(',') } : {}),
      ...extra,
    },
    lfTags,
  };
}

export function lfTagParameter(tags: Readonly<Record<string, string>>): string {
  return Object.keys(tags)
    .sort()
    .map((k) => `${k}=${tags[k]}`)
    .join(';');
}

export function parseLfTagParameter(value: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of (value ?? '').split(';')) {
    const i = pair.indexOf('=');
    if (i > 0) out[pair.slice(0, i)] = pair.slice(i + 1);
  }
  return out;
}

// One bucket policy per bucket and plan: bucketPolicySpec reads every product, so once per product was O(products²).
const policies = new WeakMap<DesiredSet, Map<string, BucketPolicySpec>>();
function bucketPolicyOnce(set: DesiredSet, ws: Workspace, account: string, bucket: string, naming: CatalogNaming): BucketPolicySpec {
  let memo = policies.get(set);
  if (!memo) {
    memo = new Map();
    policies.set(set, memo);
  }
  const key = `${account}/${bucket}`;
  const spec = memo.get(key) ?? bucketPolicySpec(ws, account, bucket, naming);
  memo.set(key, spec);
  return spec;
}

function tagKey(naming: CatalogNaming, key: string): string {
  return catalogKey({ kind: 'lf-tag', catalog: naming.central, key, values: [] });
}

function addPublish(set: DesiredSet, ws: Workspace, product: Product, naming: CatalogNaming, options: DesiredOptions): void {
  const domain = requireDomain(ws, product.domain, `product ${product.name}`);
  const port = product.table;
  if (!port) return;
  assertOwnedLocation(ws, domain, product);
  const db = set.add(centralDatabaseSpec(domain, naming));
  const tags = LF_TAG_KEYS.map((k) => tagKey(naming, k));
  const s3 = parseS3(port.location);
  const policy = naming.target === 'aws' && s3 ? set.add(bucketPolicyOnce(set, ws, domain.access.account, s3.bucket, naming)) : undefined;
  const resourceArn = registeredLocationOf(port.location);
  const location = set.add({ kind: 'lf-location', catalog: naming.central, resourceArn, roleArn: naming.dataAccessRole }, [policy]);
  const tableSpec = tableSpecFor(product, domain, naming, options.tableParameters?.(product));
  const table = set.add(tableSpec, [db, ...tags, location]);
  const principal = naming.principalOf(domain);
  const c = naming.central;
  set.grant(c, principal, { kind: 'database', catalog: c, database: tableSpec.database }, PRODUCER_DATABASE_PERMISSIONS, [], [db]);
  set.grant(c, principal, { kind: 'location', catalog: c, resourceArn }, ['DATA_LOCATION_ACCESS'], [], [location]);
  set.grant(
    c,
    principal,
    { kind: 'table', catalog: c, database: tableSpec.database, table: tableSpec.name },
    PRODUCER_TABLE_PERMISSIONS,
    PRODUCER_TABLE_GRANTABLE,
    [table],
  );
  const producerCatalog = naming.catalogOf(domain);
  if (producerCatalog !== c) {
    set.add(
      {
        kind: 'resource-link-database',
        catalog: producerCatalog,
        name: naming.linkDatabase(domain.name),
        target: { catalog: c, database: tableSpec.database },
      },
      [db],
    );
  }
}

function addSubscription(set: DesiredSet, ws: Workspace, sub: ResolvedSubscription, naming: CatalogNaming): void {
  const { product, consumer } = sub;
  const producer = requireDomain(ws, product.domain, `product ${product.name}`);
  const c = naming.central;
  const database = naming.centralDatabase(producer.name);
  const table = tableNameOf(product);
  const centralDb = catalogKey(centralDatabaseSpec(producer, naming));
  const centralTable = catalogKey({ kind: 'glue-table', catalog: c, database, name: table } as TableSpec);
  const principal = naming.principalOf(consumer);
  set.grant(c, principal, { kind: 'database', catalog: c, database }, ['DESCRIBE'], [], [centralDb]);
  const grants = sub.columns
    ? [
        set.grant(c, principal, { kind: 'table', catalog: c, database, table }, ['DESCRIBE'], [], [centralTable]),
        set.grant(c, principal, { kind: 'columns', catalog: c, database, table, columns: sub.columns }, ['SELECT'], [], [centralTable]),
      ]
    : [set.grant(c, principal, { kind: 'table', catalog: c, database, table }, ['DESCRIBE', 'SELECT'], [], [centralTable])];
  const consumerCatalog = naming.catalogOf(consumer);
  // The consumer's account already reaches the table when it is the central or the producer's account (database link).
  if (consumerCatalog === c || consumerCatalog === naming.catalogOf(producer)) return;
  const linkDbName = naming.linkDatabase(producer.name);
  const linkDb = set.add({
    kind: 'glue-database',
    catalog: consumerCatalog,
    name: linkDbName,
    description: `Resource links to the ${producer.name} domain's products`,
    parameters: { 'mesh:managed-by': naming.managedBy, 'mesh:domain': consumer.name, 'mesh:links-to': producer.name },
  });
  set.add({ kind: 'resource-link', catalog: consumerCatalog, database: linkDbName, name: table, target: { catalog: c, database, table } }, [
    linkDb,
    ...grants,
  ]);
}

function productOrThrow(ws: Workspace, name: string, where: string): Product {
  const product = findProduct(ws, name);
  if (!product) {
    throw configError('UnknownProduct', `${where}: no product named "${name}".`, {
      hint:
        didYouMean(
          name,
          ws.products.map((p) => p.name),
        ) ?? 'Run `mesh catalog` to list the products.',
    });
  }
  return product;
}

function resolveColumns(product: Product, consumer: Domain): readonly string[] | undefined {
  const declared = consumer.subscriptions.find((s) => s.product === product.name)?.table?.columns;
  if (!declared || declared.length === 0) return undefined;
  const known = product.columns.map((c) => c.name);
  for (const col of declared) {
    if (!known.includes(col)) {
      throw configError('UnknownColumn', `${consumer.name} subscribes to column "${col}" of ${product.name}, which has no such column.`, {
        location: { file: consumer.file },
        hint: didYouMean(col, known) ?? `Columns of ${product.name}: ${known.join(', ')}.`,
      });
    }
  }
  return sortedUnique(declared);
}

/**
 * The subscriptions that get a grant: only what the access policy allows (open, or approved and not expired), narrowed
 * to the approved columns. A full plan lists the others in `withheld` (their grants are revoked); a subscribe names
 * one, and one that is not approved is an error.
 */
function resolveSubscriptions(
  ws: Workspace,
  scope: PlanScope,
  now: Date,
): { subscriptions: ResolvedSubscription[]; withheld: SubscriptionRemoval[] } {
  const out: ResolvedSubscription[] = [];
  const withheld: SubscriptionRemoval[] = [];
  const push = (product: Product, consumer: Domain, explicit: boolean) => {
    if (product.domain === consumer.name) {
      throw configError('SelfSubscription', `${consumer.name} owns ${product.name}; a domain reads its own products without subscribing.`, {
        location: { file: consumer.file },
      });
    }
    const columns = resolveColumns(product, consumer);
    const subscription = consumer.subscriptions.find((s) => s.product === product.name) ?? {
      product: product.name,
      table: columns ? { columns } : {},
    };
    const verdict = accessVerdict(ws, consumer, product, subscription, now);
    if (verdict.grant) {
      out.push({ product, consumer, columns: verdict.columns });
      return;
    }
    if (explicit) {
      throw configError('AccessNotApproved', `${consumer.name} may not read ${product.name} yet: ${verdict.reason}.`, {
        location: { file: consumer.file },
        hint:
          verdict.status === 'pending'
            ? `The ${product.domain} domain approves it: mesh access approve ${consumer.name}/${product.name}.`
            : `Request access: mesh access request ${product.name} --domain ${consumer.name} --purpose "..."`,
      });
    }
    withheld.push({ productName: product.name, consumer, accessReason: `${verdict.reason} (${consumer.name} on ${product.name})` });
  };
  if (scope.subscriptions) {
    for (const s of scope.subscriptions) {
      if (s.table === false) continue;
      const product = productOrThrow(ws, s.product, 'subscribe');
      const consumer = requireDomain(ws, s.domain, 'subscribe');
      if (!product.table) {
        if (s.stream === true) continue; // neither port flag: only the ports the product has
        throw configError('NoTablePort', `${product.name} has no table port to subscribe to.`, {
          location: { file: product.file },
          hint: 'Use --stream, or add a table port to the contract.',
        });
      }
      push(product, consumer, true);
    }
    return { subscriptions: out, withheld };
  }
  for (const consumer of ws.domains) {
    for (const s of consumer.subscriptions) {
      if (!s.table) continue;
      const product = productOrThrow(ws, s.product, `${consumer.name} (${consumer.file})`);
      if (!product.table)
        throw configError('NoTablePort', `${consumer.name} subscribes to the table of ${product.name}, which has no table port.`, {
          location: { file: consumer.file },
        });
      push(product, consumer, false);
    }
  }
  return { subscriptions: out, withheld };
}

/** The desired catalog resources for a plan scope. */
export function desiredCatalog(ws: Workspace, scope: PlanScope, naming: CatalogNaming, options: DesiredOptions = {}): DesiredCatalog {
  const set = new DesiredSet(naming);
  const published: Product[] = [];
  const unknownProducts: string[] = [];
  if (scope.include.publish) {
    const names = scope.products ?? ws.products.map((p) => p.name);
    for (const name of names) {
      const product = findProduct(ws, name);
      if (!product) unknownProducts.push(name);
      else if (product.table) published.push(product);
    }
    for (const product of published) assertClassification(product);
    for (const product of published) addPublish(set, ws, product, naming, options);
    if (published.length > 0) {
      // LF-Tag values cover every product in the files, so publishing one product never shrinks them; a value Lake
      // Formation would refuse (a workspace that skipped validation) stays out, so one team's file fails no one else.
      const all = ws.products.filter((p) => p.table && CLASSIFICATION_PATTERN.test(p.classification));
      const values = {
        domain: all.map((p) => p.domain),
        product: all.map((p) => p.name),
        classification: all.map((p) => p.classification),
      };
      for (const key of LF_TAG_KEYS) set.add({ kind: 'lf-tag', catalog: naming.central, key, values: sortedUnique(values[key]) });
    }
  }
  let subscriptions: ResolvedSubscription[] = [];
  let withheld: SubscriptionRemoval[] = [];
  if (scope.include.subscriptions && !scope.removals) {
    ({ subscriptions, withheld } = resolveSubscriptions(ws, scope, options.now ?? accessNow()));
    for (const sub of subscriptions) addSubscription(set, ws, sub, naming);
  }
  const removals: SubscriptionRemoval[] = [
    ...(scope.removals ?? [])
      .filter((r) => r.table !== false)
      .map((r) => ({ productName: r.product, consumer: requireDomain(ws, r.domain, 'unsubscribe') })),
    ...withheld,
  ];
  return {
    resources: [...set.byKey.values()],
    published,
    subscriptions,
    removals,
    unknownProducts,
    fullPublish: scope.include.publish && !scope.products,
    fullSubscriptions: scope.include.subscriptions && !scope.subscriptions && !scope.removals,
  };
}
