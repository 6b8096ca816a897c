/**
 * What the column check needs of an event schema's fields, and how a column type and an Avro field type are compared.
 * Pure, and without avsc: the rules load this; avsc loads (avro-types.ts) only when a product has an event schema.
 */
import type { ColumnType } from './model.js';

/** One top-level field of an event schema, reduced to what the column check needs. */
export interface EventField {
  readonly name: string;
  /** Avro type name of the non-null branch: long, int, string, double, float, boolean, bytes, fixed, enum, record… */
  readonly avroType: string;
  readonly logicalType?: string;
  readonly nullable: boolean;
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
