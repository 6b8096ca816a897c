/**
 * Our own schema compatibility check (the Glue Schema Registry in moto accepts anything, and the real one only says
 * "FAILURE" without naming the field). Semantics follow Glue / Confluent:
 *   BACKWARD: the new schema can read data written with the latest previous version.
 *   FORWARD:  the latest previous version can read data written with the new schema.
 *   FULL:     both.            *_ALL: against every previous version, not only the latest.
 *   NONE:     no check.        DISABLED: no new versions at all.
 */
import { type AvroType, parseAvroSchema } from './avro-schema.js';
import { type CompatibilityMode, modeChecks, parseCompatibilityMode } from './compatibility-mode.js';
import { explainResolution, type ReadDirection } from './schema-resolution.js';

export interface PreviousSchemaVersion {
  readonly version: number;
  readonly definition: string;
}

export interface CheckCompatibilityInput {
  /** A Glue mode, or a Confluent spelling such as BACKWARD_TRANSITIVE. */
  readonly mode: CompatibilityMode | string;
  /** The Avro JSON text of the schema about to be registered. */
  readonly newSchema: string;
  /** Previous versions, oldest → newest. Plain strings are numbered 1, 2, 3, … */
  readonly previous: readonly (string | PreviousSchemaVersion)[];
}

export interface CompatibilityProblem {
  /** The previous version this problem is against. */
  readonly againstVersion: number;
  /** reader-new: the new schema cannot read old data. reader-old: that old version cannot read new data. */
  readonly direction: ReadDirection;
  /** Dotted field path (`address.zip`, `lines[].sku`, `attributes{}`); '' for the whole schema. */
  readonly field: string;
  readonly message: string;
}

export interface CompatibilityResult {
  readonly mode: CompatibilityMode;
  readonly compatible: boolean;
  readonly problems: readonly CompatibilityProblem[];
  /** The versions the new schema was checked against (empty for NONE, or when there is no previous version). */
  readonly checkedVersions: readonly number[];
}

/**
 * Checks `newSchema` against previous versions under `mode`. Throws MeshError `SchemaInvalid` when a schema
 * does not parse, `CompatibilityModeUnknown` for an unknown mode.
 */
export function checkCompatibility(input: CheckCompatibilityInput): CompatibilityResult {
  const mode = parseCompatibilityMode(input.mode);
  const checks = modeChecks(mode);
  const newType = parseForResolution(input.newSchema, 'the new schema');
  const previous = input.previous.map((entry, index) => (typeof entry === 'string' ? { version: index + 1, definition: entry } : entry));
  const latest = previous.at(-1);
  if (!latest) return { mode, compatible: true, problems: [], checkedVersions: [] };

  if (checks.disabled) {
    const problem: CompatibilityProblem = {
      againstVersion: latest.version,
      direction: 'reader-new',
      field: '',
      message: 'compatibility is DISABLED for this schema: no new versions can be registered',
    };
    return {
      mode,
      compatible: false,
      problems: [problem],
      checkedVersions: [latest.version],
    };
  }
  if (!checks.backward && !checks.forward) return { mode, compatible: true, problems: [], checkedVersions: [] };

  const targets = checks.transitive ? previous : [latest];
  const problems: CompatibilityProblem[] = [];
  // Newest first: the most relevant problems come first.
  for (const target of [...targets].reverse()) {
    const oldType = parseForResolution(target.definition, `version ${target.version}`);
    if (checks.backward) problems.push(...check(newType, oldType, 'reader-new', target.version));
    if (checks.forward) problems.push(...check(oldType, newType, 'reader-old', target.version));
  }
  return {
    mode,
    compatible: problems.length === 0,
    problems,
    checkedVersions: targets.map((target) => target.version),
  };
}

function check(reader: AvroType, writer: AvroType, direction: ReadDirection, version: number): CompatibilityProblem[] {
  return explainResolution(reader, writer, direction, version).map((finding) => ({
    againstVersion: version,
    direction,
    field: finding.field,
    message: finding.message,
  }));
}

/** Logical types resolve by their underlying type, so they are left unmaterialised here. */
function parseForResolution(text: string, label: string): AvroType {
  return parseAvroSchema(text, { logicalTypes: false, label });
}

/** One line per problem, for CLI output and error details. */
export function formatCompatibilityProblem(problem: CompatibilityProblem): string {
  const where = problem.field === '' ? '(schema)' : problem.field;
  return `${where}: ${problem.message} [against version ${problem.againstVersion}, ${problem.direction}]`;
}
