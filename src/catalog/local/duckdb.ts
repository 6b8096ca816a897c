/** DuckDB helpers for the local target: SQL for reading a table's files with its declared types, value conversion. */
import type { TableFormat } from '../../workspace/model.js';
import type { CatalogColumn } from '../port.js';

// why: the type of a lazily imported module's connection class
export type DuckConnection = import('@duckdb/node-api').DuckDBConnection;

export interface DuckSession {
  readonly connection: DuckConnection;
  close(): void;
}

/** An in-memory DuckDB (the module loads only when a command needs it). */
export async function openDuckDb(): Promise<DuckSession> {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  return {
    connection,
    close() {
      connection.closeSync();
      instance.closeSync();
    },
  };
}

export const ident = (name: string): string => `"${name.replace(/"/g, '""')}"`;
export const literal = (text: string): string => `'${text.replace(/'/g, "''")}'`;

/** A Glue/Hive column type as DuckDB spells it. */
export function duckType(type: string): string {
  const t = type.trim().toLowerCase();
  const decimal = /^decimal\((\d+),\s*(\d+)\)$/.exec(t);
  if (decimal) return `DECIMAL(${decimal[1]},${decimal[2]})`;
  const map: Record<string, string> = {
    string: 'VARCHAR',
    varchar: 'VARCHAR',
    int: 'INTEGER',
    integer: 'INTEGER',
    bigint: 'BIGINT',
    smallint: 'SMALLINT',
    tinyint: 'TINYINT',
    double: 'DOUBLE',
    float: 'FLOAT',
    boolean: 'BOOLEAN',
    timestamp: 'TIMESTAMP',
    date: 'DATE',
  };
  return map[t] ?? 'VARCHAR';
}

/** The table function that reads files of a format (auto-detected types, or the declared ones for CSV). */
export function readerSql(format: TableFormat, files: readonly string[], columns?: readonly CatalogColumn[]): string {
  const list = `[${files.map(literal).join(', ')}]`;
  switch (format) {
    case 'csv': {
      const types =
        columns && columns.length > 0
          ? `, types={${columns.map((c) => `${literal(c.name)}: ${literal(duckType(c.type))}`).join(', ')}}`
          : '';
      return `read_csv(${list}, header=true, auto_detect=true${types})`;
    }
    case 'json':
      return `read_json_auto(${list})`;
    case 'parquet':
      return `read_parquet(${list})`;
  }
}

/** SELECT of the given columns from a table's files, each cast to its declared type. */
export function selectSql(
  format: TableFormat,
  files: readonly string[],
  columns: readonly CatalogColumn[],
  allColumns: readonly CatalogColumn[],
): string {
  const select = columns.map((c) => `CAST(${ident(c.name)} AS ${duckType(c.type)}) AS ${ident(c.name)}`).join(', ');
  return `SELECT ${select} FROM ${readerSql(format, files, allColumns)}`;
}

/** A DuckDB value as plain JSON-friendly data: safe integers as numbers, dates as ISO text. */
export function plainValue(value: unknown, type: string): unknown {
  if (typeof value === 'bigint')
    return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value.toString();
  if (value instanceof Date) return type === 'DATE' ? value.toISOString().slice(0, 10) : value.toISOString();
  if (Array.isArray(value)) return value.map((v) => plainValue(v, ''));
  return value;
}
