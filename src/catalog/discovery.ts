/**
 * Discovery: the products in the central catalog (GetTables in the central account's mesh databases on aws; the
 * embedded catalog on local), read from the tables' parameters, with their subscribers from the grants. Products in
 * the files that are not published yet are listed too, marked `published: false`.
 */
import type { AwsClients } from '../aws/clients.js';
import { configError, didYouMean } from '../core/errors.js';
import type { Product, Target, Workspace } from '../workspace/model.js';
import { catalogNaming, principalLabel, tableNameOf } from './names.js';
import { openCatalogPort } from './plane.js';
import type { CatalogPort, GrantSpec, TableSpec } from './port.js';

export interface CatalogColumnEntry {
  readonly name: string;
  readonly type: string;
  readonly description?: string;
  readonly pii: boolean;
  readonly partitionKey: boolean;
}

export interface SubscriberEntry {
  /** The workspace domain, when the principal is one of its roles. */
  readonly domain?: string;
  readonly principal: string;
  /** 'all', or the granted column subset. */
  readonly columns: 'all' | readonly string[];
}

export interface CatalogEntry {
  readonly name: string;
  readonly id?: string;
  readonly domain: string;
  readonly owner: { readonly team: string; readonly contact?: string };
  readonly description: string;
  readonly version?: string;
  readonly classification?: string;
  readonly published: boolean;
  readonly ports: {
    readonly table?: {
      readonly catalog: string;
      readonly database: string;
      readonly table: string;
      readonly location: string;
      readonly format: string;
      readonly partitionKeys: readonly string[];
    };
    readonly stream?: { readonly topic: string; readonly encoding: string };
  };
  readonly columns: readonly CatalogColumnEntry[];
  readonly subscribers: readonly SubscriberEntry[];
}

export interface DiscoveryOptions {
  readonly clients?: AwsClients;
  readonly port?: CatalogPort;
}

function streamPort(product: Product | undefined): CatalogEntry['ports']['stream'] {
  return product?.stream ? { topic: product.stream.topic, encoding: product.stream.encoding } : undefined;
}

function entryOfTable(
  t: TableSpec,
  grants: readonly GrantSpec[],
  ws: Workspace,
  producerPrincipal: string | undefined,
  label: (g: GrantSpec) => string,
): CatalogEntry {
  const p = t.parameters;
  const name = p['mesh:product'] ?? t.name;
  const pii = new Set((p['mesh:pii-columns'] ?? '').split(',').filter(Boolean));
  const on = grants.filter(
    (g) =>
      (g.resource.kind === 'table' || g.resource.kind === 'columns') && g.resource.database === t.database && g.resource.table === t.name,
  );
  const byPrincipal = new Map<string, SubscriberEntry>();
  for (const g of on) {
    if (g.principal === producerPrincipal || !g.permissions.includes('SELECT')) continue;
    const domain = label(g);
    const columns = g.resource.kind === 'columns' ? g.resource.columns : 'all';
    const prev = byPrincipal.get(g.principal);
    if (prev?.columns === 'all') continue;
    byPrincipal.set(g.principal, { ...(domain !== g.principal ? { domain } : {}), principal: g.principal, columns });
  }
  const column = (partitionKey: boolean) => (c: TableSpec['columns'][number]) => ({
    name: c.name,
    type: c.type,
    ...(c.comment ? { description: c.comment } : {}),
    pii: pii.has(c.name),
    partitionKey,
  });
  return {
    name,
    ...(p['mesh:product-id'] ? { id: p['mesh:product-id'] } : {}),
    domain: p['mesh:domain'] ?? '',
    owner: { team: p['mesh:owner'] ?? '', ...(p['mesh:contact'] ? { contact: p['mesh:contact'] } : {}) },
    description: t.description,
    ...(p['mesh:version'] ? { version: p['mesh:version'] } : {}),
    ...(p['mesh:classification'] ? { classification: p['mesh:classification'] } : {}),
    published: true,
    ports: {
      table: {
        catalog: t.catalog,
        database: t.database,
        table: t.name,
        location: t.location,
        format: t.format,
        partitionKeys: t.partitionKeys.map((c) => c.name),
      },
      ...(streamPort(ws.products.find((x) => x.name === name)) ? { stream: streamPort(ws.products.find((x) => x.name === name)) } : {}),
    },
    columns: [...t.columns.map(column(false)), ...t.partitionKeys.map(column(true))],
    subscribers: [...byPrincipal.values()].sort((a, b) => (a.domain ?? a.principal).localeCompare(b.domain ?? b.principal)),
  };
}

function entryOfFiles(product: Product): CatalogEntry {
  const partition = new Set(product.table?.partitionKeys ?? []);
  return {
    name: product.name,
    id: product.id,
    domain: product.domain,
    owner: product.owner,
    description: product.description,
    version: product.version,
    classification: product.classification,
    published: false,
    ports: {
      ...(product.table
        ? {
            table: {
              catalog: '',
              database: '',
              table: tableNameOf(product),
              location: product.table.location,
              format: product.table.format,
              partitionKeys: [...partition],
            },
          }
        : {}),
      ...(product.stream ? { stream: streamPort(product) } : {}),
    },
    columns: product.columns.map((c) => ({
      name: c.name,
      type: c.type,
      ...(c.description ? { description: c.description } : {}),
      pii: c.pii,
      partitionKey: partition.has(c.name),
    })),
    subscribers: [],
  };
}

/** Every product: published ones from the central catalog, then the files' unpublished ones. Sorted by name. */
export async function readCatalog(workspace: Workspace, target: Target, options: DiscoveryOptions = {}): Promise<CatalogEntry[]> {
  const naming = catalogNaming(workspace, target);
  const port = options.port ?? (await openCatalogPort(workspace, naming, options));
  try {
    const observed = await port.observe([{ catalog: naming.central, databases: true, tablesOf: 'managed', permissions: true }]);
    const tables = observed.flatMap((o) =>
      o.spec.kind === 'glue-table' && o.spec.catalog === naming.central && o.spec.parameters['mesh:managed-by'] === naming.managedBy
        ? [o.spec]
        : [],
    );
    const grants = observed.flatMap((o) => (o.spec.kind === 'lf-grant' && o.spec.catalog === naming.central ? [o.spec] : []));
    const entries = tables.map((t) => {
      const producer = workspace.domains.find((d) => d.name === t.parameters['mesh:domain']);
      return entryOfTable(t, grants, workspace, producer ? naming.principalOf(producer) : undefined, (g) => principalLabel(g, naming));
    });
    const published = new Set(entries.map((e) => e.name));
    for (const p of workspace.products) if (!published.has(p.name)) entries.push(entryOfFiles(p));
    return entries.sort((a, b) => a.name.localeCompare(b.name));
  } finally {
    if (!options.port) await port.close();
  }
}

/** Products whose name, domain, owner, description or column names contain the term (case-insensitive). */
export function searchCatalog(entries: readonly CatalogEntry[], term: string | undefined): CatalogEntry[] {
  const t = term?.trim().toLowerCase();
  if (!t) return [...entries];
  return entries.filter((e) =>
    [e.name, e.domain, e.owner.team, e.description, e.classification ?? '', ...e.columns.map((c) => c.name)].some((field) =>
      field.toLowerCase().includes(t),
    ),
  );
}

export async function describeProduct(
  workspace: Workspace,
  target: Target,
  name: string,
  options: DiscoveryOptions = {},
): Promise<CatalogEntry> {
  const entries = await readCatalog(workspace, target, options);
  const found = entries.find((e) => e.name === name);
  if (!found) {
    throw configError('UnknownProduct', `No product named "${name}" in the catalog or the files.`, {
      hint:
        didYouMean(
          name,
          entries.map((e) => e.name),
        ) ?? 'Run `mesh catalog` to list the products.',
    });
  }
  return found;
}
