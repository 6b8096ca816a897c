/**
 * `mesh query --domain <d> "<SQL>"` on the local target: DuckDB over the products' files, through the catalog. Each
 * product the domain may read (its own, or granted SELECT) is a view named by the product (dashes as underscores),
 * limited to the granted columns. Then file access is switched off, so SQL reaches data only through those views;
 * a product without a grant fails with AccessDenied.
 */
import { existsSync } from 'node:fs';
import { configError, didYouMean, MeshError } from '../../core/errors.js';
import type { Domain, Workspace } from '../../workspace/model.js';
import { catalogNaming, LOCAL_CENTRAL, sqlNameOf } from '../names.js';
import type { CatalogColumn, GrantSpec, TableSpec } from '../port.js';
import { type DuckConnection, duckType, ident, literal, openDuckDb, plainValue, selectSql } from './duckdb.js';
import { dataFiles, locationDir } from './object-store.js';
import { CatalogStore } from './store.js';

export interface QueryColumn {
  readonly name: string;
  readonly type: string;
}

export interface QueryResult {
  readonly columns: readonly QueryColumn[];
  readonly rows: readonly Record<string, unknown>[];
  /** The products (SQL names) the domain could read in this query. */
  readonly readable: readonly string[];
}

export interface ProductAccess {
  readonly product: string;
  readonly sqlName: string;
  readonly table: TableSpec;
  /** undefined: no grant; 'all': every column; else the granted columns. */
  readonly columns: 'all' | readonly string[] | undefined;
}

/** Every published product and what `domain` may read of it, from the embedded catalog. */
export async function productAccess(workspace: Workspace, domain: Domain): Promise<ProductAccess[]> {
  const localDir = workspace.mesh.localDir;
  if (!existsSync(CatalogStore.file(localDir))) return [];
  const naming = catalogNaming(workspace, 'local');
  const store = await CatalogStore.open(localDir, { readonly: true });
  try {
    const principal = naming.principalOf(domain);
    const grants = store
      .grants()
      .filter((g) => g.catalog === LOCAL_CENTRAL && g.principal === principal && g.permissions.includes('SELECT'));
    const tables = store
      .tables()
      .filter((t) => t.catalog === LOCAL_CENTRAL && t.parameters['mesh:managed-by'] === naming.managedBy && t.parameters['mesh:product']);
    return tables.map((table) => {
      const product = table.parameters['mesh:product'] ?? table.name;
      const on = (g: GrantSpec) =>
        (g.resource.kind === 'table' || g.resource.kind === 'columns') &&
        g.resource.database === table.database &&
        g.resource.table === table.name;
      const mine = grants.filter(on);
      const own = table.parameters['mesh:domain'] === domain.name;
      const full = own || mine.some((g) => g.resource.kind === 'table');
      const subset = mine.flatMap((g) => (g.resource.kind === 'columns' ? g.resource.columns : []));
      return { product, sqlName: sqlNameOf(product), table, columns: full ? 'all' : subset.length > 0 ? [...new Set(subset)] : undefined };
    });
  } finally {
    store.close();
  }
}

async function createProductView(connection: DuckConnection, localDir: string, access: ProductAccess): Promise<string[]> {
  const t = access.table;
  const all: CatalogColumn[] = [...t.columns, ...t.partitionKeys];
  const chosen = access.columns === 'all' ? all : all.filter((c) => access.columns?.includes(c.name));
  const files = dataFiles(
    locationDir(localDir, t.location),
    t.format === 'csv' || t.format === 'json' || t.format === 'parquet' ? t.format : 'csv',
  );
  const name = ident(access.sqlName);
  if (files.length === 0) {
    await connection.run(`CREATE TABLE ${name} (${chosen.map((c) => `${ident(c.name)} ${duckType(c.type)}`).join(', ')})`);
    return [];
  }
  const select = selectSql(t.format, files, chosen, all);
  if (access.columns === 'all') {
    await connection.run(`CREATE VIEW ${name} AS ${select}`);
    return files;
  }
  // A column subset is materialised, so the file itself stays out of reach.
  await connection.run(`CREATE TABLE ${name} AS ${select}`);
  return [];
}

function accessDenied(product: string, domain: Domain, detail: string, column?: string): MeshError {
  const subscribe = `mesh subscribe ${product} --domain ${domain.name} --table`;
  return new MeshError('AccessDenied', `${domain.name} may not read ${product}: ${detail}.`, {
    hint: column ? `Add "${column}" to the columns of the ${product} subscription in ${domain.file}, then run: ${subscribe}` : subscribe,
    details: { product, domain: domain.name, ...(column ? { column } : {}) },
  });
}

function queryError(error: unknown, workspace: Workspace, domain: Domain, access: readonly ProductAccess[]): MeshError {
  const message = error instanceof Error ? error.message : String(error);
  const firstLine = message.split('\n')[0] ?? message;
  const readable = access.filter((a) => a.columns).map((a) => a.sqlName);
  const missingTable = /Table with name "?([^\s"!]+)"? does not exist/i.exec(message)?.[1]?.toLowerCase();
  if (missingTable) {
    const denied = access.find((a) => a.sqlName === missingTable && !a.columns);
    if (denied) return accessDenied(denied.product, domain, 'it has no grant on the product (not subscribed)');
    const unpublished = workspace.products.find((p) => sqlNameOf(p.name) === missingTable);
    if (unpublished) {
      return new MeshError('NotPublished', `${unpublished.name} is not in the catalog yet.`, {
        hint: `mesh publish-product ${unpublished.name}`,
      });
    }
    return new MeshError('QueryFailed', firstLine, {
      hint: didYouMean(missingTable, readable) ?? `Products ${domain.name} can read: ${readable.join(', ') || 'none'}.`,
      cause: error,
    });
  }
  const column = /Referenced column "?([^\s"]+)"? not found/i.exec(message)?.[1];
  if (column) {
    const hidden = access.find(
      (a) =>
        Array.isArray(a.columns) &&
        !a.columns.includes(column) &&
        [...a.table.columns, ...a.table.partitionKeys].some((c) => c.name === column),
    );
    if (hidden)
      return accessDenied(
        hidden.product,
        domain,
        `column "${column}" is not in its grant (columns: ${(hidden.columns as readonly string[]).join(', ')})`,
        column,
      );
  }
  if (/Permission Error|file system operations are disabled/i.test(message)) {
    return new MeshError('AccessDenied', 'Queries read products through the catalog, not files.', {
      hint: `Use the product names: ${readable.join(', ') || 'none'}.`,
      cause: error,
    });
  }
  return new MeshError('QueryFailed', firstLine, {
    hint: `Products ${domain.name} can read: ${readable.join(', ') || 'none'}.`,
    cause: error,
  });
}

/** Runs SQL as a domain over the products it may read. */
export async function runQuery(workspace: Workspace, domainName: string, sql: string): Promise<QueryResult> {
  const domain = workspace.domains.find((d) => d.name === domainName);
  if (!domain) {
    throw configError('UnknownDomain', `No domain named "${domainName}".`, {
      hint:
        didYouMean(
          domainName,
          workspace.domains.map((d) => d.name),
        ) ?? 'Check --domain.',
    });
  }
  const access = await productAccess(workspace, domain);
  const session = await openDuckDb();
  try {
    const { connection } = session;
    const allowed: string[] = [];
    for (const a of access) if (a.columns) allowed.push(...(await createProductView(connection, workspace.mesh.localDir, a)));
    if (allowed.length > 0) await connection.run(`SET allowed_paths=[${allowed.map(literal).join(', ')}]`);
    await connection.run('SET enable_external_access=false');
    await connection.run('SET lock_configuration=true');
    let reader: Awaited<ReturnType<DuckConnection['runAndReadAll']>>;
    try {
      reader = await connection.runAndReadAll(sql);
    } catch (error) {
      throw queryError(error, workspace, domain, access);
    }
    const names = reader.columnNames();
    const types = reader.columnTypes().map(String);
    const columns = names.map((name, i) => ({ name, type: types[i] ?? 'VARCHAR' }));
    const rows = reader.getRowObjectsJS().map((row) => Object.fromEntries(columns.map((c) => [c.name, plainValue(row[c.name], c.type)])));
    return { columns, rows, readable: access.filter((a) => a.columns).map((a) => a.sqlName) };
  } finally {
    session.close();
  }
}
