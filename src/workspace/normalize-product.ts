import path from 'node:path';
import type * as z from 'zod';
import { closestMatch } from '../core/errors.js';
import { firstLinkBelow } from '../core/symbolic-links.js';
import type { ProductEntry } from './entries.js';
import type { EventField } from './event-fields.js';
import { unsafeLocationReason } from './locations.js';
import type { Column, ColumnType, MeshConfig, Product, StreamPort, TablePort } from './model.js';
import { topicName } from './naming.js';
import { exists, inMeshState, isInside, isReallyInside, relativeTo, resolveInside } from './paths.js';
import { type PathSegment, ProblemCode } from './problems.js';
import {
  COLUMN_CUSTOM_PROPERTIES,
  type ContractProperty,
  PRODUCT_CUSTOM_PROPERTIES,
  type ProductContract,
  STREAM_DEFAULTS,
} from './product-schema.js';
import type { Parsed, ParsedDomain } from './read-files.js';
import type { Reporter } from './reporter.js';
import { readText } from './yaml-source.js';
import { parseWithProblems } from './zod-problems.js';

export const COLUMN_TYPES = ['string', 'int', 'bigint', 'double', 'float', 'boolean', 'timestamp', 'date', 'decimal(p,s)'] as const;

/** `string`, `BIGINT`, `decimal(10, 2)` → the Glue spelling, or undefined when mesh does not support it. */
export function parseColumnType(text: string): ColumnType | undefined {
  const lower = text.trim().toLowerCase();
  const decimal = /^decimal\(\s*(\d{1,2})\s*,\s*(\d{1,2})\s*\)$/.exec(lower);
  if (decimal) {
    const precision = Number(decimal[1]);
    const scale = Number(decimal[2]);
    return precision >= 1 && precision <= 38 && scale <= precision ? (`decimal(${precision},${scale})` as ColumnType) : undefined;
  }
  return (COLUMN_TYPES as readonly string[]).includes(lower) && lower !== 'decimal(p,s)' ? (lower as ColumnType) : undefined;
}

const LOGICAL_TO_PHYSICAL: Record<string, readonly string[]> = {
  string: ['string'],
  integer: ['int', 'bigint'],
  number: ['double', 'float', 'decimal'],
  boolean: ['boolean'],
  date: ['date', 'timestamp'],
};

const DEFAULT_PHYSICAL: Record<string, ColumnType> = {
  string: 'string',
  integer: 'bigint',
  number: 'double',
  boolean: 'boolean',
  date: 'date',
};

type CustomProps = readonly { property: string; value?: unknown }[] | undefined;

/** Reads mesh's custom properties, checking the value of each one mesh knows. */
function readCustomProperties<T extends Record<string, z.ZodType>>(
  reporter: Reporter,
  parsed: Parsed<unknown>,
  props: CustomProps,
  at: readonly PathSegment[],
  known: T,
): { values: { [K in keyof T]?: z.infer<T[K]> }; paths: { [K in keyof T]?: PathSegment[] } } {
  const values: Record<string, unknown> = {};
  const paths: Record<string, PathSegment[]> = {};
  const names = Object.keys(known);
  for (const [index, entry] of (props ?? []).entries()) {
    const schema = known[entry.property];
    const valuePath = [...at, 'customProperties', index, 'value'];
    if (!schema) {
      const near = closestMatch(entry.property, names);
      if (near && near !== entry.property) {
        reporter.at(
          parsed.source,
          [...at, 'customProperties', index, 'property'],
          ProblemCode.UnknownCustomProperty,
          `mesh does not read the custom property "${entry.property}".`,
          {
            severity: 'warning',
            hint: `Did you mean "${near}"?`,
          },
        );
      }
      continue;
    }
    if (entry.property in values) continue;
    const result = parseWithProblems(schema, entry.value, parsed.source, valuePath);
    if (result.ok) {
      values[entry.property] = result.value;
      paths[entry.property] = valuePath;
    } else reporter.addAll(result.problems);
  }
  return { values: values as { [K in keyof T]?: z.infer<T[K]> }, paths: paths as { [K in keyof T]?: PathSegment[] } };
}

function columnOf(
  reporter: Reporter,
  parsed: Parsed<ProductContract>,
  property: ContractProperty,
  at: PathSegment[],
): { column: Column; typeKnown: boolean } {
  let type: ColumnType | undefined;
  if (property.logicalType === 'object' || property.logicalType === 'array') {
    reporter.at(
      parsed.source,
      [...at, 'logicalType'],
      ProblemCode.UnsupportedType,
      `mesh tables take flat columns; "${property.logicalType}" is not supported.`,
      {
        hint: 'Flatten nested values into columns, or store them as a JSON string.',
      },
    );
  } else if (property.physicalType !== undefined) {
    type = parseColumnType(property.physicalType);
    if (!type) {
      const near = closestMatch(property.physicalType.toLowerCase(), COLUMN_TYPES);
      reporter.at(
        parsed.source,
        [...at, 'physicalType'],
        ProblemCode.UnsupportedType,
        `"${property.physicalType}" is not a column type mesh supports.`,
        {
          hint: near ? `Did you mean "${near}"? Types: ${COLUMN_TYPES.join(', ')}.` : `Types: ${COLUMN_TYPES.join(', ')}.`,
        },
      );
    } else if (property.logicalType) {
      const base = type.startsWith('decimal') ? 'decimal' : type;
      const allowed = LOGICAL_TO_PHYSICAL[property.logicalType] ?? [];
      if (!allowed.includes(base)) {
        reporter.at(
          parsed.source,
          [...at, 'physicalType'],
          ProblemCode.LogicalTypeMismatch,
          `physicalType "${type}" does not fit logicalType "${property.logicalType}".`,
          {
            hint: `For logicalType ${property.logicalType} use ${allowed.join(' or ')}.`,
          },
        );
      }
    }
  } else if (property.logicalType) {
    type = DEFAULT_PHYSICAL[property.logicalType];
  } else {
    reporter.at(parsed.source, at, ProblemCode.MissingField, `Column "${property.name}" has no type.`, {
      hint: 'Add physicalType (string, int, bigint, double, float, boolean, timestamp, date, decimal(p,s)).',
    });
  }
  const custom = readCustomProperties(reporter, parsed, property.customProperties, at, COLUMN_CUSTOM_PROPERTIES);
  return {
    typeKnown: type !== undefined,
    column: {
      name: property.name,
      type: type ?? 'string',
      required: property.required ?? false,
      pii: custom.values.pii ?? false,
      primaryKey: property.primaryKey ?? false,
      ...(property.description ? { description: property.description } : {}),
      ...(property.classification ? { classification: property.classification } : {}),
    },
  };
}

function tablePortOf(
  reporter: Reporter,
  root: string,
  domainDir: string,
  parsed: Parsed<ProductContract>,
  product: { name: string; physicalName?: string },
  partitionKeys: string[],
): TablePort | undefined {
  const servers = parsed.raw.servers ?? [];
  const server = servers[0];
  if (!server) return undefined;
  if (servers.length > 1) {
    reporter.at(parsed.source, ['servers', 1], ProblemCode.InvalidValue, 'mesh publishes the first server only; the others are ignored.', {
      severity: 'warning',
    });
  }
  let location = '';
  if (!server.format) {
    reporter.at(parsed.source, ['servers', 0], ProblemCode.MissingField, 'The table port needs "format" (parquet, csv or json).', {
      hint: 'Add format: parquet.',
    });
  }
  if (server.type === 's3') {
    if (server.location === undefined) {
      reporter.at(parsed.source, ['servers', 0], ProblemCode.MissingField, 'An s3 server needs "location" (s3://bucket/prefix/).');
    } else if (!/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/.test(server.location)) {
      reporter.at(parsed.source, ['servers', 0, 'location'], ProblemCode.InvalidValue, `"${server.location}" is not an S3 location.`, {
        hint: 'Write s3://<bucket>/<prefix>/ with a lowercase bucket name.',
      });
    } else {
      const unsafe = unsafeLocationReason(server.location);
      if (unsafe) {
        reporter.at(parsed.source, ['servers', 0, 'location'], ProblemCode.UnsafeLocation, `"${server.location}" is refused: ${unsafe}.`, {
          hint: 'Write the location plainly, s3://<bucket>/<prefix>/, inside one of the locations your domain file declares.',
        });
      } else location = server.location;
    }
  } else if (server.path === undefined) {
    reporter.at(
      parsed.source,
      ['servers', 0],
      ProblemCode.MissingField,
      'A local server needs "path" (a folder, relative to the contract).',
    );
  } else {
    // A local folder stays inside its own domain's folder: another domain's data is not this product's to serve.
    const abs = resolveInside(domainDir, path.dirname(parsed.source.abs), server.path);
    // Publishing writes into the folder: like the object store's, it is reached through no symbolic link.
    const link = abs === undefined ? undefined : firstLinkBelow(domainDir, abs);
    if (abs && link === undefined) location = abs;
    else if (link !== undefined)
      reporter.at(
        parsed.source,
        ['servers', 0, 'path'],
        ProblemCode.PathThroughLink,
        `"${server.path}" goes through the symbolic link ${relativeTo(root, link)}; publishing writes only into plain folders.`,
        { hint: "Make the server's path a plain folder inside the domain folder (not a link to one)." },
      );
    else
      reporter.at(
        parsed.source,
        ['servers', 0, 'path'],
        isInside(root, path.resolve(path.dirname(parsed.source.abs), server.path))
          ? ProblemCode.PathEscapesDomain
          : ProblemCode.PathEscapesWorkspace,
        `"${server.path}" points outside the domain folder ${relativeTo(root, domainDir) || '.'}.`,
        { hint: "A local server's path is a folder inside its own domain's folder." },
      );
  }
  return {
    format: server.format ?? 'parquet',
    location,
    partitionKeys,
    tableName: product.physicalName ?? product.name.replace(/-/g, '_'),
  };
}

async function streamPortOf(
  reporter: Reporter,
  root: string,
  mesh: MeshConfig,
  parsed: Parsed<ProductContract>,
  owner: ParsedDomain,
  raw: z.infer<typeof PRODUCT_CUSTOM_PROPERTIES.streamPort>,
  at: PathSegment[],
): Promise<{ port: StreamPort; fields?: EventField[] }> {
  const major = raw.major ?? STREAM_DEFAULTS.major;
  const topic = raw.topic ?? topicName(mesh, owner.raw.name, raw.entity, major);
  const resolved = resolveInside(root, path.dirname(parsed.source.abs), raw.eventSchema);
  const abs = resolved && !inMeshState(root, mesh.localDir, resolved) ? resolved : undefined;
  let text = '';
  let fields: EventField[] | undefined;
  if (!abs) {
    reporter.at(
      parsed.source,
      [...at, 'eventSchema'],
      ProblemCode.PathEscapesWorkspace,
      `"${raw.eventSchema}" points ${resolved ? "into mesh's own state folder" : 'outside the workspace'}.`,
      { hint: 'An event schema is an .avsc file in the workspace (not a link to a file elsewhere).' },
    );
  } else {
    const read = await readText(abs);
    if (!read.ok) {
      const rel = relativeTo(root, abs);
      reporter.at(
        parsed.source,
        [...at, 'eventSchema'],
        read.reason === 'missing' ? ProblemCode.FileNotFound : ProblemCode.FileUnreadable,
        read.reason === 'missing' ? `${rel} does not exist.` : `${rel} cannot be read: ${read.detail}.`,
      );
    } else {
      text = read.text;
      // avsc loads here, for the first product with an event schema, not with the workspace code.
      const { parseEventSchema } = await import('./avro-types.js');
      const result = parseEventSchema(text);
      if (result.ok) fields = [...result.fields];
      else {
        const rel = relativeTo(root, abs);
        const position = result.offset === undefined ? { line: 1, column: 1 } : offsetToPosition(text, result.offset);
        reporter.atPosition(rel, position, '', ProblemCode.AvroSchemaInvalid, `${rel} is ${result.message}.`, {
          hint: 'An event schema is an Avro record: {"type":"record","name":"Event","fields":[{"name":"id","type":"string"}]}.',
        });
      }
    }
  }
  return {
    fields,
    port: {
      entity: raw.entity,
      major,
      topic,
      partitions: raw.partitions ?? STREAM_DEFAULTS.partitions,
      replicationFactor: raw.replicationFactor ?? STREAM_DEFAULTS.replicationFactor,
      retentionHours: raw.retentionHours ?? STREAM_DEFAULTS.retentionHours,
      keyField: raw.keyField,
      ...(raw.eventId ? { eventId: raw.eventId } : {}),
      eventSchemaFile: abs ?? '',
      eventSchema: text,
      compatibility: raw.compatibility ?? STREAM_DEFAULTS.compatibility,
      encoding: raw.encoding ?? STREAM_DEFAULTS.encoding,
      configs: Object.fromEntries(Object.entries(raw.configs ?? {}).map(([k, v]) => [k, String(v)])),
    },
  };
}

export function offsetToPosition(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: (before[before.length - 1]?.length ?? 0) + 1 };
}

/** A contract (ODCS) as written → the resolved Product, reporting what does not fit. */
export async function normalizeProduct(
  reporter: Reporter,
  root: string,
  mesh: MeshConfig,
  owner: ParsedDomain,
  parsed: Parsed<ProductContract>,
): Promise<ProductEntry> {
  const raw = parsed.raw;
  const custom = readCustomProperties(reporter, parsed, raw.customProperties, [], PRODUCT_CUSTOM_PROPERTIES);
  if (raw.schema.length !== 1) {
    reporter.at(
      parsed.source,
      ['schema'],
      ProblemCode.SchemaObjectCount,
      `A mesh product has exactly one schema object; this contract has ${raw.schema.length}.`,
      {
        hint: 'Split the objects into one contract per product.',
      },
    );
  }
  const object = raw.schema[0];
  const columns: Column[] = [];
  const columnTypeKnown: boolean[] = [];
  const partitioned: { name: string; position: number }[] = [];
  for (const [index, property] of (object?.properties ?? []).entries()) {
    const { column, typeKnown } = columnOf(reporter, parsed, property, ['schema', 0, 'properties', index]);
    columns.push(column);
    columnTypeKnown.push(typeKnown);
    if (property.partitioned) partitioned.push({ name: property.name, position: property.partitionKeyPosition ?? index + 1000 });
  }
  const partitionKeys = partitioned.sort((a, b) => a.position - b.position).map((p) => p.name);
  let table = tablePortOf(reporter, root, owner.dir, parsed, { name: raw.name, physicalName: object?.physicalName }, partitionKeys);
  const bucketPath = custom.paths.bucket;
  if (custom.values.bucket?.managed && bucketPath) {
    if (table && parsed.raw.servers?.[0]?.type === 's3') {
      const { kmsKey } = custom.values.bucket;
      table = { ...table, managedBucket: kmsKey ? { kmsKey } : {} };
    } else {
      reporter.at(parsed.source, bucketPath, ProblemCode.InvalidValue, 'A managed bucket needs an s3 server (servers[0].type: s3).', {
        hint: 'Remove the bucket property, or publish the table to s3://<bucket>/<prefix>/ in a bucket your domain file declares.',
      });
    }
  }
  let stream: { port: StreamPort; fields?: EventField[] } | undefined;
  const streamPath = custom.paths.streamPort;
  if (custom.values.streamPort && streamPath) {
    stream = await streamPortOf(reporter, root, mesh, parsed, owner, custom.values.streamPort, streamPath);
  }
  let sampleData: string | undefined;
  if (custom.values.sampleData !== undefined && custom.paths.sampleData) {
    // Sample data is published as this product's rows: it is a file of the owning domain's own folder, never another
    // domain's data file nor anything in mesh's state folder (which holds every domain's published data).
    const written = path.resolve(path.dirname(parsed.source.abs), custom.values.sampleData);
    const abs = resolveInside(owner.dir, path.dirname(parsed.source.abs), custom.values.sampleData);
    if (!abs || inMeshState(root, mesh.localDir, abs)) {
      reporter.at(
        parsed.source,
        custom.paths.sampleData,
        isReallyInside(root, written) ? ProblemCode.PathEscapesDomain : ProblemCode.PathEscapesWorkspace,
        `"${custom.values.sampleData}" points outside the domain folder ${relativeTo(root, owner.dir) || '.'}.`,
        { hint: "Sample data is a file in the product's own domain folder, e.g. data/<product>.csv (not a link to a file elsewhere)." },
      );
    } else if ((await exists(abs)) !== 'file') {
      reporter.at(parsed.source, custom.paths.sampleData, ProblemCode.FileNotFound, `${relativeTo(root, abs)} does not exist.`);
    } else sampleData = abs;
  }
  const ownerMember = raw.team?.find((m) => m.role?.toLowerCase() === 'owner');
  const product: Product = {
    id: raw.id,
    name: raw.name,
    domain: owner.raw.name,
    version: raw.version,
    status: raw.status,
    description: raw.description?.purpose ?? object?.description ?? '',
    owner: {
      team: custom.values.ownerTeam ?? owner.raw.owner?.team ?? '',
      contact: ownerMember?.username ?? owner.raw.owner?.contact ?? '',
    },
    classification: custom.values.classification ?? 'internal',
    ...(custom.values.accessPolicy
      ? { access: { policy: custom.values.accessPolicy, allowedDomains: [...(custom.values.allowedDomains ?? [])] } }
      : custom.values.allowedDomains
        ? { access: { policy: 'restricted' as const, allowedDomains: [...custom.values.allowedDomains] } }
        : {}),
    columns,
    ...(table ? { table } : {}),
    ...(stream ? { stream: stream.port } : {}),
    file: parsed.source.abs,
    ...(sampleData ? { sampleData } : {}),
  };
  return {
    ...parsed,
    product,
    owner,
    ...(streamPath ? { streamPortPath: streamPath } : {}),
    topicExplicit: custom.values.streamPort?.topic !== undefined,
    ...(stream?.fields ? { eventFields: stream.fields } : {}),
    columnTypeKnown,
  };
}
