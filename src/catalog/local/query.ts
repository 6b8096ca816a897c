/**
 * `mesh query --domain <d> "<SQL>"` on the local target: DuckDB over the products' files, through the catalog. Each
 * product the domain may read (its own, or granted SELECT) is a table named by the product (dashes as underscores),
 * holding the granted columns only. The SQL must be one read-only statement reading products (query-guard.ts); file
 * access is off before it is bound; a product without a grant fails with AccessDenied.
 */

import { existsSync } from 'node:fs';
import { didYouMean, MeshError } from '../../core/errors.js';
import { accessOf } from '../../workspace/access-policy.js';
import type { Domain, Workspace } from '../../workspace/model.js';
import { requireDomain } from '../../workspace/require-domain.js';
import { catalogNaming, LOCAL_CENTRAL, sqlNameOf } from '../names.js';
import type { CatalogColumn, GrantSpec, TableSpec } from '../port.js';
import { type DuckConnection, duckType, ident, openDuckDb, plainValue, selectSql } from './duckdb.js';
import { dataFiles, locationDir } from './object-store.js';
import { ALLOWED_TABLE_FUNCTIONS, inspectQuery, type Refusal, type TableReference } from './query-guard.js';
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

/**
 * The product as a table with the granted columns only. Every product is materialised (no view over its files), so
 * the session needs no file access once the query runs: no path reaches DuckDB's allowed list, and no view
 * definition names a file. Only the products the query names are read; the others are empty tables with the granted
 * columns, so DESCRIBE and SHOW TABLES still list what the domain can read.
 */
async function createProductTable(connection: DuckConnection, localDir: string, access: ProductAccess, read: boolean): Promise<void> {
  const t = access.table;
  const all: CatalogColumn[] = [...t.columns, ...t.partitionKeys];
  const chosen = access.columns === 'all' ? all : all.filter((c) => access.columns?.includes(c.name));
  const name = ident(access.sqlName);
  const files = read
    ? dataFiles(locationDir(localDir, t.location), t.format === 'csv' || t.format === 'json' || t.format === 'parquet' ? t.format : 'csv')
    : [];
  if (files.length === 0) {
    await connection.run(`CREATE TABLE ${name} (${chosen.map((c) => `${ident(c.name)} ${duckType(c.type)}`).join(', ')})`);
    return;
  }
  try {
    await connection.run(`CREATE TABLE ${name} AS ${selectSql(t.format, files, chosen, all)}`);
  } catch (error) {
    const detail = ((error as Error).message.split('\n')[0] ?? '').trim();
    throw new MeshError('QueryFailed', `The stored files of ${access.product} cannot be read: ${detail}`, {
      hint: `Publish it again: mesh publish-product ${access.product}`,
      cause: error,
    });
  }
}

function accessDenied(workspace: Workspace, product: string, domain: Domain, detail: string, column?: string): MeshError {
  // A product whose policy (or PII) needs the producer's approval is reached by a request, not a plain subscribe.
  const contract = workspace.products.find((p) => p.name === product);
  const approval = contract !== undefined && (accessOf(contract).policy !== 'open' || contract.columns.some((c) => c.pii));
  const subscribe = approval
    ? `mesh access request ${product} --domain ${domain.name} --purpose "<why>"   (the ${product} producer approves it)`
    : `mesh subscribe ${product} --domain ${domain.name} --table`;
  return new MeshError('AccessDenied', `${domain.name} may not read ${product}: ${detail}.`, {
    hint: column ? `Add "${column}" to the columns of the ${product} subscription in ${domain.file}, then run: ${subscribe}` : subscribe,
    details: { product, domain: domain.name, ...(column ? { column } : {}) },
  });
}

function queryError(error: unknown, workspace: Workspace, domain: Domain, access: readonly ProductAccess[]): MeshError {
  const message = error instanceof Error ? error.message : String(error);
  const firstLine = (message.split('\n')[0] ?? message).replace(/^Failed to extract statements: /, '');
  const readable = access.filter((a) => a.columns).map((a) => a.sqlName);
  const missingTable = /Table with name "?([^\s"!]+)"? does not exist/i.exec(message)?.[1]?.toLowerCase();
  if (missingTable) {
    const denied = access.find((a) => a.sqlName === missingTable && !a.columns);
    if (denied) return accessDenied(workspace, denied.product, domain, 'it has no grant on the product (not subscribed)');
    const unpublished = workspace.products.find((p) => sqlNameOf(p.name) === missingTable);
    if (unpublished) {
      return new MeshError('ProductNotPublished', `${unpublished.name} is not in the catalog yet.`, {
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
        workspace,
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

const readableNames = (access: readonly ProductAccess[]): string[] => access.filter((a) => a.columns).map((a) => a.sqlName);

function refused(refusal: Refusal, domain: Domain, access: readonly ProductAccess[]): MeshError {
  const products = `Products ${domain.name} can read: ${readableNames(access).join(', ') || 'none'}.`;
  const details = { domain: domain.name, readable: readableNames(access) };
  switch (refusal.kind) {
    case 'statements': {
      // DuckDB runs a PIVOT without an IN list as two statements (it creates an enum type first)
      const pivot = refusal.count > 1 && refusal.keyword === 'PIVOT';
      const message =
        refusal.count === 0
          ? 'The SQL holds no statement.'
          : pivot
            ? 'A PIVOT without IN (…) runs as more than one statement in DuckDB.'
            : `mesh query runs one statement; this SQL holds ${refusal.count}.`;
      const advice =
        refusal.count === 0
          ? 'Write one query, e.g. SELECT * FROM <product> LIMIT 10.'
          : pivot
            ? "List the values, e.g. PIVOT songs ON genre IN ('pop', 'rock') USING count(*)."
            : 'Run one query at a time.';
      return new MeshError('QueryRefused', message, { hint: `${advice} ${products}`, details });
    }
    case 'not-read-only':
      return new MeshError(
        'QueryRefused',
        `mesh query runs read-only queries (SELECT, WITH … SELECT, VALUES, DESCRIBE, SHOW, SUMMARIZE); ${refusal.keyword || 'this'} is not one.`,
        { hint: `Nothing was run. ${products}`, details },
      );
    case 'table-function':
      return new MeshError(
        'AccessDenied',
        `Queries read products through the catalog, not files or system tables: ${refusal.name}() is not allowed.`,
        {
          hint: `${products} Table functions allowed: ${ALLOWED_TABLE_FUNCTIONS.join(', ')}.`,
          details: { ...details, function: refusal.name },
        },
      );
    case 'function':
      return new MeshError('AccessDenied', `${refusal.name}() is not available in mesh query.`, {
        hint: products,
        details: { ...details, function: refusal.name },
      });
    case 'show':
      return new MeshError(
        'AccessDenied',
        `SHOW ${refusal.name.replace(/"/g, '')} is not available in mesh query; DESCRIBE a product, or SHOW TABLES.`,
        {
          hint: products,
          details,
        },
      );
    case 'syntax':
      return new MeshError('QueryRefused', `mesh query does not run queries that read from a ${refusal.name} reference.`, {
        hint: products,
        details,
      });
  }
}

/** A table the query names that is not readable: the same errors DuckDB's "does not exist" used to lead to. */
function unreadable(table: TableReference, workspace: Workspace, domain: Domain, access: readonly ProductAccess[]): MeshError | undefined {
  const name = table.name.toLowerCase();
  const product = access.find((a) => a.sqlName === name);
  if (!table.qualified && product?.columns) return undefined;
  const readable = readableNames(access);
  if (!table.qualified && product)
    return accessDenied(workspace, product.product, domain, 'it has no grant on the product (not subscribed)');
  const unpublished = table.qualified ? undefined : workspace.products.find((p) => sqlNameOf(p.name) === name);
  if (unpublished) {
    return new MeshError('ProductNotPublished', `${unpublished.name} is not in the catalog yet.`, {
      hint: `mesh publish-product ${unpublished.name}`,
    });
  }
  // A qualified name (information_schema.tables, another catalog) or one that is not a plain identifier (a quoted
  // path or URL, which DuckDB would read as a file) is never a product.
  const label = table.qualified ?? table.name;
  if (table.qualified || !/^[\p{L}_][\p{L}\p{N}_$]*$/u.test(table.name)) {
    return new MeshError(
      'AccessDenied',
      `Queries read products through the catalog, not files or system tables: "${label}" is not a product.`,
      {
        hint: `Use the product names: ${readable.join(', ') || 'none'}.`,
        details: { domain: domain.name, table: label, readable },
      },
    );
  }
  return new MeshError('QueryFailed', `Table with name ${table.name} does not exist.`, {
    hint: didYouMean(name, readable) ?? `Products ${domain.name} can read: ${readable.join(', ') || 'none'}.`,
  });
}

/**
 * Runs SQL as a domain over the products it may read. The sandbox, in layers: the SQL is one read-only statement
 * that reads only products, CTEs and value-generating table functions (query-guard.ts); the products are tables
 * holding the granted columns only; then file access is switched off and the configuration locked before the
 * statement is bound; and DuckDB's temp folder is a private folder under the workspace state, removed after the run.
 */
export async function runQuery(workspace: Workspace, domainName: string, sql: string): Promise<QueryResult> {
  const domain = requireDomain(workspace, domainName);
  const access = await productAccess(workspace, domain);
  if (sql.trim() === '') throw refused({ kind: 'statements', count: 0 }, domain, access);
  const localDir = workspace.mesh.localDir;
  const session = await openDuckDb(existsSync(localDir) ? { tempParent: localDir } : {});
  try {
    const { connection } = session;
    let inspection: Awaited<ReturnType<typeof inspectQuery>>;
    try {
      inspection = await inspectQuery(connection, sql);
    } catch (error) {
      throw queryError(error, workspace, domain, access);
    }
    if (!inspection.ok) throw refused(inspection.refusal, domain, access);
    for (const table of inspection.tables) {
      const error = unreadable(table, workspace, domain, access);
      if (error) throw error;
    }
    const named = new Set(inspection.tables.map((t) => t.name.toLowerCase()));
    for (const a of access) if (a.columns) await createProductTable(connection, localDir, a, named.has(a.sqlName));
    await connection.run('SET enable_external_access=false');
    await connection.run('SET lock_configuration=true');
    let reader: Awaited<ReturnType<DuckConnection['runAndReadAll']>>;
    try {
      const statement = await (await connection.extractStatements(sql)).prepare(0);
      const { StatementType } = await import('@duckdb/node-api');
      if (statement.statementType !== StatementType.SELECT) throw refused({ kind: 'not-read-only', keyword: '' }, domain, access);
      reader = await statement.runAndReadAll();
    } catch (error) {
      throw error instanceof MeshError ? error : queryError(error, workspace, domain, access);
    }
    const names = reader.columnNames();
    const types = reader.columnTypes().map(String);
    const columns = names.map((name, i) => ({ name, type: types[i] ?? 'VARCHAR' }));
    const rows = reader.getRowObjectsJS().map((row) => Object.fromEntries(columns.map((c) => [c.name, plainValue(row[c.name], c.type)])));
    return { columns, rows, readable: readableNames(access) };
  } finally {
    session.close();
  }
}
