/**
 * The local adapter of the catalog port: the embedded catalog (SQLite) and the object store on disk. Publishing a
 * table copies the product's sample file to its location; grants are rows that `mesh query` enforces.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { MeshError } from '../../core/errors.js';
import { specOf } from '../../engine/plan.js';
import { sameSpec } from '../../engine/planner.js';
import type { Workspace } from '../../workspace/model.js';
import { tableDifferences } from '../compare.js';
import { type CatalogNaming, catalogResource, labelOf, parseS3 } from '../names.js';
import type {
  CatalogChange,
  CatalogObserved,
  CatalogPort,
  CatalogQuery,
  CatalogSpec,
  GrantChange,
  GrantOutcome,
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
    return specs.map((spec) => catalogResource(spec, this.naming));
  }

  async execute(change: CatalogChange): Promise<Record<string, unknown> | undefined> {
    if (change.type === 'lf-grant') {
      const outcome = (await this.applyGrants([change])).get(change.key);
      if (outcome && !outcome.ok) throw outcome.error;
      return undefined;
    }
    const spec: CatalogSpec = specOf(change);
    const remove = change.action === 'delete';
    const s = this.store;
    if (change.action === 'create') this.refuseConflict(spec);
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
      case 'bucket-policy':
        return undefined;
    }
  }

  /**
   * A create of what exists already is done when it matches, and refused when it differs, as on aws (another
   * process created it since the plan was made): nothing is overwritten.
   */
  private refuseConflict(spec: CatalogSpec): void {
    if (spec.kind === 'lf-tag' || spec.kind === 'bucket-policy' || spec.kind === 'lf-grant') return; // tags only gain values
    const existing = this.store.find(spec);
    if (!existing) return;
    const differs =
      existing.kind === 'glue-table' && spec.kind === 'glue-table'
        ? Object.values(tableDifferences(spec, existing)).some((d) => d.length > 0)
        : !sameSpec(existing, spec);
    if (differs) {
      throw new MeshError('Conflict', `${labelOf(spec, this.naming)} already exists and differs from what mesh would create.`, {
        hint: 'Someone else changed it at the same time; re-run the command to plan against what exists now.',
      });
    }
  }

  async applyGrants(changes: readonly GrantChange[]): Promise<Map<string, GrantOutcome>> {
    const outcomes = new Map<string, GrantOutcome>();
    this.store.transaction(() => {
      for (const c of changes) {
        const before = c.before;
        const after = c.action === 'revoke' ? undefined : c.after;
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
