/** Storage details per table format: the Hive SerDe and input/output formats Glue and Athena expect. */
import type { TableFormat } from '../workspace/model.js';

export interface StorageFormat {
  readonly serde: string;
  readonly serdeParameters: Readonly<Record<string, string>>;
  readonly inputFormat: string;
  readonly outputFormat: string;
  /** Table parameters the format needs. */
  readonly tableParameters: Readonly<Record<string, string>>;
}

const TEXT_INPUT = 'org.apache.hadoop.mapred.TextInputFormat';
const TEXT_OUTPUT = 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat';

export const PARQUET_SERDE = 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe';
export const CSV_SERDE = 'org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe';
export const JSON_SERDE = 'org.openx.data.jsonserde.JsonSerDe';

export function storageFormat(format: TableFormat): StorageFormat {
  switch (format) {
    case 'parquet':
      return {
        serde: PARQUET_SERDE,
        serdeParameters: { 'serialization.format': '1' },
        inputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
        outputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
        tableParameters: { classification: 'parquet' },
      };
    case 'csv':
      return {
        serde: CSV_SERDE,
        serdeParameters: { 'field.delim': ',', 'serialization.format': ',' },
        inputFormat: TEXT_INPUT,
        outputFormat: TEXT_OUTPUT,
        tableParameters: { classification: 'csv', 'skip.header.line.count': '1' },
      };
    case 'json':
      return {
        serde: JSON_SERDE,
        serdeParameters: {},
        inputFormat: TEXT_INPUT,
        outputFormat: TEXT_OUTPUT,
        tableParameters: { classification: 'json' },
      };
  }
}

/** The format a stored table has, from its SerDe (or undefined when mesh does not know it). */
export function formatOfSerde(serde: string | undefined, inputFormat?: string): TableFormat | undefined {
  const s = `${serde ?? ''} ${inputFormat ?? ''}`.toLowerCase();
  if (s.includes('parquet')) return 'parquet';
  if (s.includes('json')) return 'json';
  if (s.includes('lazysimpleserde') || s.includes('opencsvserde') || s.includes('csv')) return 'csv';
  return undefined;
}

/** File name extensions a format's data files carry (local object store). */
export function extensionsOf(format: TableFormat): readonly string[] {
  switch (format) {
    case 'parquet':
      return ['.parquet', '.parq'];
    case 'csv':
      return ['.csv', '.tsv', '.txt', '.csv.gz'];
    case 'json':
      return ['.json', '.jsonl', '.ndjson', '.json.gz'];
  }
}

/** Parameter keys mesh sets on tables; everything else a table carries is left alone and not compared. */
export function isMeshTableParameter(key: string): boolean {
  return key.startsWith('mesh:') || key === 'classification' || key === 'EXTERNAL' || key === 'skip.header.line.count';
}
