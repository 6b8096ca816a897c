import avsc from 'avsc';
import type { ColumnType } from './model.js';

/** One top-level field of an event schema, reduced to what the column check needs. */
export interface EventField {
  readonly name: string;
  /** Avro type name of the non-null branch: long, int, string, double, float, boolean, bytes, fixed, enum, record… */
  readonly avroType: string;
  readonly logicalType?: string;
  readonly nullable: boolean;
}

export type EventSchemaParse =
  | { readonly ok: true; readonly fields: readonly EventField[]; readonly recordName: string }
  | { readonly ok: false; readonly message: string; readonly offset?: number };

type Json = Record<string, unknown>;

function logicalTypeOf(jsonType: unknown): string | undefined {
  if (Array.isArray(jsonType)) {
    for (const branch of jsonType) {
      const found = logicalTypeOf(branch);
      if (found) return found;
    }
    return undefined;
  }
  if (jsonType && typeof jsonType === 'object') {
    const logical = (jsonType as Json).logicalType;
    return typeof logical === 'string' ? logical : undefined;
  }
  return undefined;
}

function jsonErrorOffset(message: string): number | undefined {
  const match = /position (\d+)/.exec(message);
  return match ? Number(match[1]) : undefined;
}

/** Parses an .avsc text (a record schema) with avsc. Never throws. */
export function parseEventSchema(text: string): EventSchemaParse {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    return { ok: false, message: `not valid JSON: ${message}`, offset: jsonErrorOffset(message) };
  }
  let type: avsc.Type;
  try {
    type = avsc.Type.forSchema(json as avsc.Schema, { wrapUnions: 'auto' });
  } catch (error) {
    return { ok: false, message: `not a valid Avro schema: ${(error as Error).message}` };
  }
  if (!(type instanceof avsc.types.RecordType)) {
    return { ok: false, message: `an event schema must be a record, not ${type.typeName}` };
  }
  const jsonFields = Array.isArray((json as Json).fields) ? ((json as Json).fields as Json[]) : [];
  const fields = type.fields.map((field): EventField => {
    let fieldType = field.type;
    let nullable = false;
    if (fieldType instanceof avsc.types.UnwrappedUnionType || fieldType instanceof avsc.types.WrappedUnionType) {
      const branches = (fieldType as unknown as { types: avsc.Type[] }).types;
      nullable = branches.some((b) => b.typeName === 'null');
      fieldType = branches.find((b) => b.typeName !== 'null') ?? fieldType;
    }
    const logicalType = logicalTypeOf(jsonFields.find((f) => f.name === field.name)?.type);
    return { name: field.name, avroType: fieldType.typeName, nullable, ...(logicalType ? { logicalType } : {}) };
  });
  return { ok: true, fields, recordName: type.name ?? 'record' };
}

/** The Avro spelling a column type expects, for messages. */
export function expectedAvroFor(type: ColumnType): string {
  if (type.startsWith('decimal')) return 'bytes with logicalType decimal';
  switch (type) {
    case 'bigint':
      return 'long';
    case 'timestamp':
      return 'long (e.g. logicalType timestamp-millis)';
    case 'date':
      return 'int with logicalType date';
    default:
      return type;
  }
}

/** Do a column type and an event field type describe the same value? (nullability is checked separately) */
export function typesAgree(type: ColumnType, field: EventField): boolean {
  if (type.startsWith('decimal')) return (field.avroType === 'bytes' || field.avroType === 'fixed') && field.logicalType === 'decimal';
  switch (type) {
    case 'string':
      return field.avroType === 'string' || field.avroType === 'enum';
    case 'bigint':
      return field.avroType === 'long' && field.logicalType === undefined;
    case 'timestamp':
      return field.avroType === 'long';
    case 'int':
      return field.avroType === 'int' && field.logicalType === undefined;
    case 'date':
      return field.avroType === 'int';
    case 'double':
    case 'float':
    case 'boolean':
      return field.avroType === type;
    default:
      return false;
  }
}

export function describeField(field: EventField): string {
  const base = field.logicalType ? `${field.avroType} (${field.logicalType})` : field.avroType;
  return field.nullable ? `["null", ${base}]` : base;
}
