/**
 * Personalize's rules for dataset schemas (recommender.md §1.3), checked when personalize.yaml is loaded so a bad
 * schema is reported with its file and field before anything runs: a flat Avro record named after the dataset
 * type, allowed primitive types (optionally a union with null), the required fields with their types, reserved
 * fields with theirs, `categorical` only on strings and never on EVENT_TYPE, unique alphanumeric names.
 */
import avro from 'avsc';

export type DatasetType = 'interactions' | 'items' | 'users';
export const DATASET_TYPES: readonly DatasetType[] = ['interactions', 'items', 'users'];

/** Personalize's datasetType / Avro record name for each dataset. */
export const RECORD_NAMES: Readonly<Record<DatasetType, 'Interactions' | 'Items' | 'Users'>> = {
  interactions: 'Interactions',
  items: 'Items',
  users: 'Users',
};

export const PERSONALIZE_NAMESPACE = 'com.amazonaws.personalize.schema';

export type AvroPrimitive = 'float' | 'double' | 'int' | 'long' | 'string' | 'boolean';
const PRIMITIVES: readonly string[] = ['float', 'double', 'int', 'long', 'string', 'boolean'];

/** One field of a dataset schema, as mesh uses it (CSV column order = field order). */
export interface SchemaField {
  readonly name: string;
  readonly type: AvroPrimitive;
  readonly nullable: boolean;
  readonly categorical: boolean;
  readonly textual: boolean;
}

export interface DatasetSchema {
  readonly type: DatasetType;
  /** The schema text as written (sent to CreateSchema, compared with DescribeSchema). */
  readonly text: string;
  readonly fields: readonly SchemaField[];
}

export interface SchemaProblem {
  /** Field path inside the .avsc file, e.g. `fields[2].type`. */
  readonly path: string;
  readonly message: string;
}

/** Required and reserved fields per dataset: name → allowed types, and whether null is allowed. */
const REQUIRED: Readonly<Record<DatasetType, Record<string, AvroPrimitive>>> = {
  interactions: { USER_ID: 'string', ITEM_ID: 'string', TIMESTAMP: 'long' },
  items: { ITEM_ID: 'string' },
  users: { USER_ID: 'string' },
};
const RESERVED: Readonly<Record<DatasetType, Record<string, readonly AvroPrimitive[]>>> = {
  interactions: {
    EVENT_TYPE: ['string'],
    EVENT_VALUE: ['float'],
    IMPRESSION: ['string'],
    RECOMMENDATION_ID: ['string'],
    EVENT_ATTRIBUTION_SOURCE: ['string'],
  },
  items: { CREATION_TIMESTAMP: ['long'] },
  users: {},
};

function fieldType(type: unknown): { type?: string; nullable: boolean } {
  if (typeof type === 'string') return { type, nullable: false };
  if (Array.isArray(type) && type.length === 2 && type.includes('null')) {
    const other = type.find((t) => t !== 'null');
    return { type: typeof other === 'string' ? other : undefined, nullable: true };
  }
  return { nullable: false };
}

/** Parses and checks one schema. Returns the schema, or the problems found (all of them). */
export function checkDatasetSchema(type: DatasetType, text: string): { schema?: DatasetSchema; problems: SchemaProblem[] } {
  const problems: SchemaProblem[] = [];
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { problems: [{ path: '', message: `not valid JSON: ${(error as Error).message}` }] };
  }
  const record = json as { type?: unknown; name?: unknown; namespace?: unknown; fields?: unknown };
  if (record === null || typeof record !== 'object' || record.type !== 'record') {
    return { problems: [{ path: 'type', message: 'a Personalize schema is an Avro record ("type": "record")' }] };
  }
  if (record.name !== RECORD_NAMES[type]) {
    problems.push({
      path: 'name',
      message: `the record name must be "${RECORD_NAMES[type]}" for the ${type} dataset (found ${JSON.stringify(record.name)})`,
    });
  }
  if (record.namespace !== PERSONALIZE_NAMESPACE) {
    problems.push({ path: 'namespace', message: `the namespace must be "${PERSONALIZE_NAMESPACE}"` });
  }
  if (!Array.isArray(record.fields)) return { problems: [...problems, { path: 'fields', message: 'fields must be a list' }] };
  try {
    avro.Type.forSchema(json as avro.Schema);
  } catch (error) {
    problems.push({ path: '', message: `not a valid Avro schema: ${(error as Error).message}` });
  }
  const fields: SchemaField[] = [];
  const squashed = new Map<string, string>();
  record.fields.forEach((raw: unknown, i: number) => {
    const f = raw as { name?: unknown; type?: unknown; categorical?: unknown; textual?: unknown };
    const at = `fields[${i}]`;
    if (typeof f?.name !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(f.name)) {
      problems.push({ path: `${at}.name`, message: 'field names are letters, digits and underscores' });
      return;
    }
    const key = f.name.replace(/_/g, '').toUpperCase();
    const clash = squashed.get(key);
    if (clash)
      problems.push({ path: `${at}.name`, message: `"${f.name}" collides with "${clash}" (Personalize ignores case and underscores)` });
    squashed.set(key, f.name);
    const { type: t, nullable } = fieldType(f.type);
    if (t === undefined || !PRIMITIVES.includes(t)) {
      problems.push({
        path: `${at}.type`,
        message: `"${f.name}": schemas are flat: one of ${PRIMITIVES.join(', ')}, or a union of one with "null"`,
      });
      return;
    }
    const categorical = f.categorical === true;
    const textual = f.textual === true;
    if (categorical && t !== 'string')
      problems.push({ path: `${at}.categorical`, message: `"${f.name}": only string fields can be categorical` });
    if (textual && (t !== 'string' || type !== 'items')) {
      problems.push({ path: `${at}.textual`, message: `"${f.name}": only string fields of the Items dataset can be textual` });
    }
    fields.push({ name: f.name, type: t as AvroPrimitive, nullable, categorical, textual });
  });
  const byName = new Map(fields.map((f) => [f.name, f]));
  for (const [name, want] of Object.entries(REQUIRED[type])) {
    const f = byName.get(name);
    const index = fields.indexOf(f as SchemaField);
    if (!f) problems.push({ path: 'fields', message: `the ${type} schema needs a ${name} field of type ${want}` });
    else if (f.type !== want || f.nullable)
      problems.push({ path: `fields[${index}].type`, message: `${name} must be "${want}" (not null)` });
  }
  for (const [name, allowed] of Object.entries(RESERVED[type])) {
    const f = byName.get(name);
    if (f && !allowed.includes(f.type)) {
      problems.push({
        path: `fields[${fields.indexOf(f)}].type`,
        message: `${name} is reserved: its type must be ${allowed.join(' or ')}`,
      });
    }
  }
  const eventType = byName.get('EVENT_TYPE');
  if (type === 'interactions' && eventType?.categorical) {
    problems.push({ path: `fields[${fields.indexOf(eventType)}].categorical`, message: 'EVENT_TYPE must not be categorical' });
  }
  const contentType = byName.get('CONTENT_TYPE');
  if (type === 'items' && contentType && !contentType.categorical) {
    problems.push({
      path: `fields[${fields.indexOf(contentType)}].categorical`,
      message: 'CONTENT_TYPE must be categorical (filters use it)',
    });
  }
  if (type !== 'interactions' && fields.length <= 1) {
    problems.push({
      path: 'fields',
      message: `the ${type} schema needs at least one metadata field besides ${Object.keys(REQUIRED[type]).join(', ')}`,
    });
  }
  if (type === 'items' && fields.length - 1 > 50)
    problems.push({ path: 'fields', message: 'an Items schema has at most 50 metadata fields' });
  if (problems.length > 0) return { problems };
  return { schema: { type, text, fields }, problems };
}

/** Same schema? Compares the parsed JSON (key order and whitespace do not matter). */
export function sameSchema(a: string, b: string): boolean {
  try {
    return canonicalJson(JSON.parse(a)) === canonicalJson(JSON.parse(b));
  } catch {
    return a.trim() === b.trim();
  }
}

export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
