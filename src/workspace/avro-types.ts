/**
 * Reads an event schema (.avsc) with avsc. Loaded on demand (`await import`) by the product normaliser, only when a
 * product has a stream port: a workspace without one never loads avsc.
 */
import avsc from 'avsc';
import type { EventField } from './event-fields.js';

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
