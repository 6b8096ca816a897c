/**
 * Natural JSON ↔ the values avsc encodes.
 * Natural JSON is what people write in JSON lines: unions as plain values (`"coupon": null`, `"coupon": "X"`),
 * timestamps as epoch milliseconds or ISO-8601 strings, bytes as ISO-8859-1 strings (Avro JSON).
 * avsc parses with `wrapUnions: 'auto'`: unions it can tell apart by value stay unwrapped; ambiguous ones (two records,
 * int and long, …) are wrapped (`{"com.acme.Card": {...}}`), and this module picks the branch for the writer.
 * Avro-JSON's wrapped form is accepted on input too.
 */
import { didYouMean } from '../../core/errors.js';
import {
  type AvroType,
  branchName,
  describeAvroType,
  isArray,
  isEnum,
  isFixed,
  isLogical,
  isMap,
  isRecord,
  isUnion,
  isWrappedUnion,
  mapValuesType,
} from './avro-schema.js';
import { toTimestampDate } from './timestamp-millis.js';

export interface EventFieldError {
  /** Where in the event: `items[2].sku`, `attributes.color`; '' for the whole event. */
  readonly path: string;
  readonly message: string;
}

type PathSegment = string | number;

const INT_MIN = -(2 ** 31);
const INT_MAX = 2 ** 31 - 1;

/** Converts natural JSON to avsc's form, collecting every error with its path. */
export function naturalToAvro(type: AvroType, value: unknown, errors: EventFieldError[]): unknown {
  return convert(type, value, [], errors);
}

/** avsc's decoded form → natural JS (plain objects, unwrapped unions; Date for timestamp-millis, Buffer for bytes). */
export function avroToNatural(type: AvroType, value: unknown): unknown {
  return toNatural(type, value, false);
}

/** avsc's form → JSON-safe natural JSON (timestamp-millis as epoch milliseconds, bytes as ISO-8859-1 strings). */
export function avroToJson(type: AvroType, value: unknown): unknown {
  return toNatural(type, value, true);
}

function convert(type: AvroType, value: unknown, path: PathSegment[], errors: EventFieldError[]): unknown {
  const fail = (message: string): undefined => {
    errors.push({ path: renderPath(path), message });
    return undefined;
  };
  if (isUnion(type)) return convertUnion(type, value, path, errors);
  if (isLogical(type)) {
    if (type.typeName === 'logical:timestamp-millis') {
      return (
        toTimestampDate(value) ??
        fail(`expected a timestamp (epoch milliseconds or ISO-8601 with a time zone), got ${describeValue(value)}`)
      );
    }
    return value;
  }
  if (isRecord(type)) {
    if (!isPlainObject(value)) return fail(`expected an object (record ${type.name}), got ${describeValue(value)}`);
    const out: Record<string, unknown> = {};
    const names = type.fields.map((field) => field.name);
    for (const field of type.fields) {
      const fieldValue = value[field.name];
      if (fieldValue === undefined) {
        const fallback: unknown = field.defaultValue();
        if (fallback === undefined) {
          errors.push({
            path: renderPath([...path, field.name]),
            message: `missing required field (${describeAvroType(field.type)})`,
          });
        }
        out[field.name] = fallback;
        continue;
      }
      out[field.name] = convert(field.type, fieldValue, [...path, field.name], errors);
    }
    for (const key of Object.keys(value)) {
      if (names.includes(key)) continue;
      const suggestion = didYouMean(key, names);
      errors.push({
        path: renderPath([...path, key]),
        message: `unknown field "${key}" (not in record ${type.name})${suggestion ? `. ${suggestion}` : ''}`,
      });
    }
    return out;
  }
  if (isEnum(type)) {
    if (typeof value === 'string' && type.symbols.includes(value)) return value;
    const suggestion = typeof value === 'string' ? didYouMean(value, type.symbols) : undefined;
    return fail(`expected one of ${type.symbols.join(', ')}, got ${describeValue(value)}${suggestion ? `. ${suggestion}` : ''}`);
  }
  if (isArray(type)) {
    if (!Array.isArray(value)) return fail(`expected an array (${describeAvroType(type)}), got ${describeValue(value)}`);
    return value.map((item, index) => convert(type.itemsType, item, [...path, index], errors));
  }
  if (isMap(type)) {
    if (!isPlainObject(value)) return fail(`expected an object (${describeAvroType(type)}), got ${describeValue(value)}`);
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = convert(mapValuesType(type), item, [...path, key], errors);
    return out;
  }
  if (isFixed(type) || type.typeName === 'bytes') {
    const buffer = Buffer.isBuffer(value) ? value : typeof value === 'string' ? Buffer.from(value, 'latin1') : undefined;
    if (!buffer) return fail(`expected ${describeAvroType(type)} (a string), got ${describeValue(value)}`);
    if (isFixed(type) && buffer.length !== type.size) {
      return fail(`expected exactly ${type.size} bytes, got ${buffer.length}`);
    }
    return buffer;
  }
  if (type.typeName === 'int' && typeof value === 'number' && Number.isInteger(value)) {
    if (value < INT_MIN || value > INT_MAX) return fail(`${value} is out of range for int (32-bit); use long`);
  }
  if (type.isValid(value)) return value;
  return fail(`expected ${describeAvroType(type)}, got ${describeValue(value)}`);
}

function convertUnion(
  type: AvroType & { types: readonly AvroType[] },
  value: unknown,
  path: PathSegment[],
  errors: EventFieldError[],
): unknown {
  const wrap = (branch: AvroType, converted: unknown): unknown =>
    converted === null || !isWrappedUnion(type) ? converted : { [branchName(branch)]: converted };

  const candidates = type.types.filter((branch) => kindMatches(branch, value));
  for (const branch of candidates) {
    const attempt: EventFieldError[] = [];
    const converted = convert(branch, value, path, attempt);
    if (attempt.length === 0) return wrap(branch, converted);
  }
  // Avro JSON's wrapped form: {"string": "x"}, {"com.acme.Card": {...}}.
  if (isPlainObject(value)) {
    const keys = Object.keys(value);
    const named = keys.length === 1 ? type.types.find((branch) => branchName(branch) === keys[0]) : undefined;
    if (named && keys[0] !== undefined) return wrap(named, convert(named, value[keys[0]], path, errors));
  }
  const only = candidates.length === 1 ? candidates[0] : undefined;
  if (only) return wrap(only, convert(only, value, path, errors)); // report the errors inside the one plausible branch
  errors.push({
    path: renderPath(path),
    message: `expected ${describeAvroType(type)}, got ${describeValue(value)}`,
  });
  return undefined;
}

function kindMatches(branch: AvroType, value: unknown): boolean {
  if (value === null) return branch.typeName === 'null';
  if (isLogical(branch)) return typeof value === 'number' || typeof value === 'string' || value instanceof Date;
  switch (branch.typeName) {
    case 'boolean':
      return typeof value === 'boolean';
    case 'int':
    case 'long':
    case 'float':
    case 'double':
      return typeof value === 'number';
    case 'string':
    case 'enum':
      return typeof value === 'string';
    case 'bytes':
    case 'fixed':
      return typeof value === 'string' || Buffer.isBuffer(value);
    case 'array':
      return Array.isArray(value);
    case 'record':
    case 'error':
    case 'map':
      return isPlainObject(value);
    default:
      return false;
  }
}

function toNatural(type: AvroType, value: unknown, jsonSafe: boolean): unknown {
  if (value === null || value === undefined) return value;
  if (isUnion(type)) {
    if (isWrappedUnion(type)) {
      const entries = Object.entries(value as Record<string, unknown>);
      const [key, inner] = entries[0] ?? [];
      const branch = type.types.find((candidate) => branchName(candidate) === key);
      return branch ? toNatural(branch, inner, jsonSafe) : value;
    }
    const branch = type.types.find((candidate) => candidate.isValid(value));
    return branch ? toNatural(branch, value, jsonSafe) : value;
  }
  if (isLogical(type)) return jsonSafe && value instanceof Date ? value.getTime() : value;
  if (isRecord(type)) {
    const source = value as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const field of type.fields) out[field.name] = toNatural(field.type, source[field.name], jsonSafe);
    return out;
  }
  if (isArray(type)) return (value as unknown[]).map((item) => toNatural(type.itemsType, item, jsonSafe));
  if (isMap(type)) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
      out[key] = toNatural(mapValuesType(type), item, jsonSafe);
    }
    return out;
  }
  if (jsonSafe && Buffer.isBuffer(value)) return value.toString('latin1');
  return value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !Buffer.isBuffer(value) && !(value instanceof Date);
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'an array';
  if (value instanceof Date) return `a date (${value.toISOString()})`;
  if (Buffer.isBuffer(value)) return `${value.length} bytes`;
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  return `${typeof value} ${String(value)}`;
}

/** `items[2].sku`, `attributes["a b"]`, '' for the root. */
export function renderPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}
