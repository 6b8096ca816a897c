/**
 * Runs a domain's SQL transform on the local target: DuckDB over the products the domain may read (the catalog's
 * runQuery, so subscriptions and grants apply), written as CSV (header row, RFC 4180 quoting) to the transform's
 * output. Outputs are results, not sources: they go under the workspace's local state folder (`.mesh/local/`,
 * git-ignored), at `transforms/<domain>/<output>`, never into the domain folder.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Workspace } from '../../workspace/model.js';
import { requireDomain } from '../../workspace/require-domain.js';
import { toCsv, transformOutputPath } from '../output.js';
import { findTransform, transformSources } from '../transform-sources.js';

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

async function catalogRunQuery(): Promise<QueryRunner> {
  const { runQuery } = await import('../../catalog/local/query.js');
  return runQuery;
}

export async function runTransform(
  workspace: Workspace,
  domainName: string,
  transformName: string,
  options: RunTransformOptions = {},
): Promise<TransformRun> {
  const started = performance.now();
  const domain = requireDomain(workspace, domainName);
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
