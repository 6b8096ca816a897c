/**
 * Personalize-shaped CSV files ↔ Interaction / ItemRecord / UserRecord.
 * Reserved columns are matched case-insensitively (USER_ID, ITEM_ID, TIMESTAMP, EVENT_TYPE, EVENT_VALUE);
 * every other column becomes a `props` entry under its header name. Empty fields read as null.
 * Parsing is lenient on purpose: a bad TIMESTAMP reads as NaN and an empty id as '' so that
 * validateDatasets can report every problem with its row instead of the reader stopping at the first.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { MeshError } from '../../core/errors.js';
import { parseCsv, stringifyCsv } from './csv.js';
import type { Interaction, ItemRecord, Props, PropValue, UserRecord } from './types.js';

export interface ParsedCsv<T> {
  /** Header names as written in the file (used by the schema column-order rule). */
  header: string[];
  records: T[];
}

function columnIndex(header: readonly string[], name: string): number {
  return header.findIndex((h) => h.trim().toUpperCase() === name);
}

function requireColumn(header: readonly string[], name: string, dataset: string): number {
  const idx = columnIndex(header, name);
  if (idx < 0) {
    throw new MeshError('PersonalizeCsvColumnMissing', `The ${dataset} CSV has no ${name} column.`, {
      hint: `Personalize needs a header row; found: ${header.join(', ') || '(empty)'}.`,
    });
  }
  return idx;
}

function readProps(row: readonly string[], header: readonly string[], skip: ReadonlySet<number>): Props {
  const props: Props = {};
  for (let c = 0; c < header.length; c++) {
    if (skip.has(c)) continue;
    const v = row[c];
    props[header[c] ?? `COLUMN_${c}`] = v === undefined || v === '' ? null : v;
  }
  return props;
}

/** Number('') is 0 in JS; an empty TIMESTAMP must read as missing (NaN), not as 1970. */
function toNumber(value: string | undefined): number {
  if (value === undefined || value.trim() === '') return Number.NaN;
  return Number(value);
}

export function parseInteractionsCsv(text: string): ParsedCsv<Interaction> {
  const { header, rows } = parseCsv(text);
  const user = requireColumn(header, 'USER_ID', 'interactions');
  const item = requireColumn(header, 'ITEM_ID', 'interactions');
  const ts = requireColumn(header, 'TIMESTAMP', 'interactions');
  const type = columnIndex(header, 'EVENT_TYPE');
  const value = columnIndex(header, 'EVENT_VALUE');
  const skip = new Set([user, item, ts, type, value].filter((c) => c >= 0));
  const records = rows.map((row): Interaction => {
    const rec: Interaction = { userId: row[user] ?? '', itemId: row[item] ?? '', timestamp: toNumber(row[ts]) };
    if (type >= 0 && row[type]) rec.eventType = row[type];
    if (value >= 0) rec.eventValue = row[value] ? toNumber(row[value]) : null;
    if (header.length > skip.size) rec.props = readProps(row, header, skip);
    return rec;
  });
  return { header, records };
}

export function parseItemsCsv(text: string): ParsedCsv<ItemRecord> {
  const { header, rows } = parseCsv(text);
  const id = requireColumn(header, 'ITEM_ID', 'items');
  const skip = new Set([id]);
  return { header, records: rows.map((row) => ({ itemId: row[id] ?? '', props: readProps(row, header, skip) })) };
}

export function parseUsersCsv(text: string): ParsedCsv<UserRecord> {
  const { header, rows } = parseCsv(text);
  const id = requireColumn(header, 'USER_ID', 'users');
  const skip = new Set([id]);
  return { header, records: rows.map((row) => ({ userId: row[id] ?? '', props: readProps(row, header, skip) })) };
}

function propText(v: PropValue | undefined): string {
  if (v === null || v === undefined) return '';
  return typeof v === 'string' ? v : String(v);
}

function propColumns(records: Iterable<{ props?: Props }>): string[] {
  const seen = new Set<string>();
  for (const r of records) for (const k of Object.keys(r.props ?? {})) seen.add(k);
  return [...seen];
}

/** USER_ID, ITEM_ID, TIMESTAMP, [EVENT_TYPE], [EVENT_VALUE], then metadata columns in first-seen order. */
export function interactionsToCsv(records: readonly Interaction[]): string {
  const hasType = records.some((r) => r.eventType !== undefined);
  const hasValue = records.some((r) => r.eventValue !== undefined);
  const meta = propColumns(records);
  const header = ['USER_ID', 'ITEM_ID', 'TIMESTAMP'];
  if (hasType) header.push('EVENT_TYPE');
  if (hasValue) header.push('EVENT_VALUE');
  header.push(...meta);
  return stringifyCsv(
    header,
    records.map((r) => {
      const row = [r.userId, r.itemId, String(r.timestamp)];
      if (hasType) row.push(r.eventType ?? '');
      if (hasValue) row.push(propText(r.eventValue));
      for (const m of meta) row.push(propText(r.props?.[m]));
      return row;
    }),
  );
}

export function itemsToCsv(records: readonly ItemRecord[]): string {
  const meta = propColumns(records);
  return stringifyCsv(
    ['ITEM_ID', ...meta],
    records.map((r) => [r.itemId, ...meta.map((m) => propText(r.props[m]))]),
  );
}

export function usersToCsv(records: readonly UserRecord[]): string {
  const meta = propColumns(records);
  return stringifyCsv(
    ['USER_ID', ...meta],
    records.map((r) => [r.userId, ...meta.map((m) => propText(r.props[m]))]),
  );
}

export async function readInteractionsCsv(path: string): Promise<ParsedCsv<Interaction>> {
  return parseInteractionsCsv(await readFile(path, 'utf8'));
}
export async function readItemsCsv(path: string): Promise<ParsedCsv<ItemRecord>> {
  return parseItemsCsv(await readFile(path, 'utf8'));
}
export async function readUsersCsv(path: string): Promise<ParsedCsv<UserRecord>> {
  return parseUsersCsv(await readFile(path, 'utf8'));
}
export async function writeInteractionsCsv(path: string, records: readonly Interaction[]): Promise<void> {
  await writeFile(path, interactionsToCsv(records), 'utf8');
}
export async function writeItemsCsv(path: string, records: readonly ItemRecord[]): Promise<void> {
  await writeFile(path, itemsToCsv(records), 'utf8');
}
export async function writeUsersCsv(path: string, records: readonly UserRecord[]): Promise<void> {
  await writeFile(path, usersToCsv(records), 'utf8');
}
