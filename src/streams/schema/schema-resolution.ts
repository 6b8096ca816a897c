/**
 * Why can't one Avro schema read data written with another? avsc answers yes/no (`reader.createResolver(writer)`
 * throws); this walks both type trees to name the field that breaks it, in words for the direction being checked.
 */
import {
  type AvroEnumType,
  type AvroRecordType,
  type AvroType,
  describeAvroType,
  enumDefault,
  isArray,
  isEnum,
  isFixed,
  isMap,
  isRecord,
  isUnion,
  mapValuesType,
} from './avro-schema.js';

/** reader-new: the new schema reads data of an older version (BACKWARD). reader-old: the reverse (FORWARD). */
export type ReadDirection = 'reader-new' | 'reader-old';

export interface ResolutionFinding {
  /** Dotted path of the field, `[]` for array items and `{}` for map values, e.g. `lines[].sku`; '' for the root. */
  readonly field: string;
  readonly message: string;
}

interface WalkContext {
  readonly direction: ReadDirection;
  /** The version on the other side of the check (the writer for reader-new, the reader for reader-old). */
  readonly version: number;
  readonly seen: Set<string>;
  /** Times the walk met a recursive record again (its problem is reported where it was first met). */
  recursionHits: number;
}

/** True when data written with `writer` can be read with `reader` under Avro schema resolution rules. */
export function canRead(reader: AvroType, writer: AvroType): boolean {
  return resolutionError(reader, writer) === undefined;
}

function resolutionError(reader: AvroType, writer: AvroType): string | undefined {
  try {
    reader.createResolver(writer);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/** Every reason `reader` cannot read `writer`; empty when it can. */
export function explainResolution(reader: AvroType, writer: AvroType, direction: ReadDirection, version: number): ResolutionFinding[] {
  return explain(reader, writer, [], { direction, version, seen: new Set(), recursionHits: 0 });
}

function explain(reader: AvroType, writer: AvroType, path: readonly string[], ctx: WalkContext): ResolutionFinding[] {
  const avscReason = resolutionError(reader, writer);
  if (avscReason === undefined) return [];
  // A recursive record met again: its fields are being explained further up the walk.
  if (isRecord(reader) && isRecord(writer) && ctx.seen.has(recursionKey(reader, writer))) {
    ctx.recursionHits += 1;
    return [];
  }
  const hitsBefore = ctx.recursionHits;
  const findings = explainKnownCauses(reader, writer, path, ctx);
  if (findings.length > 0 || ctx.recursionHits > hitsBefore) return findings;
  return [
    {
      field: renderPath(path),
      message: `${readerLabel(ctx)} cannot read ${writerLabel(ctx)}: ${avscReason}`,
    },
  ];
}

function explainKnownCauses(reader: AvroType, writer: AvroType, path: readonly string[], ctx: WalkContext): ResolutionFinding[] {
  if (isUnion(writer)) return explainWriterUnion(reader, writer.types, path, ctx);
  if (isUnion(reader)) {
    const counterpart = findCounterpart(reader.types, writer);
    return counterpart ? explain(counterpart, writer, path, ctx) : [typeChange(reader, writer, path, ctx)];
  }
  if (isRecord(reader) && isRecord(writer)) return explainRecords(reader, writer, path, ctx);
  if (isEnum(reader) && isEnum(writer)) return explainEnums(reader, writer, path, ctx);
  if (isArray(reader) && isArray(writer)) return explain(reader.itemsType, writer.itemsType, [...path, '[]'], ctx);
  if (isMap(reader) && isMap(writer)) return explain(mapValuesType(reader), mapValuesType(writer), [...path, '{}'], ctx);
  if (isFixed(reader) && isFixed(writer)) {
    if (reader.size !== writer.size) {
      const [oldSize, newSize] = oldNew(reader.size, writer.size, ctx);
      return [
        {
          field: renderPath(path),
          message: `fixed size changed from ${oldSize} to ${newSize} bytes`,
        },
      ];
    }
    if (!namesMatch(reader, writer)) return [renamedType(reader, writer, path, ctx)];
    return [];
  }
  return [typeChange(reader, writer, path, ctx)];
}

function explainWriterUnion(
  reader: AvroType,
  writerBranches: readonly AvroType[],
  path: readonly string[],
  ctx: WalkContext,
): ResolutionFinding[] {
  const readerBranches = isUnion(reader) ? reader.types : [reader];
  const findings: ResolutionFinding[] = [];
  const unmatched: AvroType[] = [];
  for (const branch of writerBranches) {
    if (canRead(reader, branch)) continue;
    const counterpart = findCounterpart(readerBranches, branch);
    if (counterpart) findings.push(...explain(counterpart, branch, path, ctx));
    else unmatched.push(branch);
  }
  if (unmatched.length > 0) {
    const what = unmatched.map(describeAvroType).join(', ');
    const [oldType, newType] = oldNew(describeAvroType(reader), describeUnion(writerBranches), ctx);
    const message =
      ctx.direction === 'reader-new'
        ? `type changed from ${oldType} to ${newType}; data written with version ${ctx.version} may hold ${what}, which the new schema cannot read`
        : `type changed from ${oldType} to ${newType}; the new schema may write ${what}, which readers on version ${ctx.version} cannot read`;
    findings.unshift({ field: renderPath(path), message });
  }
  return findings;
}

function explainRecords(reader: AvroRecordType, writer: AvroRecordType, path: readonly string[], ctx: WalkContext): ResolutionFinding[] {
  if (!namesMatch(reader, writer)) return [renamedType(reader, writer, path, ctx)];
  const key = recursionKey(reader, writer);
  ctx.seen.add(key);
  const findings: ResolutionFinding[] = [];
  const writerFields = new Map(writer.fields.map((field) => [field.name, field]));
  for (const field of reader.fields) {
    const names = [field.name, ...(field.aliases ?? [])];
    const match = names.map((name) => writerFields.get(name)).find((candidate) => candidate !== undefined);
    const fieldPath = [...path, field.name];
    if (!match) {
      if (field.defaultValue() === undefined) findings.push(missingField(field.name, fieldPath, ctx));
      continue;
    }
    findings.push(...explain(field.type, match.type, fieldPath, ctx));
  }
  ctx.seen.delete(key);
  return findings;
}

function explainEnums(reader: AvroEnumType, writer: AvroEnumType, path: readonly string[], ctx: WalkContext): ResolutionFinding[] {
  if (!namesMatch(reader, writer)) return [renamedType(reader, writer, path, ctx)];
  const unknown = writer.symbols.filter((symbol) => !reader.symbols.includes(symbol));
  if (unknown.length === 0 || enumDefault(reader) !== undefined) return [];
  const list = unknown.join(', ');
  const message =
    ctx.direction === 'reader-new'
      ? `enum symbol(s) ${list} removed; data written with version ${ctx.version} may hold them (give the enum a "default" to allow removal)`
      : `enum symbol(s) ${list} added; readers on version ${ctx.version} do not know them and their enum has no "default"`;
  return [{ field: renderPath(path), message }];
}

function missingField(name: string, path: readonly string[], ctx: WalkContext): ResolutionFinding {
  const message =
    ctx.direction === 'reader-new'
      ? `field "${name}" was added without a default; records written with version ${ctx.version} have no value for it (add a "default", e.g. null with type ["null", …])`
      : `field "${name}" was removed or renamed; version ${ctx.version} declares it without a default, so its readers cannot read new records`;
  return { field: renderPath(path), message };
}

function typeChange(reader: AvroType, writer: AvroType, path: readonly string[], ctx: WalkContext): ResolutionFinding {
  const [oldType, newType] = oldNew(describeAvroType(reader), describeAvroType(writer), ctx);
  const message =
    ctx.direction === 'reader-new'
      ? `type changed from ${oldType} to ${newType}; the new schema cannot read ${oldType} values written with version ${ctx.version} (${oldType} → ${newType} is not an Avro promotion)`
      : `type changed from ${oldType} to ${newType}; readers on version ${ctx.version} cannot read ${newType} values written with the new schema (${newType} → ${oldType} is not an Avro promotion)`;
  return { field: renderPath(path), message };
}

function renamedType(reader: AvroType, writer: AvroType, path: readonly string[], ctx: WalkContext): ResolutionFinding {
  const [oldName, newName] = oldNew(reader.name ?? '?', writer.name ?? '?', ctx);
  return {
    field: renderPath(path),
    message: `${reader.typeName} name changed from ${oldName} to ${newName}; keep the name or list "${oldName}" in "aliases"`,
  };
}

/** Orders a (reader, writer) pair as (old, new) for messages. */
function oldNew<T>(readerSide: T, writerSide: T, ctx: WalkContext): [T, T] {
  return ctx.direction === 'reader-new' ? [writerSide, readerSide] : [readerSide, writerSide];
}

function readerLabel(ctx: WalkContext): string {
  return ctx.direction === 'reader-new' ? 'the new schema' : `version ${ctx.version}`;
}

function writerLabel(ctx: WalkContext): string {
  return ctx.direction === 'reader-new' ? `data written with version ${ctx.version}` : 'data written with the new schema';
}

function describeUnion(branches: readonly AvroType[]): string {
  return branches.map(describeAvroType).join(' | ');
}

function namesMatch(reader: AvroType, writer: AvroType): boolean {
  if (reader.name === undefined || writer.name === undefined) return true;
  return reader.name === writer.name || (reader.aliases ?? []).includes(writer.name);
}

/** The reader branch that is "the same thing" as the writer type: same name, else same kind. */
function findCounterpart(readerBranches: readonly AvroType[], writer: AvroType): AvroType | undefined {
  if (writer.name !== undefined) {
    const named = readerBranches.find((branch) => branch.name !== undefined && namesMatch(branch, writer));
    if (named) return named;
  }
  return readerBranches.find((branch) => branch.typeName === writer.typeName);
}

function recursionKey(reader: AvroType, writer: AvroType): string {
  return `${reader.name ?? ''}:${writer.name ?? ''}`;
}

function renderPath(path: readonly string[]): string {
  let out = '';
  for (const segment of path) {
    if (segment === '[]' || segment === '{}') out += segment;
    else out += out === '' ? segment : `.${segment}`;
  }
  return out;
}
