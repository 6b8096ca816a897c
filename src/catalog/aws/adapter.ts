/**
 * The aws adapter of the catalog port (aws-flows.md §1). The central account holds the databases and tables (their
 * Location points at the producer's S3), registers each producer bucket with Lake Formation under the mesh's
 * data-access role, and grants to the producer's and consumers' roles; producers get a database resource link,
 * consumers a table resource link. Every client comes from AwsClients; SDK modules load lazily.
 */
import type { AwsClients } from '../../aws/clients.js';
import { MeshError } from '../../core/errors.js';
import { specOf } from '../../engine/plan.js';
import type { AccountAccess } from '../../workspace/model.js';
import type { CatalogNaming } from '../names.js';
import type { CatalogChange, CatalogObserved, CatalogPort, CatalogQuery, GrantChange, GrantOutcome } from '../port.js';
import { type ServiceClients, serviceClients } from './calls.js';
import { applyGrantBatches } from './grants.js';
import { executeDatabase, executeLfTag, executeLocation, executePolicy, executeTable, executeTableLink } from './mutations.js';
import { observeAccount } from './observe.js';

export class AwsCatalogPort implements CatalogPort {
  private readonly services: ServiceClients;

  constructor(
    clients: AwsClients,
    private readonly naming: CatalogNaming,
  ) {
    this.services = serviceClients(clients);
  }

  /** Credentials and region for an account: the central account's or a domain's access. */
  access = (catalog: string): AccountAccess => {
    const access = this.naming.accessOf(catalog);
    if (!access) throw new MeshError('InternalError', `No account access known for ${catalog}.`, { hint: 'This is a bug in mesh.' });
    return access;
  };

  async observe(queries: readonly CatalogQuery[]): Promise<CatalogObserved[]> {
    const ctx = { naming: this.naming, services: this.services, access: this.access };
    const parts = await Promise.all(queries.map((q) => observeAccount(ctx, q)));
    return parts.flat();
  }

  async execute(change: CatalogChange): Promise<Record<string, unknown> | undefined> {
    const ctx = { naming: this.naming, services: this.services, access: this.access };
    switch (change.type) {
      case 'glue-database':
      case 'resource-link-database':
        return executeDatabase(ctx, change, specOf(change));
      case 'glue-table':
        return executeTable(ctx, change, specOf(change));
      case 'resource-link':
        return executeTableLink(ctx, change, specOf(change));
      case 'lf-location':
        return executeLocation(ctx, change, specOf(change));
      case 'lf-tag':
        return executeLfTag(ctx, change, specOf(change));
      case 'bucket-policy':
        return executePolicy(ctx, change, specOf(change));
      case 'lf-grant': {
        const outcome = (await this.applyGrants([change])).get(change.key);
        if (outcome && !outcome.ok) throw outcome.error;
        return outcome?.ok ? outcome.attributes : undefined;
      }
    }
  }

  applyGrants(changes: readonly GrantChange[]): Promise<Map<string, GrantOutcome>> {
    const byCatalog = new Map<string, GrantChange[]>();
    for (const c of changes) {
      const spec = specOf(c);
      if (!byCatalog.has(spec.catalog)) byCatalog.set(spec.catalog, []);
      byCatalog.get(spec.catalog)?.push(c);
    }
    const ctx = { naming: this.naming, services: this.services, access: this.access };
    return Promise.all([...byCatalog].map(([catalog, list]) => applyGrantBatches(ctx, catalog, list))).then(
      (maps) => new Map(maps.flatMap((m) => [...m])),
    );
  }

  /** The clients are the run's: whoever made them destroys them (the toolkit, at the end of the run). */
  async close(): Promise<void> {}
}
