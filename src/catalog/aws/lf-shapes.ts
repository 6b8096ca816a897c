/** Lake Formation and S3 shapes ↔ the catalog model: grant resources, permission entries, bucket policies. */
import type { BatchPermissionsRequestEntry, Permission, PrincipalResourcePermissions, Resource } from '@aws-sdk/client-lakeformation';
import { sameSpec } from '../../engine/planner.js';
import { sortedUnique } from '../names.js';
import type { BucketPolicyStatement, CatalogId, GrantResource, GrantSpec } from '../port.js';

export function toLfResource(r: GrantResource): Resource {
  switch (r.kind) {
    case 'database':
      return { Database: { CatalogId: r.catalog, Name: r.database } };
    case 'table':
      return { Table: { CatalogId: r.catalog, DatabaseName: r.database, Name: r.table } };
    case 'columns':
      return { TableWithColumns: { CatalogId: r.catalog, DatabaseName: r.database, Name: r.table, ColumnNames: [...r.columns] } };
    case 'location':
      return { DataLocation: { CatalogId: r.catalog, ResourceArn: r.resourceArn } };
  }
}

export function fromLfResource(r: Resource | undefined, catalog: CatalogId): GrantResource | undefined {
  if (!r) return undefined;
  // Lake Formation lists SELECT on a whole table as TableWithColumns with a bare ColumnWildcard.
  const twc = r.TableWithColumns;
  if (twc?.DatabaseName && twc.Name && twc.ColumnWildcard && !twc.ColumnWildcard.ExcludedColumnNames?.length && !twc.ColumnNames?.length) {
    return { kind: 'table', catalog: twc.CatalogId ?? catalog, database: twc.DatabaseName, table: twc.Name };
  }
  if (r.TableWithColumns?.DatabaseName && r.TableWithColumns.Name && r.TableWithColumns.ColumnNames) {
    const t = r.TableWithColumns;
    return {
      kind: 'columns',
      catalog: t.CatalogId ?? catalog,
      database: t.DatabaseName ?? '',
      table: t.Name ?? '',
      columns: sortedUnique(t.ColumnNames ?? []),
    };
  }
  if (r.Table?.DatabaseName && r.Table.Name)
    return { kind: 'table', catalog: r.Table.CatalogId ?? catalog, database: r.Table.DatabaseName, table: r.Table.Name };
  if (r.Database?.Name) return { kind: 'database', catalog: r.Database.CatalogId ?? catalog, database: r.Database.Name };
  if (r.DataLocation?.ResourceArn)
    return { kind: 'location', catalog: r.DataLocation.CatalogId ?? catalog, resourceArn: r.DataLocation.ResourceArn };
  return undefined;
}

/** True when a listed LF resource has the shape mesh grants for this model resource (a revoke may name it as listed). */
export function sameShape(raw: Resource | undefined, r: GrantResource): boolean {
  const key = Object.keys(toLfResource(r))[0];
  return raw !== undefined && key !== undefined && key in raw && !(r.kind === 'table' && raw.TableWithColumns);
}

/** A ListPermissions entry as a grant of the model (undefined for resource kinds mesh does not manage). */
export function grantSpecOf(catalog: CatalogId, p: PrincipalResourcePermissions): GrantSpec | undefined {
  const principal = p.Principal?.DataLakePrincipalIdentifier;
  const resource = fromLfResource(p.Resource, catalog);
  if (!principal || !resource) return undefined;
  return {
    kind: 'lf-grant',
    catalog,
    principal,
    resource,
    permissions: sortedUnique(p.Permissions ?? []),
    grantable: sortedUnique(p.PermissionsWithGrantOption ?? []),
  };
}

export interface PermissionEntry {
  readonly key: string;
  readonly entry: Omit<BatchPermissionsRequestEntry, 'Id'>;
}

/**
 * The LF entries that take a grant from `before` to `after`: what to revoke, then what to grant. `rawBefore` is the
 * resource exactly as Lake Formation listed it (a revoke must name the resource the way it was granted).
 */
export function grantEntries(
  key: string,
  before: GrantSpec | undefined,
  after: GrantSpec | undefined,
  rawBefore?: Resource,
): { revoke: PermissionEntry[]; grant: PermissionEntry[] } {
  const revoke: PermissionEntry[] = [];
  const grant: PermissionEntry[] = [];
  const principal = (g: GrantSpec) => ({ DataLakePrincipalIdentifier: g.principal });
  if (before) {
    const sameResource = after !== undefined && sameSpec(before.resource, after.resource);
    const perms = sameResource && after ? before.permissions.filter((p) => !after.permissions.includes(p)) : [...before.permissions];
    const grantable = sameResource && after ? before.grantable.filter((p) => !after.grantable.includes(p)) : [...before.grantable];
    if (perms.length > 0 || grantable.length > 0) {
      revoke.push({
        key,
        entry: {
          Principal: principal(before),
          Resource: rawBefore ?? toLfResource(before.resource),
          Permissions: perms as Permission[],
          ...(grantable.length > 0 ? { PermissionsWithGrantOption: grantable as Permission[] } : {}),
        },
      });
    }
  }
  if (after) {
    grant.push({
      key,
      entry: {
        Principal: principal(after),
        Resource: toLfResource(after.resource),
        Permissions: [...after.permissions] as Permission[],
        ...(after.grantable.length > 0 ? { PermissionsWithGrantOption: [...after.grantable] as Permission[] } : {}),
      },
    });
  }
  return { revoke, grant };
}

interface PolicyStatement {
  Sid?: string;
  Effect?: string;
  Principal?: string | { AWS?: string | string[] };
  Action?: string | string[];
  Resource?: string | string[];
  [key: string]: unknown;
}

interface PolicyDocument {
  Version?: string;
  Statement?: PolicyStatement[];
}

const list = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

export function parsePolicy(text: string | undefined): PolicyDocument {
  if (!text) return { Version: '2012-10-17', Statement: [] };
  const doc = JSON.parse(text) as PolicyDocument;
  return { ...doc, Statement: Array.isArray(doc.Statement) ? doc.Statement : doc.Statement ? [doc.Statement] : [] };
}

/** mesh's statement in a bucket policy, normalised; null when absent. */
export function meshStatementOf(doc: PolicyDocument, sid: string): BucketPolicyStatement | null {
  const s = doc.Statement?.find((x) => x.Sid === sid);
  if (!s) return null;
  const principal = typeof s.Principal === 'string' ? s.Principal : (list(s.Principal?.AWS)[0] ?? '');
  return { sid, principal, actions: sortedUnique(list(s.Action)), resources: sortedUnique(list(s.Resource)) };
}

/** The bucket policy with mesh's statement replaced (or added); every other statement kept as it was. */
export function mergePolicy(text: string | undefined, statement: BucketPolicyStatement): string {
  const doc = parsePolicy(text);
  const others = (doc.Statement ?? []).filter((s) => s.Sid !== statement.sid);
  const mine: PolicyStatement = {
    Sid: statement.sid,
    Effect: 'Allow',
    Principal: { AWS: statement.principal },
    Action: [...statement.actions],
    Resource: [...statement.resources],
  };
  return JSON.stringify({ Version: doc.Version ?? '2012-10-17', Statement: [...others, mine] });
}
