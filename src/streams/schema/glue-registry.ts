/**
 * AWS Glue Schema Registry adapter. `@aws-sdk/client-glue` is imported on first use (it costs ~400 ms to load).
 * Previous versions are read with GetSchemaVersion by number 1..latest rather than ListSchemaVersions, which moto
 * does not implement (HTTP 500); real Glue answers both.
 */
import type { GlueClient, GlueClientConfig } from '@aws-sdk/client-glue';
import { MeshError } from '../../core/errors.js';
import { normalizeDefinition, parseAvroSchema } from './avro-schema.js';
import { type CompatibilityMode, isCompatibilityMode } from './compatibility-mode.js';
import type { RegisterResult, SchemaDescription, SchemaRegistry, SchemaVersionRecord } from './registry.js';

type GlueModule = typeof import('@aws-sdk/client-glue');

/** The part of GlueClient this adapter uses (a real GlueClient fits; so does a test double). */
export type GlueClientLike = Pick<GlueClient, 'send'>;

export interface GlueSchemaRegistryOptions {
  /** A client to use; when left out, one is created from `clientConfig` on first use. */
  readonly client?: GlueClientLike;
  readonly clientConfig?: GlueClientConfig;
  /** How long to wait for a version in PENDING (real Glue checks compatibility asynchronously). */
  readonly waitTimeoutMs?: number;
  readonly pollIntervalMs?: number;
}

const LIST_CONCURRENCY = 4;

let glueModule: Promise<GlueModule> | undefined;
function loadGlue(): Promise<GlueModule> {
  glueModule ??= import('@aws-sdk/client-glue');
  return glueModule;
}

export class GlueSchemaRegistry implements SchemaRegistry {
  readonly target = 'aws' as const;
  private client: GlueClientLike | undefined;

  constructor(private readonly options: GlueSchemaRegistryOptions = {}) {
    this.client = options.client;
  }

  async ensureRegistry(name: string): Promise<{ created: boolean }> {
    const glue = await loadGlue();
    try {
      await (await this.glue()).send(new glue.CreateRegistryCommand({ RegistryName: name }));
      return { created: true };
    } catch (error) {
      if (errorName(error) === 'AlreadyExistsException') return { created: false };
      throw awsError('CreateRegistry', error, name);
    }
  }

  async describeSchema(registry: string, schemaName: string): Promise<SchemaDescription | undefined> {
    const glue = await loadGlue();
    try {
      const out = await (await this.glue()).send(
        new glue.GetSchemaCommand({ SchemaId: { RegistryName: registry, SchemaName: schemaName } }),
      );
      const mode = out.Compatibility ?? 'NONE';
      if (!isCompatibilityMode(mode)) {
        throw new MeshError('GlueSchemaUnexpected', `Glue schema ${schemaName} has an unknown compatibility "${mode}".`);
      }
      return { compatibility: mode, latestVersion: out.LatestSchemaVersion ?? 0, schemaArn: out.SchemaArn ?? '' };
    } catch (error) {
      if (errorName(error) === 'EntityNotFoundException') return undefined;
      throw awsError('GetSchema', error, `${registry}/${schemaName}`);
    }
  }

  async getLatest(registry: string, schemaName: string): Promise<SchemaVersionRecord | undefined> {
    return this.getVersion(registry, schemaName, { LatestVersion: true });
  }

  async getVersionById(versionId: string): Promise<(SchemaVersionRecord & { schemaName?: string }) | undefined> {
    const glue = await loadGlue();
    try {
      const out = await (await this.glue()).send(new glue.GetSchemaVersionCommand({ SchemaVersionId: versionId }));
      return {
        version: required(out.VersionNumber, 'GetSchemaVersion', 'VersionNumber'),
        versionId,
        definition: required(out.SchemaDefinition, 'GetSchemaVersion', 'SchemaDefinition'),
        ...(out.CreatedTime ? { createdAt: out.CreatedTime } : {}),
        ...(out.SchemaArn ? { schemaName: out.SchemaArn.split('/').at(-1) } : {}),
      };
    } catch (error) {
      if (errorName(error) === 'EntityNotFoundException') return undefined;
      throw awsError('GetSchemaVersion', error, versionId);
    }
  }

  async listVersions(registry: string, schemaName: string): Promise<SchemaVersionRecord[]> {
    const latest = await this.getLatest(registry, schemaName);
    if (!latest) return [];
    const numbers = Array.from({ length: latest.version - 1 }, (_, index) => index + 1);
    const older: (SchemaVersionRecord | undefined)[] = [];
    for (let start = 0; start < numbers.length; start += LIST_CONCURRENCY) {
      const batch = numbers.slice(start, start + LIST_CONCURRENCY);
      older.push(...(await Promise.all(batch.map((n) => this.getVersion(registry, schemaName, { VersionNumber: n })))));
    }
    // Deleted versions leave gaps.
    return [...older.filter((record): record is SchemaVersionRecord => record !== undefined), latest];
  }

  async register(registry: string, schemaName: string, definition: string, compatibility: CompatibilityMode): Promise<RegisterResult> {
    parseAvroSchema(definition, { logicalTypes: false, label: `schema ${schemaName}` });
    const glue = await loadGlue();
    const client = await this.glue();
    const normalized = normalizeDefinition(definition);
    const schemaId = { RegistryName: registry, SchemaName: schemaName };

    const existing = await this.describeSchema(registry, schemaName);
    if (!existing) {
      try {
        const out = await client.send(
          new glue.CreateSchemaCommand({
            RegistryId: { RegistryName: registry },
            SchemaName: schemaName,
            DataFormat: 'AVRO',
            Compatibility: compatibility,
            SchemaDefinition: normalized,
          }),
        );
        const versionId = required(out.SchemaVersionId, 'CreateSchema', 'SchemaVersionId');
        await this.waitUntilAvailable(versionId, schemaName, out.SchemaVersionStatus);
        return { version: out.LatestSchemaVersion ?? 1, versionId, created: true };
      } catch (error) {
        // Someone created it meanwhile: go on as for an existing schema.
        if (errorName(error) !== 'AlreadyExistsException') throw awsError('CreateSchema', error, `${registry}/${schemaName}`);
      }
    }

    if (existing && existing.compatibility !== compatibility) {
      try {
        // Glue wants a checkpoint version with a compatibility change; the latest keeps every version in scope.
        await client.send(
          new glue.UpdateSchemaCommand({
            SchemaId: schemaId,
            Compatibility: compatibility,
            SchemaVersionNumber: { VersionNumber: existing.latestVersion },
          }),
        );
      } catch (error) {
        throw awsError('UpdateSchema', error, `${registry}/${schemaName}`);
      }
    }

    const same = await this.findByDefinition(registry, schemaName, normalized);
    if (same) return { ...same, created: false };
    if (compatibility === 'DISABLED') throw versioningDisabled(schemaName);

    try {
      const out = await client.send(new glue.RegisterSchemaVersionCommand({ SchemaId: schemaId, SchemaDefinition: normalized }));
      const versionId = required(out.SchemaVersionId, 'RegisterSchemaVersion', 'SchemaVersionId');
      const version = required(out.VersionNumber, 'RegisterSchemaVersion', 'VersionNumber');
      await this.waitUntilAvailable(versionId, schemaName, out.Status);
      return { version, versionId, created: true };
    } catch (error) {
      if (error instanceof MeshError) throw error;
      const message = error instanceof Error ? error.message : '';
      if (errorName(error) === 'DisabledCompatibilityVersioningException' || /DISABLED/.test(message)) {
        throw versioningDisabled(schemaName, error);
      }
      throw awsError('RegisterSchemaVersion', error, `${registry}/${schemaName}`);
    }
  }

  private async glue(): Promise<GlueClientLike> {
    if (!this.client) {
      const glue = await loadGlue();
      this.client = new glue.GlueClient(this.options.clientConfig ?? {});
    }
    return this.client;
  }

  private async getVersion(
    registry: string,
    schemaName: string,
    which: { LatestVersion: true } | { VersionNumber: number },
  ): Promise<SchemaVersionRecord | undefined> {
    const glue = await loadGlue();
    try {
      const out = await (await this.glue()).send(
        new glue.GetSchemaVersionCommand({
          SchemaId: { RegistryName: registry, SchemaName: schemaName },
          SchemaVersionNumber: which,
        }),
      );
      if (out.Status === 'FAILURE' || out.Status === 'DELETING') return undefined;
      return {
        version: required(out.VersionNumber, 'GetSchemaVersion', 'VersionNumber'),
        versionId: required(out.SchemaVersionId, 'GetSchemaVersion', 'SchemaVersionId'),
        definition: required(out.SchemaDefinition, 'GetSchemaVersion', 'SchemaDefinition'),
        ...(out.CreatedTime ? { createdAt: out.CreatedTime } : {}),
      };
    } catch (error) {
      if (errorName(error) === 'EntityNotFoundException') return undefined;
      throw awsError('GetSchemaVersion', error, `${registry}/${schemaName}`);
    }
  }

  private async findByDefinition(
    registry: string,
    schemaName: string,
    definition: string,
  ): Promise<{ version: number; versionId: string } | undefined> {
    const glue = await loadGlue();
    const client = await this.glue();
    let versionId: string | undefined;
    try {
      const out = await client.send(
        new glue.GetSchemaByDefinitionCommand({
          SchemaId: { RegistryName: registry, SchemaName: schemaName },
          SchemaDefinition: definition,
        }),
      );
      if (out.Status === 'FAILURE' || out.Status === 'DELETING') return undefined;
      versionId = out.SchemaVersionId;
    } catch (error) {
      if (errorName(error) === 'EntityNotFoundException') return undefined;
      throw awsError('GetSchemaByDefinition', error, `${registry}/${schemaName}`);
    }
    if (!versionId) return undefined;
    // GetSchemaByDefinition does not return the version number.
    const out = await client.send(new glue.GetSchemaVersionCommand({ SchemaVersionId: versionId })).catch((error: unknown) => {
      throw awsError('GetSchemaVersion', error, versionId ?? '');
    });
    return { version: required(out.VersionNumber, 'GetSchemaVersion', 'VersionNumber'), versionId };
  }

  /** Real Glue checks compatibility after RegisterSchemaVersion: PENDING, then AVAILABLE or FAILURE. */
  private async waitUntilAvailable(versionId: string, schemaName: string, status: string | undefined): Promise<void> {
    const glue = await loadGlue();
    const deadline = Date.now() + (this.options.waitTimeoutMs ?? 60_000);
    let current = status;
    while (current === 'PENDING') {
      if (Date.now() > deadline) {
        throw new MeshError('GlueSchemaVersionPending', `Glue schema ${schemaName} version ${versionId} is still PENDING.`, {
          hint: 'Check it later in the Glue console; run the command again to continue.',
        });
      }
      await new Promise((resolve) => setTimeout(resolve, this.options.pollIntervalMs ?? 1000));
      const out = await (await this.glue()).send(new glue.GetSchemaVersionCommand({ SchemaVersionId: versionId }));
      current = out.Status;
    }
    if (current === 'FAILURE') {
      throw new MeshError(
        'SchemaIncompatible',
        `AWS Glue refused the new version of schema ${schemaName} (status FAILURE): it breaks the schema's compatibility mode.`,
        { hint: 'Run `mesh plan` to see which fields break it.' },
      );
    }
  }
}

function versioningDisabled(schemaName: string, cause?: unknown): MeshError {
  return new MeshError(
    'SchemaVersioningDisabled',
    `Glue schema ${schemaName} has compatibility DISABLED: no new versions can be registered.`,
    { hint: 'Change the compatibility mode of the stream port, or register a new schema name.', cause },
  );
}

function errorName(error: unknown): string | undefined {
  return error instanceof Error ? error.name : undefined;
}

function required<T>(value: T | undefined, operation: string, field: string): T {
  if (value === undefined) {
    throw new MeshError('GlueSchemaUnexpected', `Glue ${operation} returned no ${field}.`);
  }
  return value;
}

const HINTS: Readonly<Record<string, string>> = {
  AccessDeniedException:
    'The credentials need glue:CreateRegistry, glue:GetSchema, glue:CreateSchema, glue:UpdateSchema, glue:RegisterSchemaVersion, glue:GetSchemaVersion and glue:GetSchemaByDefinition.',
  ResourceNumberLimitExceededException: 'The account reached a Glue Schema Registry quota; delete unused registries or schemas.',
  EntityNotFoundException: 'Create the registry first (publishing the product does it).',
};

function awsError(operation: string, error: unknown, subject: string): MeshError {
  if (error instanceof MeshError) return error;
  const name = errorName(error) ?? 'Error';
  const message = error instanceof Error ? error.message : String(error);
  return new MeshError('GlueSchemaRegistryFailed', `Glue ${operation} failed for ${subject}: ${name}: ${message}`, {
    ...(HINTS[name] ? { hint: HINTS[name] } : {}),
    cause: error,
    details: { operation, awsError: name },
  });
}
