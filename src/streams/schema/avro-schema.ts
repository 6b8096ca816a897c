/**
 * Parsing Avro schema JSON texts with avsc, and small helpers to look at the parsed types.
 * Everything here is pure; callers decide whether logical types are materialised (codec) or ignored (compatibility).
 */
import avsc from 'avsc';
import { MeshError } from '../../core/errors.js';
import { TimestampMillisType } from './timestamp-millis.js';

export type AvroType = avsc.Type;
export type AvroRecordType = avsc.types.RecordType;
export type AvroEnumType = avsc.types.EnumType;

export interface ParseAvroOptions {
  /** true: timestamp-millis values are Date objects (the codec); false: the underlying long (compatibility). */
  readonly logicalTypes: boolean;
  /** Names the schema in error messages, e.g. "version 3" or a file name. */
  readonly label?: string;
}

/** Parses an Avro schema given as JSON text. Throws MeshError `SchemaInvalid` with avsc's reason. */
export function parseAvroSchema(text: string, options: ParseAvroOptions): AvroType {
  const label = options.label ?? 'the schema';
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new MeshError('SchemaInvalid', `${label} is not valid JSON: ${(error as Error).message}`, {
      hint: 'An Avro schema is a JSON document such as {"type":"record","name":"Event","fields":[...]}.',
      cause: error,
    });
  }
  try {
    return avsc.Type.forSchema(json as avsc.Schema, {
      wrapUnions: 'auto',
      ...(options.logicalTypes ? { logicalTypes: { 'timestamp-millis': TimestampMillisType } } : {}),
    });
  } catch (error) {
    throw new MeshError('SchemaInvalid', `${label} is not a valid Avro schema: ${(error as Error).message}`, {
      hint: 'Check field types, that every named type is defined before use, and that defaults match their types.',
      cause: error,
    });
  }
}

/**
 * The text registries store and compare: the same JSON, re-serialised without insignificant whitespace.
 * Two definitions are "the same" (a no-op for the registry) when these texts are equal.
 */
export function normalizeDefinition(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text));
  } catch (error) {
    throw new MeshError('SchemaInvalid', `the schema is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
}

export function isRecord(type: AvroType): type is AvroRecordType {
  return type.typeName === 'record' || type.typeName === 'error';
}

export function isUnion(type: AvroType): type is avsc.types.UnwrappedUnionType | avsc.types.WrappedUnionType {
  return type.typeName.startsWith('union:');
}

/** Not a type guard: avsc's wrapped and unwrapped union classes are structurally identical. */
export function isWrappedUnion(type: AvroType): boolean {
  return type.typeName === 'union:wrapped';
}

export function isEnum(type: AvroType): type is AvroEnumType {
  return type.typeName === 'enum';
}

export function isFixed(type: AvroType): type is avsc.types.FixedType {
  return type.typeName === 'fixed';
}

export function isArray(type: AvroType): type is avsc.types.ArrayType {
  return type.typeName === 'array';
}

export function isMap(type: AvroType): type is avsc.types.MapType {
  return type.typeName === 'map';
}

export function isLogical(type: AvroType): type is avsc.types.LogicalType {
  return type.typeName.startsWith('logical:');
}

export function mapValuesType(type: avsc.types.MapType): AvroType {
  // why: avsc declares MapType.valuesType as `any`; it is always a Type.
  return type.valuesType as AvroType;
}

/** Enum default symbol (avsc keeps it on the instance but does not declare it). */
export function enumDefault(type: AvroEnumType): string | undefined {
  const value = (type as unknown as { default?: unknown }).default;
  return typeof value === 'string' ? value : undefined;
}

/** The name a branch of a wrapped union is keyed by (`string`, `com.acme.Address`, ...). */
export function branchName(type: AvroType): string {
  return type.branchName ?? type.typeName;
}

/** A short human description: `string`, `null | string`, `array<int>`, `record Address`, `timestamp-millis`. */
export function describeAvroType(type: AvroType): string {
  if (isUnion(type)) return type.types.map(describeAvroType).join(' | ');
  if (isLogical(type)) return type.typeName.slice('logical:'.length);
  if (isArray(type)) return `array<${describeAvroType(type.itemsType)}>`;
  if (isMap(type)) return `map<${describeAvroType(mapValuesType(type))}>`;
  if (isRecord(type) || isEnum(type) || isFixed(type)) return `${type.typeName} ${shortName(type.name)}`;
  return type.typeName;
}

function shortName(name: string | undefined): string {
  if (!name) return '(anonymous)';
  const dot = name.lastIndexOf('.');
  return dot === -1 ? name : name.slice(dot + 1);
}
