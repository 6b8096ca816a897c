/**
 * Builds the three Personalize datasets of a domain from its sources (subscribed products, a transform, SQL or a
 * ready CSV), maps the source columns to the schema's fields, converts timestamps to epoch seconds, and writes
 * Personalize-shaped CSVs (header row, columns in schema field order) under `<localDir>/personalize/<domain>/datasets/`.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { sqlNameOf } from '../../catalog/names.js';
import { MeshError } from '../../core/errors.js';
import { DATASET_TYPES, type DatasetType, type SchemaField } from '../avro-rules.js';
import type { ColumnMapping, DatasetConfig } from '../config.js';
import type { PersonalizeProject } from '../project.js';
import { type CsvTable, parseCsv, stringifyCsv } from '../recommender/csv.js';
import { parseInteractionsCsv, parseItemsCsv, parseUsersCsv } from '../recommender/dataset-csv.js';
import type { Interaction, ItemRecord, UserRecord } from '../recommender/types.js';

/** Runs SQL over the domain's subscribed products (addressable by product name) and returns plain rows. */
export type QueryRows = (sql: string) => Promise<Record<string, unknown>[]>;

export interface BuiltDataset {
  readonly type: DatasetType;
  readonly file: string;
  readonly header: readonly string[];
  readonly rows: number;
  /** sha256 of the CSV, 12 hex digits: names import jobs, so the same data is never imported twice. */
  readonly fingerprint: string;
}

export interface BuiltDatasets {
  readonly files: Partial<Record<DatasetType, BuiltDataset>>;
  readonly interactions: Interaction[];
  readonly items?: ItemRecord[];
  readonly users?: UserRecord[];
  /** Fingerprint of all three together. */
  readonly fingerprint: string;
  /** Real-time events left out because their item is in no dataset. */
  readonly droppedEvents: number;
}

/** Records added through the real-time APIs (local PutEvents/PutItems/PutUsers), appended like Personalize does. */
export interface RealtimeRecords {
  readonly interactions?: readonly Interaction[];
  readonly items?: readonly ItemRecord[];
  readonly users?: readonly UserRecord[];
}

const TIME_FIELDS = new Set(['TIMESTAMP', 'CREATION_TIMESTAMP']);

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** The SQL that reads a dataset's mapped columns from its source. */
export function datasetSql(project: PersonalizeProject, dataset: DatasetConfig): string {
  const columns = [...new Set(dataset.columns.map((c) => c.column))].map(quoteIdent).join(', ') || '*';
  const source = dataset.source;
  if (source.kind === 'product') {
    if (!project.domain.subscriptions.some((s) => s.product === source.product)) {
      throw new MeshError(
        'PersonalizeSourceNotSubscribed',
        `The ${dataset.type} dataset reads product "${source.product}", which domain "${project.domain.name}" does not subscribe to.`,
        {
          hint: `Run \`mesh subscribe ${source.product} --domain ${project.domain.name} --table\`, or change datasets.${dataset.type}.source in ${project.config.file}.`,
        },
      );
    }
    return `SELECT ${columns} FROM ${quoteIdent(sqlNameOf(source.product))}`;
  }
  if (source.kind === 'transform') {
    const transform = project.domain.transforms.find((t) => t.name === source.transform);
    if (!transform) {
      throw new MeshError(
        'PersonalizeTransformMissing',
        `The ${dataset.type} dataset reads transform "${source.transform}", which domain "${project.domain.name}" does not declare.`,
        {
          hint: `Declare it under transforms: in ${project.domain.file}, or change datasets.${dataset.type}.source.`,
        },
      );
    }
    return `SELECT ${columns} FROM (${stripSemicolon(transform.sql)}) AS source`;
  }
  if (source.kind === 'sql') return `SELECT ${columns} FROM (${stripSemicolon(source.sql)}) AS source`;
  throw new MeshError('InternalError', 'a csv source has no SQL');
}

function stripSemicolon(sql: string): string {
  return sql.trim().replace(/;\s*$/, '');
}

/** Epoch seconds from a Date, an ISO string, a bigint or a number (auto: values above 1e11 are milliseconds). */
export function toEpochSeconds(value: unknown, from: ColumnMapping['from']): number | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  if (value instanceof Date) return Math.floor(value.getTime() / 1000);
  if (typeof value === 'object' && value !== null && 'micros' in value)
    return Math.floor(Number((value as { micros: bigint }).micros) / 1e6);
  const n = typeof value === 'bigint' ? Number(value) : typeof value === 'number' ? value : Number(String(value));
  if (Number.isFinite(n) && !(typeof value === 'string' && /[-:T]/.test(value.slice(1)))) {
    if (from === 'epoch-millis' || (from === 'auto' && Math.abs(n) > 1e11)) return Math.floor(n / 1000);
    return Math.floor(n);
  }
  const parsed = Date.parse(String(value));
  return Number.isNaN(parsed) ? Number.NaN : Math.floor(parsed / 1000);
}

/** One cell as Personalize's CSV wants it (schema type aware). Invalid values stay as text for the checks. */
function cell(value: unknown, field: SchemaField, from: ColumnMapping['from']): string {
  if (value === null || value === undefined) return '';
  if ((field.type === 'long' || field.type === 'int') && (TIME_FIELDS.has(field.name) || from !== 'auto')) {
    const s = toEpochSeconds(value, from);
    return s === undefined ? '' : Number.isNaN(s) ? String(value) : String(s);
  }
  if (value instanceof Date) return String(Math.floor(value.getTime() / 1000));
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return value.map(String).join('|');
  return String(value);
}

function mapRows(dataset: DatasetConfig, rows: readonly Record<string, unknown>[]): string[][] {
  const fields = new Map(dataset.schema.fields.map((f) => [f.name, f]));
  const lookup = (row: Record<string, unknown>, column: string): unknown => {
    if (column in row) return row[column];
    const lower = column.toLowerCase();
    for (const [k, v] of Object.entries(row)) if (k.toLowerCase() === lower) return v;
    return undefined;
  };
  return rows.map((row) =>
    dataset.schema.fields.map((f) => {
      const mapping = dataset.columns.find((c) => c.field === f.name);
      return mapping ? cell(lookup(row, mapping.column), fields.get(f.name) as SchemaField, mapping.from) : '';
    }),
  );
}

async function readSourceTable(project: PersonalizeProject, dataset: DatasetConfig, query: QueryRows | undefined): Promise<CsvTable> {
  const header = dataset.schema.fields.map((f) => f.name);
  if (dataset.source.kind === 'csv') {
    let text: string;
    try {
      text = await readFile(dataset.source.file, 'utf8');
    } catch {
      throw new MeshError('PersonalizeSourceMissing', `Cannot read ${dataset.source.file} (the ${dataset.type} dataset's csv source).`, {
        hint: `Fix datasets.${dataset.type}.source.csv in ${project.config.file}.`,
      });
    }
    const table = parseCsv(text);
    if (dataset.columns.length === 0) return table;
    const rows = table.rows.map((r) => Object.fromEntries(table.header.map((h, i) => [h, r[i] === '' ? null : r[i]])));
    return { header, rows: mapRows(dataset, rows) };
  }
  if (!query) throw new MeshError('InternalError', 'no query function for a catalog source');
  const sql = datasetSql(project, dataset);
  const rows = await query(sql);
  return { header, rows: mapRows(dataset, rows) };
}

function fingerprint(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 12);
}

/** Appends the real-time records; returns how many events were left out because their item is in no dataset. */
function appendRealtime(
  type: DatasetType,
  table: CsvTable,
  extra: RealtimeRecords | undefined,
  knownItems: ReadonlySet<string> | undefined,
): number {
  const col = (name: string) => table.header.findIndex((h) => h.toUpperCase() === name);
  const put = (values: Record<string, unknown>) =>
    table.rows.push(
      table.header.map((h) => {
        const v = values[h.toUpperCase()] ?? values[h];
        return v === undefined || v === null ? '' : String(v);
      }),
    );
  let dropped = 0;
  if (type === 'interactions') {
    if (col('USER_ID') < 0) return 0;
    for (const e of extra?.interactions ?? []) {
      if (knownItems && !knownItems.has(e.itemId)) {
        dropped++;
        continue;
      }
      put({
        ...(e.props ?? {}),
        USER_ID: e.userId,
        ITEM_ID: e.itemId,
        TIMESTAMP: e.timestamp,
        EVENT_TYPE: e.eventType,
        EVENT_VALUE: e.eventValue,
      });
    }
  } else if (type === 'items') {
    const known = new Set(table.rows.map((r) => r[col('ITEM_ID')]));
    for (const i of extra?.items ?? []) if (!known.has(i.itemId)) put({ ...i.props, ITEM_ID: i.itemId });
  } else {
    const known = new Set(table.rows.map((r) => r[col('USER_ID')]));
    for (const u of extra?.users ?? []) if (!known.has(u.userId)) put({ ...u.props, USER_ID: u.userId });
  }
  return dropped;
}

/** Builds, writes and parses the datasets. `query` runs the SQL of catalog sources. */
export async function buildDatasets(
  project: PersonalizeProject,
  query: QueryRows | undefined,
  realtime?: RealtimeRecords,
): Promise<BuiltDatasets> {
  await mkdir(project.paths.datasetsDir, { recursive: true });
  const files: Partial<Record<DatasetType, BuiltDataset>> = {};
  const texts: Partial<Record<DatasetType, string>> = {};
  let knownItems: Set<string> | undefined;
  let droppedEvents = 0;
  // Items first: real-time events for items no dataset knows are left out (Personalize would train on them as
  // items without metadata; the local rules require every interaction's item in the Items dataset).
  for (const type of ['items', 'users', 'interactions'] as const) {
    const dataset = project.config.datasets[type];
    if (!dataset) continue;
    const table = await readSourceTable(project, dataset, query);
    droppedEvents += appendRealtime(type, table, realtime, knownItems);
    if (type === 'items') {
      const id = table.header.findIndex((h) => h.toUpperCase() === 'ITEM_ID');
      knownItems = new Set(table.rows.map((r) => r[id] as string));
    }
    const text = stringifyCsv(table.header, table.rows);
    const file = path.join(project.paths.datasetsDir, `${type}.csv`);
    await writeFile(file, text, 'utf8');
    texts[type] = text;
    files[type] = { type, file, header: table.header, rows: table.rows.length, fingerprint: fingerprint(text) };
  }
  const interactions = parseInteractionsCsv(texts.interactions ?? '').records;
  const items = texts.items === undefined ? undefined : parseItemsCsv(texts.items).records;
  const users = texts.users === undefined ? undefined : parseUsersCsv(texts.users).records;
  const all = DATASET_TYPES.map((t) => files[t]?.fingerprint ?? '-').join('/');
  const ordered: Partial<Record<DatasetType, BuiltDataset>> = {};
  for (const t of DATASET_TYPES) if (files[t]) ordered[t] = files[t];
  return {
    files: ordered,
    interactions,
    ...(items ? { items } : {}),
    ...(users ? { users } : {}),
    fingerprint: fingerprint(all),
    droppedEvents,
  };
}
