/**
 * validateDatasets: Personalize's data rules, checked locally before training or an import job.
 * Every problem is reported once per rule with a count and up to 5 examples; nothing throws.
 * Rule codes (stable): required-field, timestamp-type, timestamp-milliseconds, event-value-type, id-length,
 * reserved-keyword-value, categorical-value-length, unknown-item, duplicate-id, min-interactions,
 * min-active-users, interactions-metadata-fields, event-types-and-metadata, items-metadata-fields,
 * users-metadata-fields, max-items, field-name, field-name-collision, value-type, and the schema-* rules
 * of schema-rules.ts.
 */
import type { AvroField, SchemaInput } from './schema-rules.js';
import { checkColumnsAgainstSchema, checkSchema, fieldTypes, valueFitsTypes } from './schema-rules.js';
import type { Interaction, ItemRecord, Props, UserRecord } from './types.js';
import type { DatasetKind, DatasetLimits, ValidationIssue } from './validation-issues.js';
import {
  INTERACTION_RESERVED_METADATA,
  INTERACTION_RESERVED_NON_METADATA,
  IssueCollector,
  PERSONALIZE_LIMITS,
  RESERVED_FIELD_NAMES,
  truncate,
} from './validation-issues.js';

export interface ValidateDatasetsInput {
  interactions: readonly Interaction[];
  items?: readonly ItemRecord[];
  users?: readonly UserRecord[];
  schemas?: Partial<Record<DatasetKind, SchemaInput>>;
  /** CSV header rows as read (ParsedCsv.header), to check that the schema field order matches the columns. */
  headers?: Partial<Record<DatasetKind, readonly string[]>>;
  /** Solution filters: the minimum-data rules count interactions after them, as Personalize does. */
  eventType?: string;
  eventValueThreshold?: number;
  limits?: Partial<DatasetLimits>;
}

const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function propKeys(records: readonly { props?: Props }[]): string[] {
  const keys = new Set<string>();
  for (const r of records) for (const k of Object.keys(r.props ?? {})) keys.add(k);
  return [...keys];
}

function checkFieldNames(kind: DatasetKind, names: readonly string[], issues: IssueCollector): void {
  const seen = new Map<string, string>();
  for (const name of names) {
    if (!FIELD_NAME.test(name)) {
      issues.add(
        'field-name',
        'error',
        'Field names must be alphanumeric (letters, digits, underscore; not starting with a digit).',
        `${kind}: "${truncate(name)}"`,
      );
    }
    const key = name.replaceAll('_', '');
    const other = seen.get(key);
    if (other !== undefined && other !== name) {
      issues.add(
        'field-name-collision',
        'error',
        'Field names must stay unique without underscores (GENRES_FIELD_1 and GENRESFIELD1 collide).',
        `${kind}: ${other} / ${name}`,
      );
    } else {
      seen.set(key, name);
    }
  }
}

function checkId(kind: DatasetKind, row: number, field: string, id: string, limits: DatasetLimits, issues: IssueCollector): void {
  if (id.trim() === '') {
    issues.add(
      'required-field',
      'error',
      'Required fields must have a value (USER_ID, ITEM_ID, TIMESTAMP in interactions; ITEM_ID in items; USER_ID in users).',
      `${kind} row ${row}: ${field} is empty`,
    );
    return;
  }
  if (id.length > limits.maxIdLength) {
    issues.add(
      'id-length',
      'error',
      `IDs must be at most ${limits.maxIdLength} characters.`,
      `${kind} row ${row}: ${field} has ${id.length} characters`,
    );
  }
  if (RESERVED_FIELD_NAMES.includes(id)) {
    issues.add(
      'reserved-keyword-value',
      'error',
      'Reserved keywords cannot be values (a repeated header row?).',
      `${kind} row ${row}: ${field} = ${id}`,
    );
  }
}

function checkTimestamp(kind: DatasetKind, row: number, field: string, ts: unknown, limits: DatasetLimits, issues: IssueCollector): void {
  const n = typeof ts === 'number' ? ts : typeof ts === 'string' && ts.trim() !== '' ? Number(ts) : Number.NaN;
  if (!Number.isInteger(n) || n < 0) {
    issues.add(
      'timestamp-type',
      'error',
      `${field} must be a whole number of seconds since 1970 (Avro long).`,
      `${kind} row ${row}: ${field} = ${String(ts)}`,
    );
  } else if (n >= limits.millisecondsThreshold) {
    issues.add(
      'timestamp-milliseconds',
      'error',
      `${field} must be Unix epoch SECONDS; these look like milliseconds (divide by 1000).`,
      `${kind} row ${row}: ${field} = ${n}`,
    );
  }
}

/** Metadata values: categorical length and, with a schema, type fit. */
function checkProps(
  kind: DatasetKind,
  row: number,
  props: Props | undefined,
  schemaFields: ReadonlyMap<string, AvroField> | undefined,
  limits: DatasetLimits,
  issues: IssueCollector,
): void {
  for (const [name, value] of Object.entries(props ?? {})) {
    const field = schemaFields?.get(name);
    const categorical = field ? field.categorical === true : true;
    if (categorical && typeof value === 'string' && name !== 'CREATION_TIMESTAMP') {
      for (const part of value.split('|')) {
        if (part.length > limits.maxCategoricalLength) {
          issues.add(
            'categorical-value-length',
            'error',
            `Categorical values must be at most ${limits.maxCategoricalLength} characters.`,
            `${kind} row ${row}: ${name} has ${part.length} characters`,
          );
        }
      }
    }
    const types = field ? fieldTypes(field.type) : undefined;
    if (types && !valueFitsTypes(value, types)) {
      issues.add(
        'value-type',
        'error',
        'Values must match the schema field type (booleans as lower-case true/false).',
        `${kind} row ${row}: ${name} = ${truncate(String(value))} is not ${types.join('|')}`,
      );
    }
  }
}

function schemaFor(
  kind: DatasetKind,
  input: ValidateDatasetsInput,
  columns: readonly string[],
  issues: IssueCollector,
): ReadonlyMap<string, AvroField> | undefined {
  const schema = input.schemas?.[kind];
  if (schema === undefined) return undefined;
  const fields = checkSchema(kind, schema, issues);
  if (!fields) return undefined;
  checkColumnsAgainstSchema(kind, fields, columns, input.headers?.[kind], issues);
  return new Map(fields.map((f) => [f.name, f]));
}

function checkInteractions(input: ValidateDatasetsInput, limits: DatasetLimits, issues: IssueCollector): void {
  const rows = input.interactions;
  const meta = propKeys(rows);
  const reservedPresent = ['USER_ID', 'ITEM_ID', 'TIMESTAMP'];
  if (rows.some((r) => r.eventType !== undefined)) reservedPresent.push('EVENT_TYPE');
  if (rows.some((r) => r.eventValue !== undefined)) reservedPresent.push('EVENT_VALUE');
  const columns = [...reservedPresent, ...meta];
  checkFieldNames('interactions', input.headers?.interactions ?? columns, issues);
  const schema = schemaFor('interactions', input, columns, issues);
  const itemIds = input.items ? new Set(input.items.map((r) => r.itemId)) : undefined;
  const eventTypes = new Set<string>();
  const perUser = new Map<string, number>();
  let counted = 0;
  rows.forEach((r, i) => {
    const row = i + 1;
    checkId('interactions', row, 'USER_ID', r.userId, limits, issues);
    checkId('interactions', row, 'ITEM_ID', r.itemId, limits, issues);
    checkTimestamp('interactions', row, 'TIMESTAMP', r.timestamp, limits, issues);
    if (r.eventValue !== undefined && r.eventValue !== null && !Number.isFinite(r.eventValue)) {
      issues.add(
        'event-value-type',
        'error',
        'EVENT_VALUE must be a number (float) or empty.',
        `interactions row ${row}: EVENT_VALUE = ${String(r.eventValue)}`,
      );
    }
    if (r.eventType !== undefined) {
      eventTypes.add(r.eventType);
      if (RESERVED_FIELD_NAMES.includes(r.eventType)) {
        issues.add(
          'reserved-keyword-value',
          'error',
          'Reserved keywords cannot be values (a repeated header row?).',
          `interactions row ${row}: EVENT_TYPE = ${r.eventType}`,
        );
      }
    }
    if (itemIds && r.itemId !== '' && !itemIds.has(r.itemId)) {
      issues.add(
        'unknown-item',
        'error',
        'Every interaction must reference an item of the Items dataset.',
        `interactions row ${row}: ITEM_ID ${truncate(r.itemId)}`,
      );
    }
    checkProps('interactions', row, r.props, schema, limits, issues);
    const passes =
      (input.eventType === undefined || r.eventType === input.eventType) &&
      (input.eventValueThreshold === undefined || (r.eventValue ?? Number.NEGATIVE_INFINITY) >= input.eventValueThreshold);
    if (passes) {
      counted++;
      perUser.set(r.userId, (perUser.get(r.userId) ?? 0) + 1);
    }
  });
  if (counted < limits.minInteractions) {
    issues.add(
      'min-interactions',
      'error',
      `Personalize needs at least ${limits.minInteractions} interactions (after eventType / eventValueThreshold filters).`,
      `${counted} interactions`,
      limits.minInteractions - counted,
    );
  }
  let active = 0;
  for (const n of perUser.values()) if (n >= limits.minInteractionsPerActiveUser) active++;
  if (active < limits.minActiveUsers) {
    issues.add(
      'min-active-users',
      'error',
      `Personalize needs at least ${limits.minActiveUsers} users with ${limits.minInteractionsPerActiveUser} or more interactions each.`,
      `${active} such users`,
      limits.minActiveUsers - active,
    );
  }
  const metadata = (schema ? [...schema.keys()] : columns).filter((c) => !INTERACTION_RESERVED_NON_METADATA.includes(c));
  const custom = metadata.filter((c) => !INTERACTION_RESERVED_METADATA.includes(c));
  if (custom.length > limits.maxInteractionMetadataFields) {
    issues.add(
      'interactions-metadata-fields',
      'error',
      `Interactions may have at most ${limits.maxInteractionMetadataFields} metadata fields besides reserved ones.`,
      `${custom.length}: ${custom.join(', ')}`,
      custom.length - limits.maxInteractionMetadataFields,
    );
  }
  const total = metadata.length + eventTypes.size;
  if (total > limits.maxEventTypesPlusMetadataFields) {
    issues.add(
      'event-types-and-metadata',
      'error',
      `Distinct event types plus metadata fields (EVENT_TYPE, EVENT_VALUE and custom ones) must be at most ${limits.maxEventTypesPlusMetadataFields}.`,
      `${eventTypes.size} event types + ${metadata.length} fields`,
      total - limits.maxEventTypesPlusMetadataFields,
    );
  }
}

function checkEntities(
  kind: 'items' | 'users',
  records: readonly { id: string; props: Props }[],
  input: ValidateDatasetsInput,
  limits: DatasetLimits,
  issues: IssueCollector,
): void {
  const idField = kind === 'items' ? 'ITEM_ID' : 'USER_ID';
  const meta = propKeys(records);
  const columns = [idField, ...meta];
  checkFieldNames(kind, input.headers?.[kind] ?? columns, issues);
  const schema = schemaFor(kind, input, columns, issues);
  const seen = new Set<string>();
  records.forEach((r, i) => {
    const row = i + 1;
    checkId(kind, row, idField, r.id, limits, issues);
    if (r.id !== '' && seen.has(r.id)) {
      issues.add(
        'duplicate-id',
        'warning',
        'Duplicate ids: only one record per id is kept.',
        `${kind} row ${row}: ${idField} ${truncate(r.id)}`,
      );
    }
    seen.add(r.id);
    if (kind === 'items' && r.props.CREATION_TIMESTAMP !== undefined && r.props.CREATION_TIMESTAMP !== null) {
      checkTimestamp(kind, row, 'CREATION_TIMESTAMP', r.props.CREATION_TIMESTAMP, limits, issues);
    }
    checkProps(kind, row, r.props, schema, limits, issues);
  });
  const metadata = (schema ? [...schema.keys()].filter((f) => f !== idField) : meta).filter((f) => f !== 'CREATION_TIMESTAMP');
  const max = kind === 'items' ? limits.maxItemMetadataFields : limits.maxUserMetadataFields;
  const rule = `${kind}-metadata-fields`;
  if (metadata.length === 0) {
    issues.add(rule, 'error', `A ${kind} dataset needs 1 to ${max} metadata fields besides ${idField}.`, `${kind}: no metadata fields`);
  } else if (metadata.length > max) {
    issues.add(
      rule,
      'error',
      `A ${kind} dataset needs 1 to ${max} metadata fields besides ${idField}.`,
      `${kind}: ${metadata.length} metadata fields`,
      metadata.length - max,
    );
  }
  if (kind === 'items' && seen.size > limits.maxItems) {
    issues.add(
      'max-items',
      'warning',
      `Personalize v1 recipes consider at most ${limits.maxItems} items.`,
      `${seen.size} items`,
      seen.size - limits.maxItems,
    );
  }
}

export function validateDatasets(input: ValidateDatasetsInput): ValidationIssue[] {
  const limits: DatasetLimits = { ...PERSONALIZE_LIMITS, ...input.limits };
  const issues = new IssueCollector();
  checkInteractions(input, limits, issues);
  if (input.items) {
    checkEntities(
      'items',
      input.items.map((r) => ({ id: r.itemId, props: r.props })),
      input,
      limits,
      issues,
    );
  }
  if (input.users) {
    checkEntities(
      'users',
      input.users.map((r) => ({ id: r.userId, props: r.props })),
      input,
      limits,
      issues,
    );
  }
  return issues.list();
}
