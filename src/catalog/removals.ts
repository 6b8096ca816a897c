/**
 * What the plan may remove, and under which flag. Pure. Nothing is removed unless the scope asks for it:
 * - unpublishing (a product gone from the files, or named to publish-product but gone): the table (`--allow-delete`),
 *   its grants and links; grants and links of subscribers need `--acknowledge-subscribers`;
 * - unsubscribe: the consumer's grants and resource link (and its link database and database grant once unused);
 * - a full `mesh plan`: subscriptions no domain file asks for any more (`--allow-delete`).
 */
import { configError, didYouMean } from '../core/errors.js';
import { keyOf } from '../engine/plan.js';
import type { Workspace } from '../workspace/model.js';
import type { DesiredCatalog } from './desired.js';
import { type CatalogNaming, catalogKey, principalLabel } from './names.js';
import type { CatalogObserved, CatalogQuery, GrantSpec, TableLinkSpec, TableSpec } from './port.js';

export const DELETE_FLAG = '--allow-delete';
export const ACK_FLAG = '--acknowledge-subscribers';

export interface RemovalPlan {
  readonly prunable: ReadonlySet<string>;
  readonly flags: ReadonlyMap<string, { readonly flag?: string; readonly reason: string }>;
  /** Extra execution-order dependencies (a table is deleted after its grants are revoked and links removed). */
  readonly deps: ReadonlyMap<string, readonly string[]>;
  /** Subscriber names per central table key, for plan reasons. */
  readonly subscribers: ReadonlyMap<string, readonly string[]>;
}

interface Index {
  readonly tables: { readonly key: string; readonly spec: TableSpec }[];
  readonly grants: { readonly key: string; readonly spec: GrantSpec }[];
  readonly links: { readonly key: string; readonly spec: TableLinkSpec }[];
  readonly linkDatabases: Set<string>;
}

function indexOf(observed: readonly CatalogObserved[], naming: CatalogNaming): Index {
  const index: Index = { tables: [], grants: [], links: [], linkDatabases: new Set() };
  for (const o of observed) {
    const key = keyOf(o.ref);
    const s = o.spec;
    if (s.kind === 'glue-table' && s.catalog === naming.central && s.parameters['mesh:managed-by'] === naming.managedBy)
      index.tables.push({ key, spec: s });
    else if (s.kind === 'lf-grant' && s.catalog === naming.central) index.grants.push({ key, spec: s });
    else if (s.kind === 'resource-link') index.links.push({ key, spec: s });
    else if (s.kind === 'glue-database' && s.parameters['mesh:managed-by'] === naming.managedBy && s.parameters['mesh:links-to']) {
      index.linkDatabases.add(`${s.catalog}/${s.name}`);
    }
  }
  return index;
}

const onTable = (g: GrantSpec, t: Pick<TableSpec, 'database' | 'name'>) =>
  (g.resource.kind === 'table' || g.resource.kind === 'columns') && g.resource.database === t.database && g.resource.table === t.name;

const linksTo = (l: TableLinkSpec, t: Pick<TableSpec, 'catalog' | 'database' | 'name'>) =>
  l.target.catalog === t.catalog && l.target.database === t.database && l.target.table === t.name;

function producerPrincipal(ws: Workspace, t: TableSpec, naming: CatalogNaming): string | undefined {
  const d = ws.domains.find((x) => x.name === t.parameters['mesh:domain']);
  return d ? naming.principalOf(d) : undefined;
}

/** Central tables the scope unpublishes. Throws for a name that is neither in the files nor in the catalog. */
export function unpublishCandidates(
  ws: Workspace,
  desired: DesiredCatalog,
  observed: readonly CatalogObserved[],
  naming: CatalogNaming,
): TableSpec[] {
  const { tables } = indexOf(observed, naming);
  const out: TableSpec[] = [];
  for (const name of desired.unknownProducts) {
    const found = tables.filter((t) => t.spec.parameters['mesh:product'] === name);
    if (found.length === 0) {
      const known = [...ws.products.map((p) => p.name), ...tables.map((t) => t.spec.parameters['mesh:product'] ?? '')];
      throw configError('UnknownProduct', `No product named "${name}" in the files or in the central catalog.`, {
        hint: didYouMean(name, known) ?? 'Run `mesh catalog` to list the products.',
      });
    }
    out.push(...found.map((t) => t.spec));
  }
  if (desired.fullPublish) {
    const domains = new Set(ws.domains.map((d) => d.name));
    const products = new Set(ws.products.filter((p) => p.table).map((p) => p.name));
    for (const t of tables) {
      const product = t.spec.parameters['mesh:product'];
      if (domains.has(t.spec.parameters['mesh:domain'] ?? '') && product && !products.has(product)) out.push(t.spec);
    }
  }
  return out;
}

/** Accounts to read for the resource links of an unpublished table's subscribers. */
export function subscriberQueries(
  candidates: readonly TableSpec[],
  observed: readonly CatalogObserved[],
  naming: CatalogNaming,
): CatalogQuery[] {
  const { grants } = indexOf(observed, naming);
  const queries = new Map<string, Set<string>>();
  for (const t of candidates) {
    for (const g of grants.filter((x) => onTable(x.spec, t))) {
      const domain = naming.domainOfPrincipal(g.spec.principal);
      if (!domain || domain.name === t.parameters['mesh:domain']) continue;
      const catalog = naming.catalogOf(domain);
      if (!queries.has(catalog)) queries.set(catalog, new Set());
      queries.get(catalog)?.add(naming.linkDatabase(t.parameters['mesh:domain'] ?? ''));
    }
  }
  return [...queries].map(([catalog, dbs]) => ({ catalog, databases: true, tablesOf: [...dbs] }));
}

class RemovalBuilder {
  readonly prunable = new Set<string>();
  readonly flags = new Map<string, { flag?: string; reason: string }>();
  readonly deps = new Map<string, string[]>();
  remove(key: string, reason: string, flag?: string): void {
    this.prunable.add(key);
    this.flags.set(key, { reason, ...(flag ? { flag } : {}) });
  }
  after(key: string, dependencies: readonly string[]): void {
    this.deps.set(key, [...(this.deps.get(key) ?? []), ...dependencies]);
  }
}

/** Removes a consumer's database grant and link database once nothing of theirs is left in them. */
function removeUnused(
  b: RemovalBuilder,
  index: Index,
  desiredKeys: ReadonlySet<string>,
  principal: string,
  consumerCatalog: string,
  centralDb: string,
  linkDb: string,
  naming: CatalogNaming,
  why: string,
  flag?: string,
  linkDbNeedsFlag = true,
): void {
  const alive = (key: string) => !b.prunable.has(key) || desiredKeys.has(key);
  const dbGrant = index.grants.find(
    (g) => g.spec.principal === principal && g.spec.resource.kind === 'database' && g.spec.resource.database === centralDb,
  );
  const stillReads = index.grants.some(
    (g) =>
      g.spec.principal === principal &&
      (g.spec.resource.kind === 'table' || g.spec.resource.kind === 'columns') &&
      g.spec.resource.database === centralDb &&
      alive(g.key),
  );
  const stillDesired = [...desiredKeys].some((k) => k.startsWith(`lf-grant:${naming.central}/${principal}/table:${centralDb}.`));
  if (dbGrant && !stillReads && !stillDesired && !desiredKeys.has(dbGrant.key)) b.remove(dbGrant.key, why, flag);
  if (!index.linkDatabases.has(`${consumerCatalog}/${linkDb}`)) return;
  const linkDbKey = catalogKey({ kind: 'glue-database', catalog: consumerCatalog, name: linkDb, parameters: {} });
  const inDb = index.links.filter((l) => l.spec.catalog === consumerCatalog && l.spec.database === linkDb);
  const desiredLinks = [...desiredKeys].some((k) => k.startsWith(`resource-link:${consumerCatalog}/${linkDb}/`));
  if (!desiredLinks && !desiredKeys.has(linkDbKey) && inDb.every((l) => !alive(l.key))) {
    b.remove(linkDbKey, `${why} (no resource links left in it)`, linkDbNeedsFlag ? DELETE_FLAG : undefined);
    b.after(
      linkDbKey,
      inDb.map((l) => l.key),
    );
  }
}

export function planRemovals(
  ws: Workspace,
  desired: DesiredCatalog,
  observed: readonly CatalogObserved[],
  naming: CatalogNaming,
): RemovalPlan {
  const index = indexOf(observed, naming);
  const b = new RemovalBuilder();
  const desiredKeys = new Set(desired.resources.map((r) => keyOf(r.ref)));
  const subscribers = new Map<string, string[]>();
  // The grants on each table, found once: filtering every grant for every table was O(tables × grants).
  const grantsOnTable = new Map<string, (typeof index.grants)[number][]>();
  const tableKey = (database: string, table: string) => `${database}\u0000${table}`;
  for (const g of index.grants) {
    const r = g.spec.resource;
    if (r.kind !== 'table' && r.kind !== 'columns') continue;
    const key = tableKey(r.database, r.table);
    const list = grantsOnTable.get(key);
    if (list) list.push(g);
    else grantsOnTable.set(key, [g]);
  }
  for (const t of index.tables) {
    const producer = producerPrincipal(ws, t.spec, naming);
    const subs = (grantsOnTable.get(tableKey(t.spec.database, t.spec.name)) ?? []).filter(
      (g) => onTable(g.spec, t.spec) && g.spec.principal !== producer && g.spec.permissions.includes('SELECT'),
    );
    if (subs.length > 0) subscribers.set(t.key, [...new Set(subs.map((g) => principalLabel(g.spec, naming)))].sort());
  }

  if (desired.fullSubscriptions) {
    const centralDbs = new Map(
      observed.flatMap((o) =>
        o.spec.kind === 'glue-database' && o.spec.catalog === naming.central ? [[o.spec.name, o.spec.parameters['mesh:domain']]] : [],
      ),
    );
    for (const g of index.grants) {
      const domain = naming.domainOfPrincipal(g.spec.principal);
      const r = g.spec.resource;
      if (!domain || r.kind === 'location' || desiredKeys.has(g.key)) continue;
      const owner = centralDbs.get(r.database);
      if (!owner || owner === domain.name) continue;
      b.remove(g.key, `no domain file subscribes ${domain.name} to this any more`, DELETE_FLAG);
    }
    for (const l of index.links) {
      if (desiredKeys.has(l.key) || !index.linkDatabases.has(`${l.spec.catalog}/${l.spec.database}`)) continue;
      b.remove(l.key, 'no domain file subscribes to its target any more', DELETE_FLAG);
    }
  }

  for (const r of desired.removals) {
    const tables = index.tables.filter((t) => t.spec.parameters['mesh:product'] === r.productName);
    const principal = naming.principalOf(r.consumer);
    const consumerCatalog = naming.catalogOf(r.consumer);
    for (const t of tables) {
      // Access withdrawn by the producer (expired, revoked, denied) is revoked on the next apply without a flag.
      const why = r.accessReason ?? `unsubscribe ${r.consumer.name} from ${r.productName}`;
      const linkFlag = r.accessReason ? undefined : DELETE_FLAG;
      for (const g of index.grants.filter((x) => x.spec.principal === principal && onTable(x.spec, t.spec))) b.remove(g.key, why);
      const links = index.links.filter((l) => l.spec.catalog === consumerCatalog && linksTo(l.spec, t.spec));
      for (const l of links) b.remove(l.key, why, linkFlag);
      const linkDb = naming.linkDatabase(t.spec.parameters['mesh:domain'] ?? '');
      removeUnused(b, index, desiredKeys, principal, consumerCatalog, t.spec.database, linkDb, naming, why, undefined, !r.accessReason);
    }
  }

  for (const t of unpublishCandidates(ws, desired, observed, naming)) {
    const tableKey = catalogKey(t);
    const product = t.parameters['mesh:product'] ?? t.name;
    const producer = producerPrincipal(ws, t, naming);
    const subs = subscribers.get(tableKey) ?? [];
    const removed: string[] = [];
    for (const g of index.grants.filter((x) => onTable(x.spec, t))) {
      const isSubscriber = g.spec.principal !== producer;
      b.remove(
        g.key,
        isSubscriber ? `unpublish ${product}: subscriber ${principalLabel(g.spec, naming)} loses access` : `unpublish ${product}`,
        isSubscriber ? ACK_FLAG : undefined,
      );
      removed.push(g.key);
      const domain = isSubscriber ? naming.domainOfPrincipal(g.spec.principal) : undefined;
      if (domain) {
        const linkDb = naming.linkDatabase(t.parameters['mesh:domain'] ?? '');
        const consumerCatalog = naming.catalogOf(domain);
        for (const l of index.links.filter((x) => x.spec.catalog === consumerCatalog && linksTo(x.spec, t))) {
          b.remove(l.key, `unpublish ${product}: subscriber ${domain.name}'s resource link`, ACK_FLAG);
          removed.push(l.key);
        }
        removeUnused(
          b,
          index,
          desiredKeys,
          g.spec.principal,
          consumerCatalog,
          t.database,
          linkDb,
          naming,
          `unpublish ${product}`,
          ACK_FLAG,
        );
      }
    }
    b.remove(tableKey, `${product} is no longer in the files${subs.length > 0 ? `; subscribers: ${subs.join(', ')}` : ''}`, DELETE_FLAG);
    b.after(tableKey, removed);
  }
  return { prunable: b.prunable, flags: b.flags, deps: b.deps, subscribers };
}
