/**
 * The checks `mesh query` makes on a domain's SQL before DuckDB binds or runs it, so the sandbox does not rest on
 * one DuckDB setting (`enable_external_access`). Nothing here uses regular expressions on SQL: DuckDB parses it.
 *
 * 1. Exactly one statement (DuckDB's statement extraction).
 * 2. Read-only: DuckDB's `json_serialize_sql` gives the parsed statement as JSON, and it serialises SELECT statements
 *    only (SELECT, WITH … SELECT, VALUES, FROM-first, PIVOT, DESCRIBE / SHOW / SUMMARIZE, which DuckDB parses as
 *    SELECTs); COPY, EXPORT, ATTACH, INSTALL, LOAD, SET, RESET, PRAGMA, CALL, CREATE … are refused. After these
 *    checks the caller prepares the statement and checks its `statementType` is SELECT as well.
 * 3. What the statement reads, by walking that tree:
 *    - table functions by an allowlist (value generators only). A denylist of file functions (read_csv, glob,
 *      parquet_*, …) would miss the next one DuckDB adds and indirect ones (query, query_table,
 *      json_execute_serialized_sql run SQL given as a string this walk cannot see), so anything not listed is
 *      refused;
 *    - tables: a name is a CTE in scope (DuckDB's scoping: a CTE sees the ones before it, a recursive one itself), or it is
 *      returned to the caller, which accepts only the products the domain may read. A quoted path (`FROM
 *      'x.csv'`), a schema-qualified system view (information_schema, pg_catalog) or another catalog is never a
 *      product, so it is refused before DuckDB could try a replacement scan;
 *    - DESCRIBE / SHOW of a table go through the same table check; SHOW TABLES / DATABASES list this session only;
 *    - scalar functions that reveal the session's configuration (its temp folder) are refused;
 *    - any table reference kind not listed here (a future DuckDB syntax) is refused rather than trusted.
 */
import type { DuckConnection } from './duckdb.js';

/** Table functions a query may call: they generate values and touch no file, setting or catalog. */
export const ALLOWED_TABLE_FUNCTIONS: readonly string[] = ['range', 'generate_series', 'unnest', 'json_each', 'json_tree'];

/** Scalar functions that read the session's configuration or the process environment. */
const DENIED_FUNCTIONS = new Set(['current_setting', 'getenv']);

/** The table reference kinds DuckDB's parser produces for a SELECT; anything else is refused. */
const TABLE_REF_TYPES = new Set(['BASE_TABLE', 'TABLE_FUNCTION', 'SUBQUERY', 'JOIN', 'EXPRESSION_LIST', 'EMPTY', 'PIVOT', 'SHOW_REF']);

/** What SHOW may name without a query: DuckDB's listings of this session's tables and databases. */
const SHOW_LISTINGS = new Set(['', '__show_tables_expanded', '"tables"', '"databases"']);

/** A table the statement reads that is not a CTE: the caller resolves it against the products. */
export interface TableReference {
  readonly name: string;
  /** `schema.name` or `catalog.schema.name` as written, when qualified. */
  readonly qualified?: string;
}

export type Refusal =
  | { readonly kind: 'statements'; readonly count: number; readonly keyword?: string }
  | { readonly kind: 'not-read-only'; readonly keyword: string }
  | { readonly kind: 'table-function'; readonly name: string }
  | { readonly kind: 'function'; readonly name: string }
  | { readonly kind: 'show'; readonly name: string }
  | { readonly kind: 'syntax'; readonly name: string };

export type Inspection =
  | { readonly ok: true; readonly tables: readonly TableReference[] }
  | { readonly ok: false; readonly refusal: Refusal };

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const isObject = (value: Json | undefined): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);
const text = (value: Json | undefined): string => (typeof value === 'string' ? value : '');

/** The first word of the SQL, upper-cased, for messages only (the decision is DuckDB's parse). */
function keywordOf(sql: string): string {
  const word = sql.trim().split(/\s+/)[0] ?? '';
  return word.toUpperCase();
}

class Walker {
  readonly tables: TableReference[] = [];
  refusal: Refusal | undefined;

  walk(value: Json, scope: ReadonlySet<string>): void {
    if (this.refusal) return;
    if (Array.isArray(value)) {
      for (const item of value) this.walk(item, scope);
      return;
    }
    if (!isObject(value)) return;
    let inner = scope;
    const ctes = isObject(value.cte_map) ? value.cte_map.map : undefined;
    if (Array.isArray(ctes)) {
      const visible = new Set(scope);
      for (const entry of ctes) {
        if (!isObject(entry)) continue;
        const name = text(entry.key).toLowerCase();
        const query = isObject(entry.value) && isObject(entry.value.query) ? entry.value.query.node : undefined;
        // Only a recursive CTE sees itself; a plain one naming itself would reach a table of that name.
        const recursive = isObject(query) && text(query.type) === 'RECURSIVE_CTE_NODE';
        if (recursive) visible.add(name);
        this.walk(entry.value ?? null, new Set(visible));
        visible.add(name);
      }
      inner = visible;
    }
    this.check(value, inner);
    for (const [key, child] of Object.entries(value)) if (key !== 'cte_map') this.walk(child, inner);
  }

  private check(node: JsonObject, scope: ReadonlySet<string>): void {
    const type = text(node.type);
    if (text(node.class) === 'FUNCTION') {
      const name = text(node.function_name).toLowerCase();
      if (DENIED_FUNCTIONS.has(name)) this.refusal = { kind: 'function', name };
      return;
    }
    // A table reference: a node with an alias and a sample clause that is neither an expression nor a query node.
    const isTableRef = !('class' in node) && !('modifiers' in node) && 'alias' in node && 'sample' in node;
    if (!isTableRef) return;
    if (!TABLE_REF_TYPES.has(type)) {
      this.refusal = { kind: 'syntax', name: type };
      return;
    }
    if (type === 'TABLE_FUNCTION') {
      const fn = isObject(node.function) ? node.function : {};
      const name = text(fn.function_name).toLowerCase();
      if (text(fn.class) !== 'FUNCTION' || !ALLOWED_TABLE_FUNCTIONS.includes(name)) this.refusal = { kind: 'table-function', name };
      return;
    }
    if (type === 'SHOW_REF') {
      const name = text(node.table_name);
      if (!SHOW_LISTINGS.has(name) || text(node.schema_name) !== '' || text(node.catalog_name) !== '')
        this.refusal = { kind: 'show', name };
      return;
    }
    if (type === 'BASE_TABLE') {
      const name = text(node.table_name);
      const catalog = text(node.catalog_name).toLowerCase();
      const schema = text(node.schema_name).toLowerCase();
      // `main.songs` and `memory.main.songs` are this session's own tables: the same as `songs`
      const own = (catalog === '' || catalog === 'memory') && (schema === '' || schema === 'main');
      const parts = own ? [name] : [text(node.catalog_name), text(node.schema_name), name].filter((p) => p !== '');
      if (catalog === '' && schema === '' && scope.has(name.toLowerCase())) return;
      this.tables.push(parts.length === 1 ? { name } : { name, qualified: parts.join('.') });
    }
  }
}

/**
 * Inspects one query without binding it (binding a table function would already open its files): the statement
 * count, whether it is a SELECT, and what it reads. `connection` only parses here.
 */
export async function inspectQuery(connection: DuckConnection, sql: string): Promise<Inspection> {
  const reader = await connection.runAndReadAll('SELECT json_serialize_sql($1::VARCHAR) AS tree', [sql]);
  const tree = JSON.parse(String(reader.getRowObjectsJS()[0]?.tree ?? '{}')) as Json;
  if (!isObject(tree)) return { ok: false, refusal: { kind: 'not-read-only', keyword: keywordOf(sql) } };
  if (tree.error === true && tree.error_type === 'parser') throw new Error(`Parser Error: ${text(tree.error_message)}`);
  const statements = Array.isArray(tree.statements) ? tree.statements : [];
  if (tree.error === false && statements.length === 0) return { ok: false, refusal: { kind: 'statements', count: 0 } };
  const count = (await connection.extractStatements(sql)).count;
  if (count !== 1) return { ok: false, refusal: { kind: 'statements', count, keyword: keywordOf(sql) } };
  if (tree.error !== false || statements.length !== 1) return { ok: false, refusal: { kind: 'not-read-only', keyword: keywordOf(sql) } };
  const walker = new Walker();
  walker.walk(statements, new Set());
  return walker.refusal ? { ok: false, refusal: walker.refusal } : { ok: true, tables: walker.tables };
}
