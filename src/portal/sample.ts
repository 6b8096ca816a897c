/**
 * Sample rows of a product as a domain sees them: through `mesh query`'s grant enforcement (runQuery), so a column
 * the domain may not read is not in the rows at all; the portal lists which columns were hidden.
 */
import { sqlNameOf } from '../catalog/names.js';
import type { Workspace } from '../workspace/model.js';
import type { PortalProduct } from './model.js';

export interface SampleRows {
  readonly domain: string;
  readonly columns: readonly string[];
  readonly rows: readonly Record<string, unknown>[];
  /** The product's columns the domain may not read. */
  readonly hidden: readonly string[];
}

/** JSON-safe cells: bigint and dates as text. */
function cell(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Date) return value.toISOString();
  if (value !== null && typeof value === 'object') return JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
  return value;
}

export async function sampleRows(ws: Workspace, product: PortalProduct, domain: string, limit: number): Promise<SampleRows> {
  const { runQuery } = await import('../catalog/local/query.js');
  const result = await runQuery(ws, domain, `SELECT * FROM "${sqlNameOf(product.name)}" LIMIT ${Math.floor(limit)}`);
  const columns = result.columns.map((c) => c.name);
  return {
    domain,
    columns,
    rows: result.rows.map((r) => Object.fromEntries(columns.map((c) => [c, cell(r[c])]))),
    hidden: product.columns.map((c) => c.name).filter((c) => !columns.includes(c)),
  };
}
