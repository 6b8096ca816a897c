// Athena in moto for the example's `personalize train` on aws. moto runs no SQL: it hands out results seeded through
// POST /moto-api/static/athena/query-results, one per StartQueryExecution, in the order the queries start, per
// account and region (moto 5.2.5; it also writes each result as `<QueryExecutionId>.csv` at the output location).
// The rows seeded here are what the example's SQL gives over the example's data files, computed from those files
// and personalize.yaml (not by mesh): the items transform (songs and podcast episodes, told apart by content_type),
// the users and the interactions products, each projected on the columns personalize.yaml maps.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { AthenaClient, GetQueryExecutionCommand, ListQueryExecutionsCommand } from '@aws-sdk/client-athena';
import { parse } from 'yaml';
import { accountClients, motoEndpoint } from '../support/moto.js';
import { REGION } from './aws-example-setup.js';

export type DatasetType = 'items' | 'users' | 'interactions';

/** One Athena result: typed columns and rows of text (null: SQL NULL). */
export interface AthenaResult {
  readonly columns: readonly { name: string; type: string }[];
  readonly rows: readonly (readonly (string | null)[])[];
}

interface PersonalizeFile {
  datasets: Record<DatasetType, { schema: string; columns: Record<string, string | { column: string }> }>;
}

const personalizeFile = (root: string) =>
  parse(readFileSync(path.join(root, 'domains', 'recommendations', 'personalize.yaml'), 'utf8')) as PersonalizeFile;

/** Personalize field → source column, as personalize.yaml maps them. */
function mapping(root: string, type: DatasetType): Record<string, string> {
  const columns = personalizeFile(root).datasets[type].columns;
  return Object.fromEntries(Object.entries(columns).map(([field, c]) => [field, typeof c === 'string' ? c : c.column]));
}

/** A product's data file as records (the example's CSVs have no quoted fields). */
function records(root: string, product: string): Record<string, string>[] {
  const [header = '', ...lines] = readFileSync(path.join(root, 'domains', product, 'data', `${product}.csv`), 'utf8')
    .trim()
    .split('\n');
  const names = header.split(',');
  return lines.map((line) => Object.fromEntries(line.split(',').map((v, i) => [names[i] ?? '', v])));
}

/** The Athena type of a contract column (Glue `string` is Athena's `varchar`). */
function columnTypes(root: string, product: string): Record<string, string> {
  const contract = parse(readFileSync(path.join(root, 'domains', product, 'products', `${product}.odcs.yaml`), 'utf8')) as {
    schema: { properties: { name: string; physicalType: string }[] }[];
  };
  return Object.fromEntries(
    (contract.schema[0]?.properties ?? []).map((p) => [p.name, p.physicalType === 'string' ? 'varchar' : p.physicalType]),
  );
}

function project(root: string, type: DatasetType, product: string): AthenaResult {
  const columns = [...new Set(Object.values(mapping(root, type)))];
  const types = columnTypes(root, product);
  return {
    columns: columns.map((name) => ({ name, type: types[name] ?? 'varchar' })),
    rows: records(root, product).map((r) => columns.map((c) => r[c] ?? null)),
  };
}

/** What each dataset query answers over the example's data. */
export function exampleResults(root: string): Record<DatasetType, AthenaResult> {
  const items: AthenaResult = {
    columns: ['item_id', 'content_type', 'genre'].map((name) => ({ name, type: 'varchar' })),
    rows: [
      ...records(root, 'songs').map((s) => [s.song_id ?? null, 'song', s.genre ?? null]),
      ...records(root, 'podcasts').map((p) => [p.episode_id ?? null, 'podcast', p.category ?? null]),
    ],
  };
  return { items, users: project(root, 'users', 'users'), interactions: project(root, 'interactions', 'interactions') };
}

/** Queues results in moto's Athena of an account, header row first as Athena answers a SELECT. */
export async function seedAthenaResults(account: string, results: readonly AthenaResult[]): Promise<void> {
  const body = {
    account_id: account,
    region: REGION,
    results: results.map((r) => ({
      rows: [r.columns.map((c) => c.name), ...r.rows].map((row) => ({
        Data: row.map((v) => (v === null ? {} : { VarCharValue: v })),
      })),
      column_info: r.columns.map((c) => ({
        CatalogName: 'hive',
        SchemaName: '',
        TableName: '',
        Name: c.name,
        Label: c.name,
        Type: c.type,
        Precision: 0,
        Scale: 0,
        Nullable: 'UNKNOWN',
        CaseSensitive: c.type === 'varchar',
      })),
    })),
  };
  const res = await fetch(`${motoEndpoint()}/moto-api/static/athena/query-results`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (res.status !== 201) throw new Error(`moto refused the Athena results: HTTP ${res.status}`);
}

/** The Personalize CSV a result becomes: the schema's fields as header, each mapped column's value (empty when null). */
export function expectedCsv(root: string, type: DatasetType, result: AthenaResult): string {
  const file = personalizeFile(root).datasets[type].schema;
  const schema = JSON.parse(readFileSync(path.join(root, 'domains', 'recommendations', file), 'utf8')) as { fields: { name: string }[] };
  const map = mapping(root, type);
  const index = (field: string) => result.columns.findIndex((c) => c.name === map[field]);
  const lines = result.rows.map((row) => schema.fields.map((f) => (index(f.name) < 0 ? '' : (row[index(f.name)] ?? ''))).join(','));
  return `${[schema.fields.map((f) => f.name).join(','), ...lines].join('\n')}\n`;
}

export interface AthenaExecution {
  readonly id: string;
  readonly query: string;
  /** The `database.table` names the query reads. */
  readonly tables: readonly string[];
  readonly workGroup?: string;
  readonly catalog?: string;
  readonly outputLocation?: string;
  readonly state?: string;
}

/** Every query execution in an account's Athena, in the order they started. */
export async function athenaExecutions(account: string): Promise<AthenaExecution[]> {
  const athena = new AthenaClient(await accountClients(account));
  try {
    const ids = (await athena.send(new ListQueryExecutionsCommand({}))).QueryExecutionIds ?? [];
    const out: AthenaExecution[] = [];
    for (const id of ids) {
      const q = (await athena.send(new GetQueryExecutionCommand({ QueryExecutionId: id }))).QueryExecution;
      const query = q?.Query ?? '';
      out.push({
        id,
        query,
        tables: [...query.matchAll(/\b(?:FROM|JOIN)\s+([A-Za-z0-9_]+\.[A-Za-z0-9_]+)/gi)].map((m) => m[1] ?? ''),
        workGroup: q?.WorkGroup,
        catalog: q?.QueryExecutionContext?.Catalog,
        outputLocation: q?.ResultConfiguration?.OutputLocation,
        state: q?.Status?.State,
      });
    }
    return out;
  } finally {
    athena.destroy();
  }
}
