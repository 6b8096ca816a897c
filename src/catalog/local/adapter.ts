/**
 * The local adapter of the catalog port: the embedded catalog (SQLite) and the object store on disk. Publishing a
 * table copies the product's sample file to its location; grants are rows that `mesh query` enforces.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Workspace } from '../../workspace/model.js';
import { type CatalogNaming, parseS3, refOf } from '../names.js';
import type {
  CatalogChange,
  CatalogObserved,
  CatalogPort,
  CatalogQuery,
  CatalogSpec,
  GrantOutcome,
  GrantSpec,
  TableSpec,
} from '../port.js';
import { locationDir, storeSample } from './object-store.js';
import { CatalogStore } from './store.js';

export class LocalCatalogPort implements CatalogPort {
  private constructor(
    private readonly workspace: Workspace,
    private readonly naming: CatalogNaming,
    private readonly store: CatalogStore,
  ) {}

  static async open(workspace: Workspace, naming: CatalogNaming): Promise<LocalCatalogPort> {
    return new LocalCatalogPort(workspace, naming, await CatalogStore.open(workspace.mesh.localDir));
  }

  /** A table whose data file went missing from the object store is observed without it, so the plan restores it. */
  private withDataCheck(t: TableSpec): TableSpec {
    const file = t.parameters['mesh:data-file'];
    if (!file || existsSync(path.join(locationDir(this.workspace.mesh.localDir, t.location), file))) return t;
    const { 'mesh:data-sha256': _hash, ...parameters } = t.parameters;
    return { ...t, parameters };
  }

  async observe(_queries: readonly CatalogQuery[]): Promise<CatalogObserved[]> {
    // Everything is one local file away: read it all (the queries only matter for the aws call budget).
    const s = this.store;
    const specs: CatalogSpec[] = [
      ...s.databases(),
      ...s.tables().map((t) => this.withDataCheck(t)),
      ...s.links(),
      ...s.grants(),
      ...s.locations(),
      ...s.tags(),
    ];
    return specs.map((spec) => ({ ref: refOf(spec, this.naming), spec }));
  }

  async execute(change: CatalogChange): Promise<Record<string, unknown> | undefined> {
    const spec = (change.after ?? change.before) as CatalogSpec;
    const remove = change.action === 'delete';
    const s = this.store;
    switch (spec.kind) {
      case 'glue-database':
      case 'resource-link-database':
        if (remove) s.deleteDatabase(spec.catalog, spec.name);
        else s.putDatabase(spec);
        return remove ? undefined : { name: spec.name };
      case 'glue-table': {
        if (remove) {
          s.deleteTable(spec.catalog, spec.database, spec.name);
          return undefined;
        }
        const dir = locationDir(this.workspace.mesh.localDir, spec.location);
        const product = this.workspace.products.find((p) => p.name === spec.parameters['mesh:product']);
        const file =
          product?.sampleData && product.table
            ? storeSample(dir, product.sampleData, product.table.format, parseS3(spec.location) !== undefined)
            : undefined;
        s.putTable(spec);
        return { path: dir, ...(file ? { file } : {}) };
      }
      case 'resource-link':
        if (remove) s.deleteLink(spec.catalog, spec.database, spec.name);
        else s.putLink(spec);
        return undefined;
      case 'lf-location':
        if (remove) s.deleteLocation(spec.catalog, spec.resourceArn);
        else s.putLocation(spec);
        return undefined;
      case 'lf-tag': {
        const before = change.before && change.before.kind === 'lf-tag' ? change.before.values : [];
        s.putTag({ ...spec, values: [...new Set([...before, ...spec.values])].sort() });
        return undefined;
      }
      case 'lf-grant': {
        const outcome = (await this.applyGrants([change])).get(change.key);
        if (outcome && !outcome.ok) throw outcome.error;
        return undefined;
      }
      case 'bucket-policy':
        return undefined;
    }
  }

  async applyGrants(changes: readonly CatalogChange[]): Promise<Map<string, GrantOutcome>> {
    const outcomes = new Map<string, GrantOutcome>();
    this.store.transaction(() => {
      for (const c of changes) {
        const before = c.before as GrantSpec | undefined;
        const after = c.action === 'revoke' ? undefined : (c.after as GrantSpec | undefined);
        if (before) this.store.deleteGrant(before);
        if (after) this.store.putGrant(after);
        outcomes.set(c.key, { ok: true });
      }
    });
    return outcomes;
  }

  async close(): Promise<void> {
    this.store.close();
  }
}
