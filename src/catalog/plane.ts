/**
 * The catalog plane: data products at rest. Computes the desired catalog resources from the workspace and the scope
 * (publish: each product's table port; subscriptions: grants and resource links), observes the catalogs through the
 * port (aws or local adapter), and calls the pure planner. Deletes only under a flag.
 */
import type { AwsClients } from '../aws/clients.js';
import { MeshError } from '../core/errors.js';
import { type Change, isChangeOf, keyOf, type Plan, summarize } from '../engine/plan.js';
import type { PlaneEnv, PlaneModule, PlanScope } from '../engine/plane.js';
import { createPlan, orderChanges } from '../engine/planner.js';
import { withManagedBucketHint } from '../workspace/managed-buckets.js';
import type { Product, Workspace } from '../workspace/model.js';
import { compareCatalog } from './compare.js';
import { type DesiredCatalog, desiredCatalog } from './desired.js';
import { GrantBatcher, isGrantChange } from './grant-batcher.js';
import { requireLfTagValuesWithinLimit } from './lf-tag-limit.js';
import { type CatalogNaming, catalogKey, catalogNaming, tableNameOf } from './names.js';
import type { CatalogObserved, CatalogPort, CatalogQuery, TableSpec } from './port.js';
import { DELETE_FLAG, planRemovals, type RemovalPlan, subscriberQueries, unpublishCandidates } from './removals.js';
import { CATALOG_TYPES } from './resources.js';

export interface CatalogPlaneOptions {
  /** aws: the client factory (tests and the bench pass an instrumented one). Default: the run's (PlaneEnv.clients). */
  readonly clients?: AwsClients;
  /** A ready port (tests). Default: the target's adapter. */
  readonly port?: CatalogPort;
}

/** Opens the target's adapter. SDK and native modules are imported here, lazily. */
export async function openCatalogPort(
  workspace: Workspace,
  naming: CatalogNaming,
  options: CatalogPlaneOptions = {},
): Promise<CatalogPort> {
  if (options.port) return options.port;
  if (naming.target === 'local') {
    const { LocalCatalogPort } = await import('./local/adapter.js');
    return LocalCatalogPort.open(workspace, naming);
  }
  const { AwsCatalogPort } = await import('./aws/adapter.js');
  const { requireClients } = await import('../aws/clients.js');
  return new AwsCatalogPort(requireClients(options.clients, 'The aws catalog'), naming);
}

type MutableQuery = {
  catalog: string;
  databases?: boolean;
  tablesOf?: Set<string> | 'managed';
  permissions?: boolean;
  locations?: boolean;
  tags?: boolean;
  buckets?: Set<string>;
};

/** Which list calls the plan needs, per catalog: one paginated call per kind, never one per table. */
export function queriesFor(ws: Workspace, desired: DesiredCatalog, naming: CatalogNaming): CatalogQuery[] {
  const byCatalog = new Map<string, MutableQuery>();
  const q = (catalog: string): MutableQuery => {
    let found = byCatalog.get(catalog);
    if (!found) {
      found = { catalog };
      byCatalog.set(catalog, found);
    }
    return found;
  };
  const tablesOf = (query: MutableQuery, db: string | 'managed') => {
    if (db === 'managed' || query.tablesOf === 'managed') query.tablesOf = 'managed';
    else {
      query.tablesOf ??= new Set();
      query.tablesOf.add(db);
    }
  };
  const central = q(naming.central);
  central.databases = true;
  central.permissions = true;
  const domainOf = (name: string) => ws.products.find((p) => p.name === name)?.domain;
  for (const r of desired.resources) {
    const s = r.spec;
    if (s.kind === 'lf-location') central.locations = true;
    else if (s.kind === 'lf-tag') central.tags = true;
    else if (s.kind === 'glue-table') tablesOf(central, s.database);
    else if (s.kind === 'resource-link-database' || s.kind === 'glue-database') q(s.catalog).databases = true;
    else if (s.kind === 'resource-link') tablesOf(q(s.catalog), s.database);
    else if (s.kind === 'bucket-policy') {
      const query = q(s.account);
      query.buckets ??= new Set();
      query.buckets.add(s.bucket);
    }
  }
  for (const sub of desired.subscriptions) tablesOf(central, naming.centralDatabase(sub.product.domain));
  for (const r of desired.removals) {
    const domain = domainOf(r.productName);
    tablesOf(central, domain ? naming.centralDatabase(domain) : 'managed');
    const consumer = q(naming.catalogOf(r.consumer));
    consumer.databases = true;
    if (domain) tablesOf(consumer, naming.linkDatabase(domain));
    else for (const d of ws.domains) tablesOf(consumer, naming.linkDatabase(d.name));
  }
  if (desired.unknownProducts.length > 0) tablesOf(central, 'managed');
  if (desired.fullPublish) for (const d of ws.domains) tablesOf(central, naming.centralDatabase(d.name));
  if (desired.fullSubscriptions) {
    for (const consumer of ws.domains) {
      const query = q(naming.catalogOf(consumer));
      query.databases = true;
      for (const d of ws.domains) if (d.name !== consumer.name) tablesOf(query, naming.linkDatabase(d.name));
    }
  }
  return [...byCatalog.values()].map((m) => ({
    ...m,
    tablesOf: m.tablesOf === 'managed' ? 'managed' : m.tablesOf ? [...m.tablesOf].sort() : undefined,
    buckets: m.buckets ? [...m.buckets].sort() : undefined,
  }));
}

function requirePublished(desired: DesiredCatalog, observed: readonly CatalogObserved[], naming: CatalogNaming): void {
  const keys = new Set([...desired.resources.map((r) => keyOf(r.ref)), ...observed.map((o) => keyOf(o.ref))]);
  for (const sub of desired.subscriptions) {
    const key = catalogKey({
      kind: 'glue-table',
      catalog: naming.central,
      database: naming.centralDatabase(sub.product.domain),
      name: tableNameOf(sub.product),
    } as TableSpec);
    if (!keys.has(key)) {
      throw new MeshError(
        'ProductNotPublished',
        `${sub.product.name} is not in the central catalog yet, so ${sub.consumer.name} cannot subscribe to it.`,
        {
          hint: `Publish it first: mesh publish-product ${sub.product.name}`,
        },
      );
    }
  }
}

/** Applies the removal flags and orderings, adds subscribers to breaking reasons, unifies grant batches. */
function annotate(plan: Plan, removal: RemovalPlan, batcher: GrantBatcher): Plan {
  const changes = plan.changes.map((c): Change => {
    const flag = removal.flags.get(c.key);
    const extraDeps = removal.deps.get(c.key) ?? [];
    let next: Change = c;
    if (flag && (c.action === 'delete' || c.action === 'revoke')) {
      const { requiresFlag: _drop, ...rest } = c;
      next = { ...rest, reason: flag.reason, ...(flag.flag ? { requiresFlag: flag.flag } : {}) };
    }
    if (extraDeps.length > 0) next = { ...next, dependsOn: [...new Set([...next.dependsOn, ...extraDeps])] };
    const subs = removal.subscribers.get(c.key);
    if (c.breaking && subs) next = { ...next, reason: `${next.reason} — breaks subscribers: ${subs.join(', ')}` };
    return next;
  });
  const ordered = orderChanges(batcher.prepare(changes));
  return { changes: ordered, summary: summarize(ordered) };
}

async function localTableParameters(products: readonly Product[]): Promise<(p: Product) => Record<string, string>> {
  const { sampleDataParameters } = await import('./local/sample-data.js');
  const params = new Map<string, Record<string, string>>();
  for (const p of products) params.set(p.name, await sampleDataParameters(p));
  return (p) => params.get(p.name) ?? {};
}

/** local: the sample files of the tables the plan creates or updates must match their contracts (checked with DuckDB). */
async function checkPlannedSamples(plan: Plan, products: readonly Product[], naming: CatalogNaming): Promise<void> {
  const pending = new Set(
    plan.changes.filter((c) => c.ref.type === 'glue-table' && (c.action === 'create' || c.action === 'update')).map((c) => c.key),
  );
  const key = (p: Product) =>
    catalogKey({
      kind: 'glue-table',
      catalog: naming.central,
      database: naming.centralDatabase(p.domain),
      name: tableNameOf(p),
    } as TableSpec);
  const toCheck = products.filter((p) => pending.has(key(p)));
  if (toCheck.length === 0) return;
  const { checkSampleData } = await import('./local/sample-data.js');
  try {
    await checkSampleData(toCheck);
  } catch (error) {
    throw (await import('./compare.js')).breakingWithSample(error, plan, (name) => {
      const p = toCheck.find((q) => q.name === name);
      return p ? key(p) : undefined;
    });
  }
}

/** local: every published table's folder must lie inside the object store (links resolved), before anything runs. */
async function checkStorePaths(ws: Workspace, products: readonly Product[]): Promise<void> {
  const { storePath } = await import('./local/object-store.js');
  for (const p of products) if (p.table) storePath(ws.mesh.localDir, p.table.location);
}

export async function createCatalogPlane(env: PlaneEnv, options: CatalogPlaneOptions = {}): Promise<PlaneModule> {
  const naming = catalogNaming(env.workspace, env.target);
  let port: CatalogPort | undefined = options.port;
  const portOnce = async () => {
    port ??= await openCatalogPort(env.workspace, naming, { ...options, clients: options.clients ?? env.clients });
    return port;
  };
  let batcher: GrantBatcher | undefined;

  return {
    planes: ['catalog'],

    async plan(scope: PlanScope): Promise<Plan> {
      const ws = env.workspace;
      const probe = desiredCatalog(ws, scope, naming);
      const idle =
        probe.resources.length === 0 &&
        probe.removals.length === 0 &&
        probe.unknownProducts.length === 0 &&
        !probe.fullPublish &&
        !probe.fullSubscriptions;
      if (idle) return { changes: [], summary: summarize([]) };
      const tableParameters =
        naming.target === 'local' && probe.published.length > 0 ? await localTableParameters(probe.published) : undefined;
      const desired = tableParameters ? desiredCatalog(ws, scope, naming, { tableParameters }) : probe;
      if (naming.target === 'local') await checkStorePaths(ws, desired.published);
      const p = await portOnce();
      batcher ??= new GrantBatcher(p);
      // A managed bucket that is missing: the hint says `mesh bootstrap` makes it.
      const observed = await p.observe(queriesFor(ws, desired, naming)).catch((error: unknown) => {
        throw withManagedBucketHint(ws, error);
      });
      requirePublished(desired, observed, naming);
      // aws: at most 1,000 values per LF-Tag key; refused here, before any change (local has no such limit).
      if (naming.target !== 'local') requireLfTagValuesWithinLimit(desired.resources, observed);
      const candidates = unpublishCandidates(ws, desired, observed, naming);
      if (candidates.length > 0) {
        const more = subscriberQueries(candidates, observed, naming);
        if (more.length > 0) {
          const seen = new Set(observed.map((o) => keyOf(o.ref)));
          for (const o of await p.observe(more)) if (!seen.has(keyOf(o.ref))) observed.push(o);
        }
      }
      const removal = planRemovals(ws, desired, observed, naming);
      const plan = createPlan(desired.resources, observed, {
        compare: compareCatalog,
        pruneScope: (o) => removal.prunable.has(keyOf(o.ref)),
        deleteFlag: DELETE_FLAG,
      });
      const annotated = annotate(plan, removal, batcher);
      if (tableParameters) await checkPlannedSamples(annotated, desired.published, naming);
      return annotated;
    },

    async execute(change: Change): Promise<Record<string, unknown> | undefined> {
      const p = await portOnce();
      batcher ??= new GrantBatcher(p);
      if (isGrantChange(change)) return batcher.run(change);
      if (!isChangeOf(change, CATALOG_TYPES)) throw new MeshError('InternalError', `The catalog plane cannot apply ${change.key}.`);
      return p.execute(change);
    },

    async close(): Promise<void> {
      await port?.close();
    },
  };
}
