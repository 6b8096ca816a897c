/**
 * Runs a domain's transform on aws with Athena (engine: athena), in the domain's account, over its resource links:
 * the same SQL, table names rewritten (the Personalize dataset builder runs its queries the same way). Athena
 * writes the result file `<QueryExecutionId>.csv` under the transform's output prefix; mesh also writes the rows to
 * the transform's output file in the domain folder, as the local target does.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { AwsClients } from '../../aws/clients.js';
import type { IoHost } from '../../core/messages.js';
import type { Domain, Workspace } from '../../workspace/model.js';
import { runAthenaSelect } from '../athena/select.js';
import { toCsv, transformOutputPath } from '../output.js';
import { renderAthenaQuery } from '../render-aws.js';
import { findTransform } from '../transform-sources.js';

export interface RunAthenaTransformOptions {
  readonly workspace: Workspace;
  readonly domain: Domain;
  readonly transform: string;
  readonly clients: AwsClients;
  /** Where messages and the wait's progress go (default: nowhere). */
  readonly host?: IoHost;
  readonly signal?: AbortSignal;
  /** Athena work group (default `primary`). */
  readonly workGroup?: string;
  readonly sleep?: (ms: number) => Promise<void>;
}

export interface AthenaTransformResult {
  readonly transform: string;
  readonly engine: 'athena';
  readonly state: 'SUCCEEDED';
  readonly rowCount: number;
  readonly columns: readonly string[];
  /** Where Athena wrote the query's result file. */
  readonly outputLocation: string;
  /** The rows, also written here (the domain's declared output). */
  readonly outputFile: string;
}

export async function runAthenaTransform(options: RunAthenaTransformOptions): Promise<AthenaTransformResult> {
  const { AthenaClient } = await import('@aws-sdk/client-athena');
  const transform = findTransform(options.domain, options.transform);
  const workGroup = options.workGroup ?? 'primary';
  const rendered = renderAthenaQuery(options.workspace, options.domain, transform, { workGroup });
  const athena = await options.clients.get(AthenaClient, options.domain.access);
  const rows = await runAthenaSelect(
    {
      workspace: options.workspace,
      domain: options.domain,
      athena,
      workGroup,
      outputLocation: rendered.outputLocation,
      configFile: options.domain.file,
      ...(options.host ? { host: options.host } : {}),
      purpose: `transform ${transform.name} of ${options.domain.name}`,
      rerun: `Run \`mesh transform ${transform.name} --domain ${options.domain.name}\` again.`,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.sleep ? { sleep: options.sleep } : {}),
    },
    transform.sql,
  );
  const columns = rows[0] ? Object.keys(rows[0]) : [];
  const outputFile = transformOutputPath(options.workspace, options.domain, transform);
  mkdirSync(path.dirname(outputFile), { recursive: true });
  const temp = `${outputFile}.${process.pid}.tmp`;
  writeFileSync(temp, toCsv(columns, rows));
  renameSync(temp, outputFile);
  return {
    transform: transform.name,
    engine: 'athena',
    state: 'SUCCEEDED',
    rowCount: rows.length,
    columns,
    outputLocation: rendered.outputLocation,
    outputFile,
  };
}
