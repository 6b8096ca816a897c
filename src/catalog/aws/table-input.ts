/** Glue shapes ↔ the catalog model: TableInput with the SerDe for the format, and back from GetTables/GetDatabases. */
import type { Column, Database, DatabaseInput, Table, TableInput } from '@aws-sdk/client-glue';
import type { TableFormat } from '../../workspace/model.js';
import { parseLfTagParameter } from '../desired.js';
import { formatOfSerde, isMeshTableParameter, storageFormat } from '../formats.js';
import { withTrailingSlash } from '../names.js';
import type { CatalogColumn, CatalogId, DatabaseLinkSpec, DatabaseSpec, TableLinkSpec, TableSpec } from '../port.js';

const column = (c: CatalogColumn): Column => ({ Name: c.name, Type: c.type, ...(c.comment ? { Comment: c.comment } : {}) });
const catalogColumn = (c: Column): CatalogColumn => ({
  name: c.Name ?? '',
  type: c.Type ?? 'string',
  ...(c.Comment ? { comment: c.Comment } : {}),
});

/** The full TableInput for a product's table. `keep` are parameters others set on the table, preserved on update. */
export function tableInputOf(spec: TableSpec, keep: Readonly<Record<string, string>> = {}): TableInput {
  const f = storageFormat(spec.format as TableFormat);
  const foreign = Object.fromEntries(Object.entries(keep).filter(([k]) => !isMeshTableParameter(k)));
  return {
    Name: spec.name,
    Description: spec.description,
    Owner: spec.owner,
    TableType: 'EXTERNAL_TABLE',
    Parameters: { ...foreign, ...spec.parameters },
    PartitionKeys: spec.partitionKeys.map(column),
    StorageDescriptor: {
      Columns: spec.columns.map(column),
      Location: spec.location,
      InputFormat: f.inputFormat,
      OutputFormat: f.outputFormat,
      Compressed: false,
      NumberOfBuckets: -1,
      StoredAsSubDirectories: false,
      SerdeInfo: { SerializationLibrary: f.serde, Parameters: { ...f.serdeParameters } },
    },
  };
}

export function tableSpecOf(catalog: CatalogId, database: string, t: Table): TableSpec {
  const sd = t.StorageDescriptor ?? {};
  const parameters = Object.fromEntries(Object.entries(t.Parameters ?? {}).filter(([k]) => isMeshTableParameter(k)));
  const serde = sd.SerdeInfo?.SerializationLibrary ?? '';
  return {
    kind: 'glue-table',
    catalog,
    database,
    name: t.Name ?? '',
    description: t.Description ?? '',
    owner: t.Owner ?? '',
    format: formatOfSerde(serde, sd.InputFormat) ?? ('unknown' as TableFormat),
    serde,
    location: withTrailingSlash(sd.Location ?? ''),
    columns: (sd.Columns ?? []).map(catalogColumn),
    partitionKeys: (t.PartitionKeys ?? []).map(catalogColumn),
    parameters,
    lfTags: parseLfTagParameter(parameters['mesh:lf-tags']),
  };
}

export function tableLinkSpecOf(catalog: CatalogId, database: string, t: Table): TableLinkSpec | undefined {
  const target = t.TargetTable;
  if (!target?.CatalogId || !target.DatabaseName || !target.Name) return undefined;
  return {
    kind: 'resource-link',
    catalog,
    database,
    name: t.Name ?? '',
    target: { catalog: target.CatalogId, database: target.DatabaseName, table: target.Name },
  };
}

export function tableLinkInputOf(spec: TableLinkSpec, region?: string): TableInput {
  return {
    Name: spec.name,
    TargetTable: {
      CatalogId: spec.target.catalog,
      DatabaseName: spec.target.database,
      Name: spec.target.table,
      ...(region ? { Region: region } : {}),
    },
  };
}

export function databaseSpecOf(catalog: CatalogId, d: Database): DatabaseSpec | DatabaseLinkSpec {
  if (d.TargetDatabase?.CatalogId && d.TargetDatabase.DatabaseName) {
    return {
      kind: 'resource-link-database',
      catalog,
      name: d.Name ?? '',
      target: { catalog: d.TargetDatabase.CatalogId, database: d.TargetDatabase.DatabaseName },
    };
  }
  const parameters = Object.fromEntries(Object.entries(d.Parameters ?? {}).filter(([k]) => k.startsWith('mesh:')));
  return { kind: 'glue-database', catalog, name: d.Name ?? '', ...(d.Description ? { description: d.Description } : {}), parameters };
}

export function databaseInputOf(spec: DatabaseSpec | DatabaseLinkSpec, keep: Readonly<Record<string, string>> = {}): DatabaseInput {
  if (spec.kind === 'resource-link-database') {
    return { Name: spec.name, TargetDatabase: { CatalogId: spec.target.catalog, DatabaseName: spec.target.database } };
  }
  const foreign = Object.fromEntries(Object.entries(keep).filter(([k]) => !k.startsWith('mesh:')));
  return {
    Name: spec.name,
    ...(spec.description ? { Description: spec.description } : {}),
    Parameters: { ...foreign, ...spec.parameters },
  };
}
