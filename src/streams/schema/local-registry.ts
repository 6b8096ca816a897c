/**
 * The embedded schema registry of the local target: one SQLite file (`<dir>/schemas.db`), same behaviour as the
 * Glue Schema Registry where it matters: registries hold schemas, schemas hold numbered versions with UUID ids,
 * re-registering an identical definition returns the existing version, DISABLED refuses new versions, and a new
 * version that breaks the schema's compatibility mode is refused (as real Glue marks it FAILURE).
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { MeshError } from '../../core/errors.js';
import { normalizeDefinition, parseAvroSchema } from './avro-schema.js';
import { checkCompatibility } from './compatibility.js';
import { type CompatibilityMode, isCompatibilityMode } from './compatibility-mode.js';
import {
  incompatibleSchemaError,
  type RegisterResult,
  type SchemaDescription,
  type SchemaRegistry,
  type SchemaVersionRecord,
} from './registry.js';

export const LOCAL_SCHEMA_DB_FILE = 'schemas.db';

const DDL = `
CREATE TABLE IF NOT EXISTS registries (
  name TEXT PRIMARY KEY,
  created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS schemas (
  registry TEXT NOT NULL REFERENCES registries(name),
  name TEXT NOT NULL,
  data_format TEXT NOT NULL,
  compatibility TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (registry, name)
);
CREATE TABLE IF NOT EXISTS schema_versions (
  registry TEXT NOT NULL,
  schema_name TEXT NOT NULL,
  version INTEGER NOT NULL,
  version_id TEXT NOT NULL UNIQUE,
  definition TEXT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (registry, schema_name, version),
  FOREIGN KEY (registry, schema_name) REFERENCES schemas(registry, name)
);
`;

interface VersionRow {
  version: number;
  version_id: string;
  definition: string;
  created_at: string;
}

interface SchemaRow {
  compatibility: string;
  latest: number | null;
}

export class LocalSchemaRegistry implements SchemaRegistry {
  readonly target = 'local' as const;

  private constructor(
    private readonly db: BetterSqlite3.Database,
    /** The SQLite file. */
    readonly file: string,
  ) {}

  /** Opens (creating when needed) `<dir>/schemas.db`. better-sqlite3 is loaded here, not at import time. */
  static async open(dir: string): Promise<LocalSchemaRegistry> {
    const { default: Database } = await import('better-sqlite3');
    const file = path.join(dir, LOCAL_SCHEMA_DB_FILE);
    let db: BetterSqlite3.Database;
    try {
      fs.mkdirSync(dir, { recursive: true });
      db = new Database(file);
      db.pragma('journal_mode = WAL');
      db.pragma('busy_timeout = 5000');
      db.pragma('foreign_keys = ON');
      db.exec(DDL);
    } catch (error) {
      throw new MeshError('LocalStoreUnavailable', `Cannot open the local schema registry ${file}: ${(error as Error).message}`, {
        hint: 'Check the folder is writable; delete the file to start over (local schemas are then lost).',
        cause: error,
      });
    }
    return new LocalSchemaRegistry(db, file);
  }

  close(): void {
    this.db.close();
  }

  async ensureRegistry(name: string): Promise<{ created: boolean }> {
    const result = this.db
      .prepare('INSERT INTO registries (name, created_at) VALUES (?, ?) ON CONFLICT (name) DO NOTHING')
      .run(name, now());
    return { created: result.changes === 1 };
  }

  async describeSchema(registry: string, schemaName: string): Promise<SchemaDescription | undefined> {
    const row = this.schemaRow(registry, schemaName);
    if (!row) return undefined;
    return {
      compatibility: storedMode(row.compatibility),
      latestVersion: row.latest ?? 0,
      schemaArn: `local:${registry}/${schemaName}`,
    };
  }

  async getLatest(registry: string, schemaName: string): Promise<SchemaVersionRecord | undefined> {
    const row = this.db
      .prepare<[string, string], VersionRow>(
        `SELECT version, version_id, definition, created_at FROM schema_versions
         WHERE registry = ? AND schema_name = ? ORDER BY version DESC LIMIT 1`,
      )
      .get(registry, schemaName);
    return row ? toRecord(row) : undefined;
  }

  async getVersionById(versionId: string): Promise<(SchemaVersionRecord & { schemaName: string }) | undefined> {
    const row = this.db
      .prepare<[string], VersionRow & { schema_name: string }>(
        'SELECT schema_name, version, version_id, definition, created_at FROM schema_versions WHERE version_id = ?',
      )
      .get(versionId);
    return row ? { ...toRecord(row), schemaName: row.schema_name } : undefined;
  }

  async listVersions(registry: string, schemaName: string): Promise<SchemaVersionRecord[]> {
    return this.versionRows(registry, schemaName).map(toRecord);
  }

  async register(registry: string, schemaName: string, definition: string, compatibility: CompatibilityMode): Promise<RegisterResult> {
    parseAvroSchema(definition, { logicalTypes: false, label: `schema ${schemaName}` });
    const normalized = normalizeDefinition(definition);
    const registerInTransaction = this.db.transaction((): RegisterResult => {
      const registryExists = this.db.prepare('SELECT 1 FROM registries WHERE name = ?').get(registry);
      if (!registryExists) {
        throw new MeshError('SchemaRegistryNotFound', `The local schema registry "${registry}" does not exist.`, {
          hint: 'Create it first (ensureRegistry), e.g. by publishing the product again.',
        });
      }
      const schema = this.schemaRow(registry, schemaName);
      if (!schema) {
        this.db
          .prepare(
            `INSERT INTO schemas (registry, name, data_format, compatibility, created_at, updated_at)
             VALUES (?, ?, 'AVRO', ?, ?, ?)`,
          )
          .run(registry, schemaName, compatibility, now(), now());
        return { ...this.insertVersion(registry, schemaName, 1, normalized), created: true };
      }
      if (schema.compatibility !== compatibility) {
        this.db
          .prepare('UPDATE schemas SET compatibility = ?, updated_at = ? WHERE registry = ? AND name = ?')
          .run(compatibility, now(), registry, schemaName);
      }
      const versions = this.versionRows(registry, schemaName);
      const same = versions.find((row) => row.definition === normalized);
      if (same) return { version: same.version, versionId: same.version_id, created: false };
      if (compatibility === 'DISABLED') {
        throw new MeshError(
          'SchemaVersioningDisabled',
          `Schema ${schemaName} has compatibility DISABLED: no new versions can be registered.`,
          { hint: 'Change the compatibility mode of the stream port, or register a new schema name.' },
        );
      }
      const check = checkCompatibility({
        mode: compatibility,
        newSchema: normalized,
        previous: versions.map(toRecord),
      });
      if (!check.compatible) throw incompatibleSchemaError({ schemaName, compatibility, problems: check.problems });
      const next = (versions.at(-1)?.version ?? 0) + 1;
      return { ...this.insertVersion(registry, schemaName, next, normalized), created: true };
    });
    return registerInTransaction.immediate();
  }

  private schemaRow(registry: string, schemaName: string): SchemaRow | undefined {
    return this.db
      .prepare<[string, string], SchemaRow>(
        `SELECT s.compatibility AS compatibility,
                (SELECT MAX(version) FROM schema_versions v WHERE v.registry = s.registry AND v.schema_name = s.name) AS latest
         FROM schemas s WHERE s.registry = ? AND s.name = ?`,
      )
      .get(registry, schemaName);
  }

  private versionRows(registry: string, schemaName: string): VersionRow[] {
    return this.db
      .prepare<[string, string], VersionRow>(
        `SELECT version, version_id, definition, created_at FROM schema_versions
         WHERE registry = ? AND schema_name = ? ORDER BY version`,
      )
      .all(registry, schemaName);
  }

  private insertVersion(registry: string, schemaName: string, version: number, definition: string): { version: number; versionId: string } {
    const versionId = randomUUID();
    this.db
      .prepare(
        `INSERT INTO schema_versions (registry, schema_name, version, version_id, definition, created_at)
         VALUES (?, ?, ?, ?, ?, ?)`,
      )
      .run(registry, schemaName, version, versionId, definition, now());
    return { version, versionId };
  }
}

function toRecord(row: VersionRow): SchemaVersionRecord {
  return { version: row.version, versionId: row.version_id, definition: row.definition, createdAt: row.created_at };
}

function storedMode(value: string): CompatibilityMode {
  if (isCompatibilityMode(value)) return value;
  throw new MeshError('LocalStoreCorrupt', `The local schema registry holds an unknown compatibility mode "${value}".`);
}

function now(): string {
  return new Date().toISOString();
}
