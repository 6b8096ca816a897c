/**
 * A small RFC 4180 CSV reader/writer: comma separator, `"` quoting with `""` escapes, CRLF or LF line ends,
 * line breaks inside quoted fields. Enough for Personalize's bulk-import CSVs; no dependency needed.
 */
import { MeshError } from '../../core/errors.js';

export interface CsvTable {
  header: string[];
  rows: string[][];
}

/** Parses CSV text. The first record is the header. Blank lines are skipped. Throws on an unclosed quote. */
export function parseCsv(text: string): CsvTable {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let inQuotes = false;
  let fieldWasQuoted = false;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0; // skip a UTF-8 BOM
  const n = text.length;
  const endRecord = (): void => {
    record.push(field);
    // a line with one empty, unquoted field is a blank line
    if (!(record.length === 1 && record[0] === '' && !fieldWasQuoted)) records.push(record);
    record = [];
    field = '';
    fieldWasQuoted = false;
  };
  while (i < n) {
    const c = text[i];
    if (inQuotes) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        inQuotes = false;
        i++;
        continue;
      }
      const close = text.indexOf('"', i);
      const end = close === -1 ? n : close;
      field += text.slice(i, end);
      i = end;
      continue;
    }
    if (c === '"' && field === '') {
      inQuotes = true;
      fieldWasQuoted = true;
      i++;
    } else if (c === ',') {
      record.push(field);
      field = '';
      fieldWasQuoted = false;
      i++;
    } else if (c === '\r' || c === '\n') {
      endRecord();
      i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
    } else {
      let j = i + 1;
      while (j < n) {
        const d = text.charCodeAt(j);
        if (d === 44 || d === 10 || d === 13) break; // , \n \r
        j++;
      }
      field += text.slice(i, j);
      i = j;
    }
  }
  if (inQuotes) {
    throw new MeshError('CsvInvalid', `CSV has an unclosed quoted field (record ${records.length + 1}).`, {
      hint: 'Close the quote, and write a literal quote inside a quoted field as "".',
    });
  }
  if (field !== '' || record.length > 0 || fieldWasQuoted) endRecord();
  const [header, ...rows] = records;
  return { header: header ?? [], rows };
}

const NEEDS_QUOTES = /[",\r\n]|^\s|\s$/;

export function csvField(value: string): string {
  return NEEDS_QUOTES.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** Writes a header and rows as CSV with LF line ends and a trailing newline. */
export function stringifyCsv(header: readonly string[], rows: Iterable<readonly string[]>): string {
  const lines: string[] = [header.map(csvField).join(',')];
  for (const row of rows) lines.push(row.map(csvField).join(','));
  return `${lines.join('\n')}\n`;
}
