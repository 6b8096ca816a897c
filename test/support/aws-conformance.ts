/**
 * AWS API conformance for the tests: each SDK request (and each response of a test fake) is checked against AWS's
 * published service model, botocore's service-2.json from the pinned botocore in .services/venv, exported to
 * .services/models/ by scripts/export-models.mjs (run by `services.mjs up` and the integration globalSetup).
 *
 * Checked: required members, enum values, string lengths (code points) and patterns, list and map sizes, numeric
 * ranges, recursively through structures, lists and maps. Members the SDK fills in itself (idempotency tokens) are
 * not required here. Patterns must match the whole value, as AWS's server-side validation applies them ("Member must
 * satisfy regular expression pattern: [\w+=,.@-]+" for `bad role!`), although Smithy leaves them unanchored.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const MODELS_DIR = path.join(ROOT, '.services', 'models');

interface MemberRef {
  readonly shape: string;
  readonly idempotencyToken?: boolean;
}

interface Shape {
  readonly type: string;
  readonly required?: readonly string[];
  readonly members?: Readonly<Record<string, MemberRef>>;
  readonly member?: MemberRef;
  readonly key?: MemberRef;
  readonly value?: MemberRef;
  readonly enum?: readonly string[];
  readonly min?: number;
  readonly max?: number;
  readonly pattern?: string;
  readonly document?: boolean;
}

interface ServiceModel {
  readonly metadata: { readonly serviceId: string };
  readonly operations: Readonly<Record<string, { readonly input?: { shape: string }; readonly output?: { shape: string } }>>;
  readonly shapes: Readonly<Record<string, Shape>>;
}

export interface Violation {
  readonly service: string;
  readonly operation: string;
  /** `input` or `output` */
  readonly direction: 'input' | 'output';
  /** Member path, e.g. `TableInput.StorageDescriptor.Columns[3].Name`. */
  readonly member: string;
  /** e.g. `required`, `enum [A, B]`, `length 1..255 (got 300)`, `pattern ^[a-z]+$`. */
  readonly constraint: string;
}

export function describeViolation(v: Violation): string {
  return `${v.service} ${v.operation} ${v.direction} ${v.member || '(root)'}: ${v.constraint}`;
}

let index: Record<string, string> | undefined;
const models = new Map<string, ServiceModel>();
const patterns = new Map<string, RegExp | null>();

/** The model of an SDK client's serviceId (e.g. `Glue`, `Personalize Events`); throws when it was not exported. */
export function serviceModel(serviceId: string): ServiceModel {
  const cached = models.get(serviceId);
  if (cached) return cached;
  if (!index) {
    const file = path.join(MODELS_DIR, 'index.json');
    if (!existsSync(file)) {
      throw new Error(
        'AWS service models missing in .services/models: run `node scripts/export-models.mjs` (needs the test venv: `npm run services -- up`).',
      );
    }
    index = (JSON.parse(readFileSync(file, 'utf8')) as { services: Record<string, string> }).services;
  }
  const name = index[serviceId];
  if (!name) {
    throw new Error(`No AWS service model for "${serviceId}": add its botocore folder to MODEL_SERVICES in scripts/export-models.mjs.`);
  }
  const model = JSON.parse(readFileSync(path.join(MODELS_DIR, name), 'utf8')) as ServiceModel;
  models.set(serviceId, model);
  return model;
}

/** A Java-style model pattern as a JS RegExp (null when it cannot be compiled: then it is not checked). */
function regexOf(pattern: string): RegExp | null {
  if (patterns.has(pattern)) return patterns.get(pattern) ?? null;
  let compiled: RegExp | null = null;
  // Unicode property classes (\p{L}) need the u flag; surrogate ranges in classes need it off.
  for (const flags of pattern.includes('\\p{') ? ['u', ''] : ['', 'u']) {
    try {
      compiled = new RegExp(`^(?:${pattern})$`, flags);
      break;
    } catch {
      // try the next flags
    }
  }
  patterns.set(pattern, compiled);
  return compiled;
}

function check(
  model: ServiceModel,
  shapeName: string,
  value: unknown,
  at: string,
  out: (member: string, constraint: string) => void,
): void {
  if (value === undefined || value === null) return;
  const shape = model.shapes[shapeName];
  if (!shape || shape.document) return;
  const range = (size: number, what: string) => {
    if ((shape.min !== undefined && size < shape.min) || (shape.max !== undefined && size > shape.max)) {
      out(at, `${what} ${shape.min ?? 0}..${shape.max ?? '∞'} (got ${size})`);
    }
  };
  switch (shape.type) {
    case 'structure': {
      if (typeof value !== 'object') return;
      const record = value as Record<string, unknown>;
      for (const name of shape.required ?? []) {
        const ref = shape.members?.[name];
        if (ref?.idempotencyToken) continue;
        if (record[name] === undefined || record[name] === null) out(at ? `${at}.${name}` : name, 'required');
      }
      for (const [name, ref] of Object.entries(shape.members ?? {})) {
        if (name in record) check(model, ref.shape, record[name], at ? `${at}.${name}` : name, out);
      }
      return;
    }
    case 'list': {
      if (!Array.isArray(value)) return;
      range(value.length, 'list size');
      if (shape.member) for (const [i, item] of value.entries()) check(model, shape.member.shape, item, `${at}[${i}]`, out);
      return;
    }
    case 'map': {
      if (typeof value !== 'object') return;
      const entries = Object.entries(value as Record<string, unknown>);
      range(entries.length, 'map size');
      for (const [k, v] of entries) {
        if (shape.key) check(model, shape.key.shape, k, `${at}{key ${JSON.stringify(k)}}`, out);
        if (shape.value) check(model, shape.value.shape, v, `${at}{${JSON.stringify(k)}}`, out);
      }
      return;
    }
    case 'string': {
      if (typeof value !== 'string') return;
      if (shape.enum && !shape.enum.includes(value)) out(at, `enum [${shape.enum.join(', ')}] (got ${JSON.stringify(value)})`);
      range([...value].length, 'length');
      if (shape.pattern) {
        const re = regexOf(shape.pattern);
        if (re && !re.test(value)) out(at, `pattern ${shape.pattern} (got ${JSON.stringify(value.slice(0, 120))})`);
      }
      return;
    }
    case 'integer':
    case 'long':
    case 'float':
    case 'double': {
      if (typeof value !== 'number') return;
      if ((shape.min !== undefined && value < shape.min) || (shape.max !== undefined && value > shape.max)) {
        out(at, `range ${shape.min ?? '-∞'}..${shape.max ?? '∞'} (got ${value})`);
      }
      return;
    }
    case 'blob': {
      if (value instanceof Uint8Array) range(value.byteLength, 'bytes');
      else if (typeof value === 'string') range(Buffer.byteLength(value), 'bytes');
      return;
    }
    default:
      return;
  }
}

/** The violations of one request (`input`) or response (`output`) of `operation` against the service model. */
export function validate(serviceId: string, operation: string, direction: 'input' | 'output', value: unknown): Violation[] {
  const model = serviceModel(serviceId);
  const op = model.operations[operation];
  if (!op) {
    return [{ service: serviceId, operation, direction, member: '', constraint: `no operation ${operation} in the ${serviceId} model` }];
  }
  const shape = op[direction]?.shape;
  if (!shape) return [];
  const found: Violation[] = [];
  check(model, shape, value ?? {}, '', (member, constraint) =>
    found.push({ service: serviceId, operation, direction, member, constraint }),
  );
  return found;
}

/** The operation name of an SDK command object (`GetTableCommand` → `GetTable`). */
export function operationOf(command: unknown): string {
  const name = (command as { constructor?: { name?: string } })?.constructor?.name ?? '';
  return name.replace(/^_+/, '').replace(/Command$/, '');
}
