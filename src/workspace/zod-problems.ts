import type * as z from 'zod';
import { didYouMean } from '../core/errors.js';
import { formatPath, type PathSegment, type Problem, ProblemCode } from './problems.js';
import { problemCodes } from './schema-common.js';
import type { SourceFile } from './yaml-source.js';

/** The parts of zod's internal definitions the walker reads (zod 4 `_zod.def`). */
interface SchemaDef {
  readonly type: string;
  readonly innerType?: z.ZodType;
  readonly in?: z.ZodType;
  readonly options?: readonly z.ZodType[];
  readonly shape?: Readonly<Record<string, z.ZodType>>;
  readonly element?: z.ZodType;
  readonly valueType?: z.ZodType;
  readonly getter?: () => z.ZodType;
}

function defOf(schema: z.ZodType): SchemaDef {
  return schema._zod.def as unknown as SchemaDef;
}

/** The schema itself and every schema it wraps (optional, default, union options, …). */
function layers(schema: z.ZodType): z.ZodType[] {
  const def = defOf(schema);
  const inner = def.innerType ?? def.in ?? (def.type === 'lazy' && def.getter ? def.getter() : undefined);
  if (inner) return [schema, ...layers(inner)];
  if (def.type === 'union' && def.options) return [schema, ...def.options.flatMap(layers)];
  return [schema];
}

function childrenAt(schemas: readonly z.ZodType[], segment: PathSegment): z.ZodType[] {
  const out: z.ZodType[] = [];
  for (const schema of schemas.flatMap(layers)) {
    const def = defOf(schema);
    if (def.type === 'object' && def.shape && typeof segment === 'string' && def.shape[segment]) out.push(def.shape[segment]);
    if (def.type === 'array' && def.element && typeof segment === 'number') out.push(def.element);
    if (def.type === 'record' && def.valueType) out.push(def.valueType);
  }
  return out;
}

function schemasAt(root: z.ZodType, path: readonly PathSegment[]): z.ZodType[] {
  let current = [root];
  for (const segment of path) current = childrenAt(current, segment);
  return current;
}

/** Field names an object schema at `path` accepts. */
export function knownFields(root: z.ZodType, path: readonly PathSegment[]): string[] {
  const keys = new Set<string>();
  for (const schema of schemasAt(root, path).flatMap(layers)) {
    const def = defOf(schema);
    if (def.type === 'object' && def.shape) for (const key of Object.keys(def.shape)) keys.add(key);
  }
  return [...keys];
}

function registeredCode(root: z.ZodType, path: readonly PathSegment[]): { code: string; hint?: string } | undefined {
  for (const schema of schemasAt(root, path).flatMap(layers)) {
    const entry = problemCodes.get(schema);
    if (entry) return entry;
  }
  return undefined;
}

function valueAt(data: unknown, path: readonly PathSegment[]): unknown {
  let current = data;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, unknown>)[segment];
  }
  return current;
}

export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `"${value}"`;
  return `${typeof value} ${String(value)}`;
}

function describeExpected(expected: string): string {
  switch (expected) {
    case 'object':
    case 'record':
      return 'a mapping';
    case 'array':
      return 'a list';
    case 'int':
      return 'a whole number';
    case 'string':
      return 'text';
    default:
      return `a ${expected}`;
  }
}

type Issue = z.core.$ZodIssue;

/** Problems for a zod failure, located in the YAML source. `basePath` prefixes paths (for nested values). */
export function zodProblems(
  root: z.ZodType,
  data: unknown,
  issues: readonly Issue[],
  source: SourceFile,
  basePath: readonly PathSegment[] = [],
): Problem[] {
  const problems: Problem[] = [];
  const push = (code: string, rel: readonly PathSegment[], message: string, hint?: string, key = false) => {
    const full = [...basePath, ...rel];
    const { line, column } = source.position(full, { key });
    problems.push({
      code: code as Problem['code'],
      severity: 'error',
      file: source.rel,
      line,
      column,
      path: formatPath(full),
      message,
      ...(hint ? { hint } : {}),
    });
  };

  const visit = (issue: Issue, prefix: readonly PathSegment[]) => {
    const rel = [...prefix, ...(issue.path as PathSegment[])];
    const actual = valueAt(data, rel);
    const field = rel.length > 0 ? String(rel[rel.length - 1]) : 'document';
    switch (issue.code) {
      case 'unrecognized_keys': {
        const known = knownFields(root, rel);
        for (const key of issue.keys) {
          push(
            ProblemCode.UnknownField,
            [...rel, key],
            `Unknown field "${key}".`,
            didYouMean(key, known) ?? (known.length > 0 ? `Known fields here: ${known.join(', ')}.` : undefined),
            true,
          );
        }
        return;
      }
      case 'invalid_type': {
        if (actual === undefined) {
          push(
            ProblemCode.MissingField,
            rel,
            `Missing required field "${field}" (${describeExpected(issue.expected)}).`,
            `Add "${field}:".`,
          );
        } else {
          const quoteHint =
            typeof actual === 'number' && issue.expected === 'string' ? `Quote it: ${field}: "${String(actual)}".` : undefined;
          push(
            ProblemCode.WrongType,
            rel,
            `"${field}" must be ${describeExpected(issue.expected)}, not ${describeValue(actual)}.`,
            quoteHint,
          );
        }
        return;
      }
      case 'invalid_value': {
        if (actual === undefined) {
          push(
            ProblemCode.MissingField,
            rel,
            `Missing required field "${field}".`,
            issue.values.length === 1 ? `Add "${field}: ${String(issue.values[0])}".` : `One of: ${issue.values.join(', ')}.`,
          );
          return;
        }
        const allowed = issue.values.map((v) => String(v));
        push(
          ProblemCode.InvalidValue,
          rel,
          allowed.length === 1
            ? `"${field}" must be ${JSON.stringify(issue.values[0])}, not ${describeValue(actual)}.`
            : `"${field}" must be one of ${allowed.join(', ')}; got ${describeValue(actual)}.`,
          typeof actual === 'string' ? didYouMean(actual, allowed) : undefined,
        );
        return;
      }
      case 'invalid_union': {
        const branches = issue.errors;
        const discriminator = (issue as { discriminator?: string }).discriminator;
        if (branches.length === 0 || discriminator) {
          const at = discriminator && rel[rel.length - 1] !== discriminator ? [...rel, discriminator] : rel;
          const options = discriminatorValues(root, at.slice(0, -1), discriminator);
          const got = valueAt(data, at);
          push(
            got === undefined ? ProblemCode.MissingField : ProblemCode.InvalidValue,
            at,
            got === undefined
              ? `Missing required field "${discriminator ?? field}".`
              : `"${discriminator ?? field}" must be one of ${options.join(', ')}; got ${describeValue(got)}.`,
            typeof got === 'string' ? didYouMean(got, options) : options.length > 0 ? `One of: ${options.join(', ')}.` : undefined,
          );
          return;
        }
        const matching = branches.filter(
          (b) => !b.some((i) => i.path.length === 0 && (i.code === 'invalid_type' || i.code === 'invalid_value')),
        );
        const best = [...matching].sort((a, b) => a.length - b.length)[0];
        if (best) {
          for (const inner of best) visit(inner, rel);
          return;
        }
        const expected = branches.flatMap((b) =>
          b
            .filter((i) => i.path.length === 0)
            .map((i) =>
              i.code === 'invalid_type'
                ? describeExpected(i.expected)
                : i.code === 'invalid_value'
                  ? i.values.map((v) => JSON.stringify(v)).join(' or ')
                  : i.code,
            ),
        );
        push(ProblemCode.WrongType, rel, `"${field}" must be ${[...new Set(expected)].join(' or ')}, not ${describeValue(actual)}.`);
        return;
      }
      case 'invalid_format': {
        const registered = registeredCode(root, rel);
        const described = schemasAt(root, rel)
          .map((s) => s.description)
          .find(Boolean);
        push(
          registered?.code ?? ProblemCode.InvalidValue,
          rel,
          `${describeValue(actual)} is not a valid ${field}${described ? ` (${described})` : issue.format === 'regex' ? ` (must match ${(issue as { pattern?: string }).pattern})` : ''}.`,
          registered?.hint,
        );
        return;
      }
      case 'too_small':
      case 'too_big': {
        const limit = issue.code === 'too_small' ? issue.minimum : issue.maximum;
        const what = issue.origin === 'array' ? 'items' : issue.origin === 'string' ? 'characters' : '';
        const bound = issue.code === 'too_small' ? 'at least' : 'at most';
        push(
          ProblemCode.InvalidValue,
          rel,
          issue.origin === 'array' && issue.code === 'too_small' && Number(limit) === 1
            ? `"${field}" must not be empty.`
            : `"${field}" must be ${bound} ${String(limit)}${what ? ` ${what}` : ''}; got ${describeValue(actual)}.`,
        );
        return;
      }
      case 'custom': {
        const params = (issue.params ?? {}) as { code?: string; hint?: string };
        push(params.code ?? ProblemCode.InvalidValue, rel, issue.message, params.hint);
        return;
      }
      default:
        push(ProblemCode.InvalidValue, rel, `"${field}": ${issue.message}`);
    }
  };

  for (const issue of issues) visit(issue, []);
  return problems;
}

function discriminatorValues(root: z.ZodType, path: readonly PathSegment[], discriminator: string | undefined): string[] {
  if (!discriminator) return [];
  const values = new Set<string>();
  for (const schema of schemasAt(root, [...path, discriminator]).flatMap(layers)) {
    const def = schema._zod.def as unknown as { type: string; values?: unknown[] };
    if (def.type === 'literal' && def.values) for (const v of def.values) values.add(String(v));
  }
  return [...values];
}

/** Parses `data` with `schema`; on failure returns the problems instead. */
export function parseWithProblems<T extends z.ZodType>(
  schema: T,
  data: unknown,
  source: SourceFile,
  basePath: readonly PathSegment[] = [],
): { ok: true; value: z.infer<T> } | { ok: false; problems: Problem[] } {
  // jitless: zod's eval fast path compiles a function per object schema on first use, which a run that parses a
  // few files (one CLI command) pays for and never earns back (about a tenth of `mesh validate`'s start-up).
  const result = schema.safeParse(data, { jitless: true });
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, problems: zodProblems(schema, data, result.error.issues, source, basePath) };
}
