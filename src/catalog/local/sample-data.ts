/**
 * The local target publishes each product's sample file. Before anything is written, the file is checked against the
 * contract with DuckDB: every column present, no column the contract does not declare, values of the declared type.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { MeshError } from '../../core/errors.js';
import type { Product } from '../../workspace/model.js';
import { type DuckConnection, duckType, ident, openDuckDb, readerSql } from './duckdb.js';

export async function sampleDataParameters(product: Product): Promise<Record<string, string>> {
  if (!product.sampleData) return {};
  if (!existsSync(product.sampleData)) {
    throw new MeshError('SampleDataMissing', `The sample data of ${product.name} (${product.sampleData}) does not exist.`, {
      location: { file: product.file },
      hint: 'Fix the path in the contract, or add the file.',
    });
  }
  const hash = createHash('sha256').update(readFileSync(product.sampleData)).digest('hex');
  return { 'mesh:data-sha256': hash, 'mesh:data-file': path.basename(product.sampleData) };
}

interface FileColumn {
  readonly name: string;
  readonly type: string;
}

async function describeFile(connection: DuckConnection, product: Product, file: string): Promise<FileColumn[]> {
  const format = product.table?.format ?? 'csv';
  try {
    const reader = await connection.runAndReadAll(`DESCRIBE SELECT * FROM ${readerSql(format, [file])}`);
    return reader.getRowObjectsJS().map((r) => ({ name: String(r.column_name), type: String(r.column_type) }));
  } catch (error) {
    throw new MeshError('SampleDataUnreadable', `${file} cannot be read as ${format}: ${(error as Error).message.split('\n')[0]}`, {
      location: { file },
      hint: `Fix the file, or the format of ${product.name}'s table port in ${product.file}.`,
      cause: error,
    });
  }
}

/** Problems of one file against its contract, one line per column. */
async function problemsOf(connection: DuckConnection, product: Product, file: string): Promise<string[]> {
  const format = product.table?.format ?? 'csv';
  const found = await describeFile(connection, product, file);
  const inFile = new Map(found.map((c) => [c.name, c]));
  const declared = new Set(product.columns.map((c) => c.name));
  const problems: string[] = [];
  for (const c of product.columns) if (!inFile.has(c.name)) problems.push(`column "${c.name}" of the contract is missing from the file`);
  for (const c of found) if (!declared.has(c.name)) problems.push(`column "${c.name}" is in the file but not in the contract`);
  const typed = product.columns.filter((c) => inFile.has(c.name) && duckType(c.type) !== 'VARCHAR');
  if (typed.length === 0) return problems;
  const bad = (c: (typeof typed)[number]) => `${ident(c.name)} IS NOT NULL AND TRY_CAST(${ident(c.name)} AS ${duckType(c.type)}) IS NULL`;
  const select = typed
    .map((c, i) => `count_if(${bad(c)}) AS n${i}, any_value(CAST(${ident(c.name)} AS VARCHAR)) FILTER (WHERE ${bad(c)}) AS e${i}`)
    .join(', ');
  const row = (await connection.runAndReadAll(`SELECT ${select} FROM ${readerSql(format, [file])}`)).getRowObjectsJS()[0] ?? {};
  typed.forEach((c, i) => {
    const n = Number(row[`n${i}`] ?? 0);
    if (n > 0)
      problems.push(
        `column "${c.name}" is ${c.type} in the contract, but ${n} value(s) in the file are not (e.g. "${String(row[`e${i}`])}")`,
      );
  });
  return problems;
}

/** Throws SampleDataMismatch naming each column that does not match, for the first product whose file is wrong. */
export async function checkSampleData(products: readonly Product[]): Promise<void> {
  const withFiles = products.filter((p) => p.table && p.sampleData);
  if (withFiles.length === 0) return;
  const session = await openDuckDb();
  try {
    for (const product of withFiles) {
      const file = product.sampleData ?? '';
      if (!existsSync(file)) {
        throw new MeshError('SampleDataMissing', `The sample data of ${product.name} (${file}) does not exist.`, {
          location: { file: product.file },
          hint: 'Fix the path in the contract, or add the file.',
        });
      }
      const problems = await problemsOf(session.connection, product, file);
      if (problems.length > 0) {
        throw new MeshError(
          'SampleDataMismatch',
          `The sample data does not match the contract of ${product.name}: ${problems.join('; ')}.`,
          {
            location: { file },
            hint: `Fix the file or the contract (${product.file}); nothing was published.`,
            details: { product: product.name, problems },
          },
        );
      }
    }
  } finally {
    session.close();
  }
}
