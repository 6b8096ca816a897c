/**
 * Avro schema rules of Personalize datasets: a flat record named Interactions / Items / Users, allowed types
 * (float, double, int, long, string, boolean, null in unions), required and reserved fields with their types,
 * string metadata flagged categorical (or textual, Items only), and data that fits the schema.
 */
import type { DatasetKind, IssueCollector } from './validation-issues.js';
import { SCHEMA_RECORD_NAMES } from './validation-issues.js';

export interface AvroField {
  name: string;
  type: unknown;
  categorical?: boolean;
  textual?: boolean;
}

export interface AvroRecordSchema {
  type: 'record';
  name: string;
  namespace?: string;
  fields: AvroField[];
}

/** A schema as an object or as its JSON text (what CreateSchema takes). */
export type SchemaInput = AvroRecordSchema | string;

const PRIMITIVES = new Set(['float', 'double', 'int', 'long', 'string', 'boolean', 'null']);

/** Primitive type names of a field (a union gives several); undefined when the type is nested or unknown. */
export function fieldTypes(type: unknown): string[] | undefined {
  const list = Array.isArray(type) ? type : [type];
  const out: string[] = [];
  for (const t of list) {
    if (typeof t !== 'string' || !PRIMITIVES.has(t)) return undefined;
    out.push(t);
  }
  return out;
}

/** Required (R) and reserved (optional, O) fields per dataset: allowed non-null types. */
const FIELD_RULES: Record<DatasetKind, Record<string, { required: boolean; types: string[] }>> = {
  interactions: {
    USER_ID: { required: true, types: ['string'] },
    ITEM_ID: { required: true, types: ['string'] },
    TIMESTAMP: { required: true, types: ['long'] },
    EVENT_TYPE: { required: false, types: ['string'] },
    EVENT_VALUE: { required: false, types: ['float'] },
    IMPRESSION: { required: false, types: ['string'] },
    RECOMMENDATION_ID: { required: false, types: ['string'] },
    EVENT_ATTRIBUTION_SOURCE: { required: false, types: ['string'] },
  },
  items: {
    ITEM_ID: { required: true, types: ['string'] },
    CREATION_TIMESTAMP: { required: false, types: ['long'] },
  },
  users: { USER_ID: { required: true, types: ['string'] } },
};

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Parses and checks one schema; returns its fields when it is usable for the data checks. */
export function checkSchema(kind: DatasetKind, input: SchemaInput, issues: IssueCollector): AvroField[] | undefined {
  let schema: unknown = input;
  if (typeof input === 'string') {
    try {
      schema = JSON.parse(input);
    } catch (cause) {
      issues.add('schema-invalid', 'error', 'Schema is not valid JSON.', `${kind}: ${String(cause)}`);
      return undefined;
    }
  }
  if (!isRecord(schema) || schema.type !== 'record' || !Array.isArray(schema.fields)) {
    issues.add('schema-invalid', 'error', 'Schema must be an Avro record with a fields array.', `${kind} schema`);
    return undefined;
  }
  const expected = SCHEMA_RECORD_NAMES[kind];
  if (schema.name !== expected) {
    issues.add(
      'schema-record-name',
      'error',
      'Schema record name must match the dataset type.',
      `${kind}: name "${String(schema.name)}", expected "${expected}"`,
    );
  }
  const fields: AvroField[] = [];
  for (const f of schema.fields as unknown[]) {
    if (!isRecord(f) || typeof f.name !== 'string') {
      issues.add('schema-invalid', 'error', 'Every schema field needs a name and a type.', `${kind}: ${JSON.stringify(f)}`);
      continue;
    }
    const field: AvroField = { name: f.name, type: f.type, categorical: f.categorical === true, textual: f.textual === true };
    fields.push(field);
    const types = fieldTypes(f.type);
    if (types === undefined) {
      const nested = isRecord(f.type) || (Array.isArray(f.type) && f.type.some((t) => isRecord(t) || Array.isArray(t)));
      if (nested) {
        issues.add('schema-nested', 'error', 'Schemas must be flat: no nested records, arrays, maps or enums.', `${kind}.${f.name}`);
      } else {
        issues.add(
          'schema-field-type',
          'error',
          'Field types must be float, double, int, long, string, boolean or a union with null.',
          `${kind}.${f.name}: ${JSON.stringify(f.type)}`,
        );
      }
      continue;
    }
    const rule = FIELD_RULES[kind][f.name];
    if (rule) {
      const nonNull = types.filter((t) => t !== 'null');
      if (nonNull.length !== 1 || !rule.types.includes(nonNull[0] as string) || (rule.required && types.includes('null'))) {
        const code = rule.required ? 'schema-required-field' : 'schema-reserved-field';
        issues.add(
          code,
          'error',
          'Required and reserved fields must have their documented types.',
          `${kind}.${f.name}: ${JSON.stringify(f.type)}, expected ${rule.types.join('|')}${rule.required ? '' : ' (or null union)'}`,
        );
      }
      if (f.name === 'EVENT_TYPE' && field.categorical) {
        issues.add(
          'schema-reserved-field',
          'error',
          'Required and reserved fields must have their documented types.',
          `${kind}.EVENT_TYPE must not be categorical`,
        );
      }
      continue;
    }
    if (types.includes('string')) {
      if (field.textual && kind !== 'items') {
        issues.add('schema-textual-field', 'error', 'Only Items schemas may have textual fields.', `${kind}.${f.name}`);
      } else if (!field.categorical && !field.textual) {
        issues.add(
          'schema-string-metadata',
          'warning',
          'A string metadata field without "categorical": true (or "textual": true in Items) is ignored in training.',
          `${kind}.${f.name}`,
        );
      }
    }
  }
  for (const [name, rule] of Object.entries(FIELD_RULES[kind])) {
    if (rule.required && !fields.some((f) => f.name === name)) {
      issues.add(
        'schema-required-field',
        'error',
        'Required and reserved fields must have their documented types.',
        `${kind}: ${name} (${rule.types.join('|')}) is missing`,
      );
    }
  }
  return fields;
}

/** Data columns vs schema fields: unknown columns, missing non-null fields, and (with a CSV header) order. */
export function checkColumnsAgainstSchema(
  kind: DatasetKind,
  fields: readonly AvroField[],
  columns: readonly string[],
  header: readonly string[] | undefined,
  issues: IssueCollector,
): void {
  const names = new Set(fields.map((f) => f.name));
  for (const c of columns) {
    if (!names.has(c))
      issues.add('schema-columns', 'error', 'Data columns must match the schema fields.', `${kind}: column ${c} is not in the schema`);
  }
  const present = new Set(columns);
  for (const f of fields) {
    const types = fieldTypes(f.type) ?? [];
    if (!present.has(f.name) && !types.includes('null')) {
      issues.add('schema-columns', 'error', 'Data columns must match the schema fields.', `${kind}: schema field ${f.name} has no column`);
    }
  }
  if (header) {
    const order = fields.map((f) => f.name).filter((n) => header.includes(n));
    const headerOrder = header.filter((h) => names.has(h));
    if (order.join(',') !== headerOrder.join(',')) {
      issues.add(
        'schema-column-order',
        'error',
        'The schema field order must match the CSV column order.',
        `${kind}: CSV ${headerOrder.join(',')} vs schema ${order.join(',')}`,
      );
    }
  }
}

/** Does a data value fit the schema field's types? Strings from CSV are parsed the way an import would. */
export function valueFitsTypes(value: unknown, types: readonly string[]): boolean {
  if (value === null || value === undefined || value === '') return types.includes('null') || types.includes('string');
  for (const t of types) {
    if (t === 'string' && typeof value === 'string') return true;
    const text = String(value);
    if ((t === 'int' || t === 'long') && /^-?\d+$/.test(text)) {
      const n = Number(text);
      if (t === 'long' || (n >= -(2 ** 31) && n < 2 ** 31)) return true;
    }
    if ((t === 'float' || t === 'double') && text.trim() !== '' && Number.isFinite(Number(text))) return true;
    if (t === 'boolean' && (value === true || value === false || text === 'true' || text === 'false')) return true;
  }
  return false;
}
