/**
 * A SELECT run by Amazon Athena in a domain's account over its resource links: the SQL (products addressed by name)
 * rewritten by the transforms' renderer (`songs` → `mesh_songs.songs`, CASTs spelled for Athena), started, waited
 * for with the shared waiter on GetQueryExecution, and read with GetQueryResults page by page, as plain rows, the
 * shape the local catalog query returns: integers as numbers, timestamps as ISO text, dates as YYYY-MM-DD, SQL NULL
 * as null. Used by `mesh transform` (engine: athena) and by the Personalize dataset builder on aws.
 */
import {
  type AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  type GetQueryResultsCommandOutput,
  type QueryExecution,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import { fromAwsError } from '../../aws/errors.js';
import { sqlNameOf } from '../../catalog/names.js';
import { MeshError } from '../../core/errors.js';
import { emit, type IoHost, silentHost } from '../../core/messages.js';
import { type JobStatus, type WaitOptions, waitFor } from '../../core/waiter.js';
import type { Domain, Workspace } from '../../workspace/model.js';
import { renderAthenaQuery, type StartQueryExecutionInput } from '../render-aws.js';
import { tableNamesIn } from '../sql-tables.js';
import { athenaFailure, athenaStartError } from './errors.js';

export interface AthenaQueryOptions {
  readonly workspace: Workspace;
  /** The domain whose account runs the query and whose resource links name the products. */
  readonly domain: Domain;
  readonly athena: AthenaClient;
  readonly workGroup: string;
  /** `s3://bucket/prefix/`: where Athena writes each query's result file. */
  readonly outputLocation: string;
  /** The file the work group and output location come from (named in hints). */
  readonly configFile: string;
  /** Where the query's messages and the wait's progress go (default: nowhere). */
  readonly host?: IoHost;
  /** What the query is for, in messages (default: the Personalize datasets). */
  readonly purpose?: string;
  /** What to tell the user when the wait is interrupted (default: run the command again). */
  readonly rerun?: string;
  readonly signal?: AbortSignal;
  readonly sleep?: WaitOptions['sleep'];
  readonly now?: () => number;
  /** GetQueryResults page size (Athena's maximum, 1000, by default). */
  readonly pageSize?: number;
}

/**
 * Each product the SQL names must reach the domain's account as a resource link: the domain's own product, or a
 * subscription with table access. Checked before the renderer, so the message speaks of the datasets.
 */
function checkTableAccess(workspace: Workspace, domain: Domain, sql: string, configFile: string): void {
  for (const name of tableNamesIn(sql)) {
    const product = workspace.products.find((p) => sqlNameOf(p.name) === name);
    if (!product || product.domain === domain.name) continue;
    const subscription = domain.subscriptions.find((s) => s.product === product.name);
    if (subscription?.table) continue;
    throw new MeshError(
      'PersonalizeSourceNotSubscribed',
      `The Personalize datasets read product "${product.name}" through Athena, but domain "${domain.name}" has ${subscription ? 'a stream-only subscription to it (no table access)' : 'no subscription to it'}.`,
      {
        hint: `Add \`table: true\` to its subscription in ${domain.file} and run \`mesh subscribe ${product.name} --domain ${domain.name} --table\` (it creates the resource link Athena reads), or change the dataset's source in ${configFile}.`,
      },
    );
  }
}

/** The StartQueryExecution input for a SELECT: resource-link table names, Athena CASTs, work group, output. */
export function athenaDatasetQuery(
  options: Pick<AthenaQueryOptions, 'workspace' | 'domain' | 'workGroup' | 'outputLocation' | 'configFile'>,
  sql: string,
): { input: StartQueryExecutionInput; tables: readonly string[] } {
  checkTableAccess(options.workspace, options.domain, sql, options.configFile);
  const rendered = renderAthenaQuery(
    options.workspace,
    options.domain,
    { name: 'personalize-datasets', sqlFile: options.configFile, sql, output: options.outputLocation, engine: 'athena' },
    { workGroup: options.workGroup },
  );
  return {
    input: { ...rendered.startQueryExecution, ResultConfiguration: { OutputLocation: options.outputLocation } },
    tables: rendered.tables.map((t) => `${t.database}.${t.table}`),
  };
}

/** Athena's status of a query → the waiter's view. */
export function queryStatus(execution: QueryExecution | undefined): JobStatus {
  const state = execution?.Status?.State ?? 'UNKNOWN';
  if (state === 'SUCCEEDED') return { status: state, done: true, failed: false };
  if (state === 'FAILED' || state === 'CANCELLED') {
    const reason = execution?.Status?.StateChangeReason ?? execution?.Status?.AthenaError?.ErrorMessage;
    return { status: state, done: false, failed: true, ...(reason ? { reason } : {}) };
  }
  return { status: state, done: false, failed: false };
}

const INTEGER_TYPES = new Set(['tinyint', 'smallint', 'integer', 'int', 'bigint']);
const DECIMAL_TYPES = new Set(['double', 'float', 'real', 'decimal']);

/** One cell of GetQueryResults (always text) as the local query would give it, from the column's Athena type. */
export function athenaValue(text: string | undefined, type: string | undefined): unknown {
  if (text === undefined) return null;
  const t = (type ?? 'varchar').toLowerCase().replace(/\(.*$/, '').trim();
  if (INTEGER_TYPES.has(t)) {
    const n = Number(text);
    return Number.isSafeInteger(n) ? n : text;
  }
  if (DECIMAL_TYPES.has(t)) {
    const n = Number(text);
    return Number.isFinite(n) ? n : text;
  }
  if (t === 'boolean') return text === 'true' ? true : text === 'false' ? false : text;
  if (t.startsWith('timestamp')) {
    // `2024-05-01 10:00:00.000` (UTC; `… UTC` with a zone) → ISO text, as the local target gives timestamps.
    const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2}(?:\.\d+)?)(?: ?(?:UTC|Z))?$/.exec(text);
    return m ? `${m[1]}T${m[2]}Z` : text;
  }
  if (t === 'array') {
    // Athena prints arrays as `[a, b]`; elements with ", " in them cannot be told apart (the local target keeps lists).
    const inner = text.replace(/^\[|\]$/g, '');
    return inner === '' ? [] : inner.split(', ');
  }
  return text;
}

/** Starts the query, waits for it, and reads every page of its result. */
export async function runAthenaSelect(options: AthenaQueryOptions, sql: string): Promise<Record<string, unknown>[]> {
  const { input, tables } = athenaDatasetQuery(options, sql);
  const account = options.domain.access.account;
  let id: string | undefined;
  try {
    id = (await options.athena.send(new StartQueryExecutionCommand(input))).QueryExecutionId;
  } catch (error) {
    throw athenaStartError(error, { ...options, account });
  }
  if (!id) throw new MeshError('AthenaQueryFailed', 'Athena started no query (no QueryExecutionId in its answer).');
  const queryId = id;
  const label = `Athena query over ${tables.join(', ')}`;
  try {
    await waitFor({
      label,
      host: options.host ?? silentHost,
      poll: async () => {
        try {
          return queryStatus((await options.athena.send(new GetQueryExecutionCommand({ QueryExecutionId: queryId }))).QueryExecution);
        } catch (error) {
          throw fromAwsError(error, `reading the status of Athena query ${queryId}`);
        }
      },
      initialDelayMs: 1000,
      maxDelayMs: 10_000,
      factor: 1.5,
      resumeHint: options.rerun ?? 'Run the command again.',
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.sleep ? { sleep: options.sleep } : {}),
      ...(options.now ? { now: options.now } : {}),
    });
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'Interrupted') {
      // Nothing waits for the result any more: stop the query rather than let it scan (and bill) on.
      try {
        await options.athena.send(new StopQueryExecutionCommand({ QueryExecutionId: queryId }));
      } catch {
        // best effort: the interrupt is what the user needs to see
      }
      throw new MeshError('Interrupted', `Stopped waiting for the ${label} (${queryId}); the query was cancelled in Athena.`, {
        hint: options.rerun ?? 'Run the command again.',
        cause: error,
      });
    }
    if (code === 'JobFailed') {
      const details = (error as MeshError).details as { status?: string; reason?: string } | undefined;
      throw athenaFailure({
        ...options,
        account,
        queryId,
        ...(options.rerun ? { rerun: options.rerun.replace(/^Run/, 'run') } : {}),
        sql: input.QueryString,
        status: details?.status,
        reason: details?.reason,
      });
    }
    throw error;
  }
  const rows = await readResults(options, queryId);
  emit(options.host ?? silentHost, 'debug', 'transform.athena.rows', { label, rows: rows.length, queryId });
  return rows;
}

async function readResults(options: AthenaQueryOptions, queryId: string): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = [];
  let names: string[] | undefined;
  let types: (string | undefined)[] = [];
  let token: string | undefined;
  let first = true;
  do {
    let page: GetQueryResultsCommandOutput;
    try {
      page = await options.athena.send(
        new GetQueryResultsCommand({
          QueryExecutionId: queryId,
          MaxResults: options.pageSize ?? 1000,
          ...(token ? { NextToken: token } : {}),
        }),
      );
    } catch (error) {
      throw fromAwsError(error, `reading the results of Athena query ${queryId}`);
    }
    const data = page.ResultSet?.Rows ?? [];
    const info = page.ResultSet?.ResultSetMetadata?.ColumnInfo ?? [];
    if (names === undefined || (names.length === 0 && info.length > 0)) {
      names = info.map((c) => c.Name ?? '');
      types = info.map((c) => c.Type);
    }
    // The first page of a SELECT's results starts with the header row (the column names).
    const header = first ? data[0] : undefined;
    if (names.length === 0 && header) names = (header.Data ?? []).map((d) => d.VarCharValue ?? '');
    for (const row of first ? data.slice(1) : data) {
      const cells = row.Data ?? [];
      rows.push(Object.fromEntries(names.map((name, i) => [name, athenaValue(cells[i]?.VarCharValue, types[i])])));
    }
    first = false;
    token = page.NextToken;
  } while (token);
  return rows;
}
