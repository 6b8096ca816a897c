/** DuckDB helpers for the local target: SQL for reading a table's files with its declared types, value conversion. */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TableFormat } from '../../workspace/model.js';
import type { CatalogColumn } from '../port.js';

// why: the type of a lazily imported module's connection class
export type DuckConnection = import('@duckdb/node-api').DuckDBConnection;

export interface DuckSession {
  readonly connection: DuckConnection;
  /** DuckDB's private spill folder for this session (removed by close). */
  readonly tempDir: string;
  close(): void;
}

export interface OpenDuckDbOptions {
  /**
   * The folder that holds this session's private temp folder: the workspace state (`.mesh/local`) for queries, so
   * spills stay with the workspace. Default: the OS temp folder.
   */
  readonly tempParent?: string;
}

/** Prefix of the per-session temp folders (`<tempParent>/duckdb-tmp-XXXXXX`). */
export const DUCKDB_TEMP_PREFIX = 'duckdb-tmp-';

/**
 * An in-memory DuckDB (the module loads only when a command needs it). Its temp folder is a fresh private folder
 * (unique name, mode 0700), set when the instance is created and removed on close: DuckDB's default is `.tmp` in the
 * current folder, which DuckDB also adds to the folders SQL may read and write. Extensions are never installed or
 * loaded on demand (json and parquet are built in).
 */
export async function openDuckDb(options: OpenDuckDbOptions = {}): Promise<DuckSession> {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const tempDir = mkdtempSync(path.join(options.tempParent ?? os.tmpdir(), DUCKDB_TEMP_PREFIX));
  const removeTemp = () => rmSync(tempDir, { recursive: true, force: true });
  let instance: Awaited<ReturnType<typeof DuckDBInstance.create>> | undefined;
  try {
    instance = await DuckDBInstance.create(':memory:', {
      temp_directory: tempDir,
      autoinstall_known_extensions: 'false',
      autoload_known_extensions: 'false',
    });
    const connection = await instance.connect();
    const opened = instance;
    return {
      connection,
      tempDir,
      close() {
        try {
          connection.closeSync();
          opened.closeSync();
        } finally {
          removeTemp();
        }
      },
    };
  } catch (error) {
    instance?.closeSync();
    removeTemp();
    throw error;
  }
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
