/**
 * Runs a domain's SQL transform on the local target: DuckDB over the products the domain may read (the catalog's
 * runQuery, so subscriptions and grants apply), written as CSV (header row, RFC 4180 quoting) to the transform's
 * output. Outputs are results, not sources: they go under the workspace's local state folder (`.mesh/local/`,
 * git-ignored), at `transforms/<domain>/<output>`, never into the domain folder.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Domain, Transform, Workspace } from '../workspace/model.js';
import { findDomainOrThrow, findTransform, transformSources } from './transform-sources.js';

export interface TransformRun {
  readonly domain: string;
  readonly transform: string;
  /** Absolute path of the CSV written. */
  readonly output: string;
  readonly columns: readonly string[];
  readonly rowCount: number;
  /** Products read (SQL names). */
  readonly sources: readonly string[];
  readonly elapsedMs: number;
}

/** Row source: the catalog's query (overridable in tests). */
export type QueryRunner = (
  workspace: Workspace,
  domain: string,
  sql: string,
) => Promise<{ readonly columns: readonly { readonly name: string }[]; readonly rows: readonly Record<string, unknown>[] }>;

export interface RunTransformOptions {
  readonly query?: QueryRunner;
}

/** Where a transform's result is written: `<localDir>/transforms/<domain>/<output>` (outside the source tree). */
export function transformOutputPath(workspace: Workspace, domain: Domain, transform: Pick<Transform, 'output'>): string {
  return path.resolve(workspace.mesh.localDir, 'transforms', domain.name, transform.output);
}

async function catalogRunQuery(): Promise<QueryRunner> {
  const { runQuery } = await import('../catalog/local/query.js');
  return runQuery;
}

export async function runTransform(
  workspace: Workspace,
  domainName: string,
  transformName: string,
  options: RunTransformOptions = {},
): Promise<TransformRun> {
  const started = performance.now();
  const domain = findDomainOrThrow(workspace, domainName);
  const transform = findTransform(domain, transformName);
  const sources = transformSources(workspace, domain, transform);
  const query = options.query ?? (await catalogRunQuery());
  const result = await query(workspace, domain.name, transform.sql);
  const columns = result.columns.map((c) => c.name);

  const output = transformOutputPath(workspace, domain, transform);
  mkdirSync(path.dirname(output), { recursive: true });
  const temp = `${output}.${process.pid}.tmp`;
  writeFileSync(temp, toCsv(columns, result.rows));
  renameSync(temp, output);
  return {
    domain: domain.name,
    transform: transform.name,
    output,
    columns,
    rowCount: result.rows.length,
    sources: sources.map((s) => s.sqlName),
    elapsedMs: performance.now() - started,
  };
}

/** CSV text: header row, then one line per row; fields quoted when they hold a comma, quote or line break. */
export function toCsv(columns: readonly string[], rows: readonly Record<string, unknown>[]): string {
  const lines = [columns.map(csvField).join(',')];
  for (const row of rows) lines.push(columns.map((c) => csvField(row[c])).join(','));
  return `${lines.join('\n')}\n`;
}

function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text =
    typeof value === 'string'
      ? value
      : value instanceof Date
        ? value.toISOString()
        : typeof value === 'object'
          ? JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))
          : String(value);
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
}
