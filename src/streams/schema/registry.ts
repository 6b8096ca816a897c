/**
 * The schema registry port (adapters: local-registry.ts, glue-registry.ts) and the plan/apply of a schema change.
 * The compatibility check is ours and runs before anything is applied: moto's Glue accepts incompatible versions,
 * and real Glue only reports FAILURE after the fact without naming the field.
 */
import { MeshError } from '../../core/errors.js';
import { normalizeDefinition, parseAvroSchema } from './avro-schema.js';
import { type CompatibilityProblem, checkCompatibility, formatCompatibilityProblem } from './compatibility.js';
import { type CompatibilityMode, parseCompatibilityMode } from './compatibility-mode.js';

export interface SchemaVersionRecord {
  readonly version: number;
  /** UUID: what the Glue wire header carries. */
  readonly versionId: string;
  /** The definition as stored (normalised JSON text, see normalizeDefinition). */
  readonly definition: string;
  readonly createdAt?: string;
}

export interface SchemaDescription {
  readonly compatibility: CompatibilityMode;
  readonly latestVersion: number;
  /** Glue ARN, or `local:<registry>/<schema>`. */
  readonly schemaArn: string;
}

export interface RegisterResult {
  readonly version: number;
  readonly versionId: string;
  /** false when an identical definition was already registered (idempotent). */
  readonly created: boolean;
}

export interface SchemaRegistry {
  /** `local` (embedded file) or `aws` (AWS Glue Schema Registry). */
  readonly target: 'local' | 'aws';
  /** Creates the registry unless it exists. */
  ensureRegistry(name: string): Promise<{ readonly created: boolean }>;
  /** undefined when the registry or the schema does not exist. */
  describeSchema(registry: string, schemaName: string): Promise<SchemaDescription | undefined>;
  /** undefined when the registry or the schema does not exist. */
  getLatest(registry: string, schemaName: string): Promise<SchemaVersionRecord | undefined>;
  /** A version by its UUID (the id in a Glue-framed message); undefined when unknown. */
  getVersionById(versionId: string): Promise<(SchemaVersionRecord & { readonly schemaName?: string }) | undefined>;
  /** Oldest → newest; empty when the registry or the schema does not exist. */
  listVersions(registry: string, schemaName: string): Promise<SchemaVersionRecord[]>;
  /**
   * Creates the schema (version 1) or adds a version; an identical definition returns the existing version.
   * Sets the schema's compatibility mode to `compatibility` when it differs. The registry must exist.
   */
  register(registry: string, schemaName: string, definition: string, compatibility: CompatibilityMode): Promise<RegisterResult>;
}

export interface SchemaChangeRequest {
  readonly registryName: string;
  readonly schemaName: string;
  /** Avro schema JSON text. */
  readonly definition: string;
  /** Glue or Confluent spelling; BACKWARD when left out. */
  readonly compatibility?: CompatibilityMode | string;
}

export interface SchemaChangePlan {
  readonly registryName: string;
  readonly schemaName: string;
  /** create: schema does not exist; new-version: a different definition; noop: this definition is registered. */
  readonly action: 'create' | 'new-version' | 'noop';
  readonly compatibility: CompatibilityMode;
  /** false when problems were found (a new version would break readers or writers). */
  readonly compatible: boolean;
  readonly problems: readonly CompatibilityProblem[];
  /** The schema's latest version now, when it exists. */
  readonly latestVersion?: number;
  /** noop only: the existing version with this definition (it may be older than the latest). */
  readonly matchingVersion?: number;
  /** The schema exists with another compatibility mode; apply changes it. */
  readonly compatibilityChange?: { readonly from: CompatibilityMode; readonly to: CompatibilityMode };
  /** Whether apply would change anything. */
  readonly pending: boolean;
}

/** Reads the registry and checks compatibility; changes nothing. Throws `SchemaInvalid` for a bad definition. */
export async function planSchemaChange(registry: SchemaRegistry, request: SchemaChangeRequest): Promise<SchemaChangePlan> {
  const compatibility = parseCompatibilityMode(request.compatibility ?? 'BACKWARD');
  parseAvroSchema(request.definition, { logicalTypes: false, label: `schema ${request.schemaName}` });
  const definition = normalizeDefinition(request.definition);
  const base = { registryName: request.registryName, schemaName: request.schemaName, compatibility };

  const description = await registry.describeSchema(request.registryName, request.schemaName);
  if (!description) return { ...base, action: 'create', compatible: true, problems: [], pending: true };

  const versions = await registry.listVersions(request.registryName, request.schemaName);
  const compatibilityChange =
    description.compatibility === compatibility ? undefined : { from: description.compatibility, to: compatibility };
  const change = compatibilityChange ? { compatibilityChange } : {};
  const latestVersion = versions.at(-1)?.version ?? description.latestVersion;
  const matching = versions.find((version) => normalizeDefinition(version.definition) === definition);
  if (matching) {
    return {
      ...base,
      ...change,
      action: 'noop',
      compatible: true,
      problems: [],
      latestVersion,
      matchingVersion: matching.version,
      pending: compatibilityChange !== undefined,
    };
  }
  const result = checkCompatibility({ mode: compatibility, newSchema: definition, previous: versions });
  return {
    ...base,
    ...change,
    action: 'new-version',
    compatible: result.compatible,
    problems: result.problems,
    latestVersion,
    pending: true,
  };
}

export interface ApplySchemaChangeOptions {
  /** Register even when the plan found problems (the registry may still refuse). */
  readonly allowIncompatible?: boolean;
}

export interface ApplySchemaChangeResult extends RegisterResult {
  readonly plan: SchemaChangePlan;
}

/**
 * ensureRegistry, plan, refuse an incompatible change (MeshError `SchemaIncompatible`, problems in details), register.
 */
export async function applySchemaChange(
  registry: SchemaRegistry,
  request: SchemaChangeRequest,
  options: ApplySchemaChangeOptions = {},
): Promise<ApplySchemaChangeResult> {
  await registry.ensureRegistry(request.registryName);
  const plan = await planSchemaChange(registry, request);
  if (!plan.compatible && !options.allowIncompatible) throw incompatibleSchemaError(plan);
  const result = await registry.register(
    request.registryName,
    request.schemaName,
    normalizeDefinition(request.definition),
    plan.compatibility,
  );
  return { ...result, plan };
}

export function incompatibleSchemaError(plan: Pick<SchemaChangePlan, 'schemaName' | 'compatibility' | 'problems'>): MeshError {
  const lines = plan.problems.map((problem) => `  - ${formatCompatibilityProblem(problem)}`);
  return new MeshError(
    'SchemaIncompatible',
    `The new version of schema ${plan.schemaName} is not ${plan.compatibility} compatible:\n${lines.join('\n')}`,
    {
      hint: 'Give added fields a default, keep removed fields optional, or publish a new major version (a new topic).',
      details: { problems: plan.problems },
    },
  );
}
