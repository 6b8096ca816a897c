/**
 * The catalog plane's query over a domain's subscribed products (DuckDB on local), adapted to plain rows for the
 * dataset builder. Loaded only when a dataset's source is a product, a transform or SQL, on the local target (on the
 * aws target, service.ts picks athena-query.ts: Athena over the domain's resource links).
 */
import type { Workspace } from '../../workspace/model.js';
import type { QueryRows } from './build.js';

export async function catalogQuery(workspace: Workspace, domain: string): Promise<QueryRows> {
  const { runQuery } = await import('../../catalog/local/query.js');
  return async (sql) => toRows(await runQuery(workspace, domain, sql));
}

/** Accepts rows as objects, or `{ columns, rows }` with rows as arrays or objects. */
export function toRows(result: unknown): Record<string, unknown>[] {
  if (Array.isArray(result)) return result as Record<string, unknown>[];
  const r = result as { columns?: readonly (string | { name: string })[]; rows?: readonly unknown[] };
  if (r && Array.isArray(r.rows)) {
    const names = (r.columns ?? []).map((c) => (typeof c === 'string' ? c : c.name));
    return r.rows.map((row) =>
      Array.isArray(row) ? Object.fromEntries(names.map((n, i) => [n, row[i]])) : (row as Record<string, unknown>),
    );
  }
  return [];
}
