/**
 * The embedded catalog of the local target: one SQLite file (`<localDir>/catalog.db`) with databases, tables
 * (columns, location, format, parameters), resource links, grants (principal, resource, permissions, columns),
 * registered locations and LF-Tags. The same model as the aws catalog, so plans read the same on both targets.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { resourceKeyOf } from '../names.js';
import type {
  DatabaseLinkSpec,
  DatabaseSpec,
  GrantResource,
  GrantSpec,
  LfTagSpec,
  LocationSpec,
  TableLinkSpec,
  TableSpec,
} from '../port.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS databases (
  catalog TEXT NOT NULL, name TEXT NOT NULL, description TEXT, parameters TEXT NOT NULL DEFAULT '{}',
  target_catalog TEXT, target_database TEXT, PRIMARY KEY (catalog, name));
CREATE TABLE IF NOT EXISTS tables (
  catalog TEXT NOT NULL, database TEXT NOT NULL, name TEXT NOT NULL, description TEXT NOT NULL, owner TEXT NOT NULL,
  format TEXT NOT NULL, serde TEXT NOT NULL, location TEXT NOT NULL, columns TEXT NOT NULL, partition_keys TEXT NOT NULL,
  parameters TEXT NOT NULL, lf_tags TEXT NOT NULL, PRIMARY KEY (catalog, database, name));
CREATE TABLE IF NOT EXISTS resource_links (
  catalog TEXT NOT NULL, database TEXT NOT NULL, name TEXT NOT NULL,
  target_catalog TEXT NOT NULL, target_database TEXT NOT NULL, target_table TEXT NOT NULL, PRIMARY KEY (catalog, database, name));
CREATE TABLE IF NOT EXISTS grants (
  catalog TEXT NOT NULL, principal TEXT NOT NULL, resource_key TEXT NOT NULL, resource_kind TEXT NOT NULL,
  database TEXT, table_name TEXT, columns TEXT, location TEXT, permissions TEXT NOT NULL, grantable TEXT NOT NULL,
  PRIMARY KEY (catalog, principal, resource_key));
CREATE TABLE IF NOT EXISTS locations (catalog TEXT NOT NULL, resource_arn TEXT NOT NULL, role_arn TEXT NOT NULL, PRIMARY KEY (catalog, resource_arn));
CREATE TABLE IF NOT EXISTS lf_tags (catalog TEXT NOT NULL, tag_key TEXT NOT NULL, tag_values TEXT NOT NULL, PRIMARY KEY (catalog, tag_key));
`;

type Row = Record<string, string | null>;
const json = <T>(text: string | null | undefined, fallback: T): T => (text ? (JSON.parse(text) as T) : fallback);

const databaseOf = (r: Row): DatabaseSpec | DatabaseLinkSpec =>
  r.target_catalog && r.target_database
    ? {
        kind: 'resource-link-database',
        catalog: r.catalog ?? '',
        name: r.name ?? '',
        target: { catalog: r.target_catalog, database: r.target_database },
      }
    : {
        kind: 'glue-database',
        catalog: r.catalog ?? '',
        name: r.name ?? '',
        ...(r.description ? { description: r.description } : {}),
        parameters: json(r.parameters, {}),
      };

const tableOf = (r: Row): TableSpec => ({
  kind: 'glue-table',
  catalog: r.catalog ?? '',
  database: r.database ?? '',
  name: r.name ?? '',
  description: r.description ?? '',
  owner: r.owner ?? '',
  format: (r.format ?? 'csv') as TableSpec['format'],
  serde: r.serde ?? '',
  location: r.location ?? '',
  columns: json(r.columns, []),
  partitionKeys: json(r.partition_keys, []),
  parameters: json(r.parameters, {}),
  lfTags: json(r.lf_tags, {}),
});

const linkOf = (r: Row): TableLinkSpec => ({
  kind: 'resource-link',
  catalog: r.catalog ?? '',
  database: r.database ?? '',
  name: r.name ?? '',
  target: { catalog: r.target_catalog ?? '', database: r.target_database ?? '', table: r.target_table ?? '' },
});

const locationOf = (r: Row): LocationSpec => ({
  kind: 'lf-location',
  catalog: r.catalog ?? '',
  resourceArn: r.resource_arn ?? '',
  roleArn: r.role_arn ?? '',
});

export class CatalogStore {
  private constructor(private readonly db: BetterSqlite3.Database) {}

  static async open(localDir: string, options: { readonly?: boolean } = {}): Promise<CatalogStore> {
    const { default: Database } = await import('better-sqlite3');
    const file = path.join(localDir, 'catalog.db');
    if (!options.readonly) mkdirSync(localDir, { recursive: true });
    const db = new Database(file, options.readonly ? { readonly: true, fileMustExist: true } : {});
    if (!options.readonly) {
      db.pragma('journal_mode = WAL');
      db.exec(SCHEMA);
    }
    db.pragma('busy_timeout = 5000');
    return new CatalogStore(db);
  }

  static file(localDir: string): string {
    return path.join(localDir, 'catalog.db');
  }

  transaction(fn: () => void): void {
    this.db.transaction(fn)();
  }

  close(): void {
    this.db.close();
  }

  databases(): (DatabaseSpec | DatabaseLinkSpec)[] {
    return (this.db.prepare('SELECT * FROM databases ORDER BY catalog, name').all() as Row[]).map(databaseOf);
  }

  /** What is stored under the identity of `spec` (one keyed read), to compare a create with. */
  find(spec: DatabaseSpec | DatabaseLinkSpec | TableSpec | TableLinkSpec | LocationSpec) {
    const one = (sql: string, ...key: string[]) => this.db.prepare(sql).get(...key) as Row | undefined;
    switch (spec.kind) {
      case 'glue-database':
      case 'resource-link-database': {
        const r = one('SELECT * FROM databases WHERE catalog = ? AND name = ?', spec.catalog, spec.name);
        return r && databaseOf(r);
      }
      case 'glue-table': {
        const r = one('SELECT * FROM tables WHERE catalog = ? AND database = ? AND name = ?', spec.catalog, spec.database, spec.name);
        return r && tableOf(r);
      }
      case 'resource-link': {
        const r = one(
          'SELECT * FROM resource_links WHERE catalog = ? AND database = ? AND name = ?',
          spec.catalog,
          spec.database,
          spec.name,
        );
        return r && linkOf(r);
      }
      case 'lf-location': {
        const r = one('SELECT * FROM locations WHERE catalog = ? AND resource_arn = ?', spec.catalog, spec.resourceArn);
        return r && locationOf(r);
      }
    }
  }

  putDatabase(spec: DatabaseSpec | DatabaseLinkSpec): void {
    const link = spec.kind === 'resource-link-database' ? spec.target : undefined;
    this.db
      .prepare(
        'INSERT OR REPLACE INTO databases (catalog, name, description, parameters, target_catalog, target_database) VALUES (?, ?, ?, ?, ?, ?)',
      )
      .run(
        spec.catalog,
        spec.name,
        spec.kind === 'glue-database' ? (spec.description ?? null) : null,
        JSON.stringify(spec.kind === 'glue-database' ? spec.parameters : {}),
        link?.catalog ?? null,
        link?.database ?? null,
      );
  }

  deleteDatabase(catalog: string, name: string): void {
    this.db.prepare('DELETE FROM databases WHERE catalog = ? AND name = ?').run(catalog, name);
  }

  tables(): TableSpec[] {
    return (this.db.prepare('SELECT * FROM tables ORDER BY catalog, database, name').all() as Row[]).map(tableOf);
  }

  putTable(t: TableSpec): void {
    this.db
      .prepare(
        'INSERT OR REPLACE INTO tables (catalog, database, name, description, owner, format, serde, location, columns, partition_keys, parameters, lf_tags) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      )
      .run(
        t.catalog,
        t.database,
        t.name,
        t.description,
        t.owner,
        t.format,
        t.serde,
        t.location,
        JSON.stringify(t.columns),
        JSON.stringify(t.partitionKeys),
        JSON.stringify(t.parameters),
        JSON.stringify(t.lfTags),
      );
  }

  deleteTable(catalog: string, database: string, name: string): void {
    this.db.prepare('DELETE FROM tables WHERE catalog = ? AND database = ? AND name = ?').run(catalog, database, name);
  }

  links(): TableLinkSpec[] {
    return (this.db.prepare('SELECT * FROM resource_links ORDER BY catalog, database, name').all() as Row[]).map(linkOf);
  }

  putLink(l: TableLinkSpec): void {
    this.db
      .prepare(
        'INSERT OR REPLACE INTO resource_links (catalog, database, name, target_catalog, target_database, target_table) VALUES (?, ?, ?, ?, ?, ?)',
      )
      .run(l.catalog, l.database, l.name, l.target.catalog, l.target.database, l.target.table);
  }

  deleteLink(catalog: string, database: string, name: string): void {
    this.db.prepare('DELETE FROM resource_links WHERE catalog = ? AND database = ? AND name = ?').run(catalog, database, name);
  }

  grants(): GrantSpec[] {
    return (this.db.prepare('SELECT * FROM grants ORDER BY catalog, principal, resource_key').all() as Row[]).map((r) => {
      const catalog = r.catalog ?? '';
      const kind = r.resource_kind;
      const resource: GrantResource =
        kind === 'database'
          ? { kind, catalog, database: r.database ?? '' }
          : kind === 'table'
            ? { kind, catalog, database: r.database ?? '', table: r.table_name ?? '' }
            : kind === 'columns'
              ? { kind, catalog, database: r.database ?? '', table: r.table_name ?? '', columns: json(r.columns, []) }
              : { kind: 'location', catalog, resourceArn: r.location ?? '' };
      return {
        kind: 'lf-grant',
        catalog,
        principal: r.principal ?? '',
        resource,
        permissions: json(r.permissions, []),
        grantable: json(r.grantable, []),
      };
    });
  }

  putGrant(g: GrantSpec): void {
    const r = g.resource;
    this.db
      .prepare(
        'INSERT OR REPLACE INTO grants (catalog, principal, resource_key, resource_kind, database, table_name, columns, location, permissions, grantable) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      )
      .run(
        g.catalog,
        g.principal,
        resourceKeyOf(r),
        r.kind,
        r.kind === 'location' ? null : r.database,
        r.kind === 'table' || r.kind === 'columns' ? r.table : null,
        r.kind === 'columns' ? JSON.stringify(r.columns) : null,
        r.kind === 'location' ? r.resourceArn : null,
        JSON.stringify(g.permissions),
        JSON.stringify(g.grantable),
      );
  }

  deleteGrant(g: Pick<GrantSpec, 'catalog' | 'principal' | 'resource'>): void {
    this.db
      .prepare('DELETE FROM grants WHERE catalog = ? AND principal = ? AND resource_key = ?')
      .run(g.catalog, g.principal, resourceKeyOf(g.resource));
  }

  locations(): LocationSpec[] {
    return (this.db.prepare('SELECT * FROM locations ORDER BY catalog, resource_arn').all() as Row[]).map(locationOf);
  }

  putLocation(l: LocationSpec): void {
    this.db
      .prepare('INSERT OR REPLACE INTO locations (catalog, resource_arn, role_arn) VALUES (?, ?, ?)')
      .run(l.catalog, l.resourceArn, l.roleArn);
  }

  deleteLocation(catalog: string, resourceArn: string): void {
    this.db.prepare('DELETE FROM locations WHERE catalog = ? AND resource_arn = ?').run(catalog, resourceArn);
  }

  tags(): LfTagSpec[] {
    return (this.db.prepare('SELECT * FROM lf_tags ORDER BY catalog, tag_key').all() as Row[]).map((r) => ({
      kind: 'lf-tag',
      catalog: r.catalog ?? '',
      key: r.tag_key ?? '',
      values: json(r.tag_values, []),
    }));
  }

  putTag(t: LfTagSpec): void {
    this.db
      .prepare('INSERT OR REPLACE INTO lf_tags (catalog, tag_key, tag_values) VALUES (?, ?, ?)')
      .run(t.catalog, t.key, JSON.stringify(t.values));
  }
}
