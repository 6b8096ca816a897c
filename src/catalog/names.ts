/**
 * Deterministic identities for catalog resources: catalog ids, principals, keys and labels. The same workspace gives
 * the same keys on every machine, which is what lets observation find what a teammate created.
 */
import path from 'node:path';
import { keyOf, type ResourceRef, type ResourceSpecs } from '../engine/plan.js';
import type { AccountAccess, Domain, Product, Target, Workspace } from '../workspace/model.js';
import { centralDataAccessRoleArn, centralDatabaseName, glueIdentifier, linkDatabaseName, roleArn } from '../workspace/naming.js';
import type { CatalogId, CatalogResourceType, CatalogSpec, GrantResource, GrantSpec } from './port.js';

export const LOCAL_CENTRAL: CatalogId = '@central';
export const LF_TAG_KEYS = ['domain', 'product', 'classification'] as const;

/** How catalogs and principals are named on a target. */
export interface CatalogNaming {
  readonly target: Target;
  readonly managedBy: string;
  readonly central: CatalogId;
  readonly dataAccessRole: string;
  /** The Sid of mesh's statement in producers' bucket policies. */
  readonly bucketPolicySid: string;
  catalogOf(domain: Domain): CatalogId;
  principalOf(domain: Domain): string;
  /** The workspace domain a principal belongs to, if any. */
  domainOfPrincipal(principal: string): Domain | undefined;
  /** aws: credentials/region for a catalog (account). */
  accessOf(catalog: CatalogId): AccountAccess | undefined;
  centralDatabase(domain: string): string;
  linkDatabase(domain: string): string;
}

export function catalogNaming(ws: Workspace, target: Target): CatalogNaming {
  const mesh = ws.mesh;
  const local = target === 'local';
  const principalOf = (d: Domain) => (local ? `domain:${d.name}` : roleArn(d));
  const byPrincipal = new Map(ws.domains.map((d) => [principalOf(d), d]));
  const access = new Map<string, AccountAccess>();
  if (!local) {
    access.set(mesh.central.account, mesh.central);
    for (const d of ws.domains) if (!access.has(d.access.account)) access.set(d.access.account, d.access);
  }
  return {
    target,
    managedBy: `mesh/${mesh.name}`,
    central: local ? LOCAL_CENTRAL : mesh.central.account,
    dataAccessRole: local ? `local:${mesh.central.dataAccessRoleName}` : centralDataAccessRoleArn(mesh),
    bucketPolicySid: `MeshLfDataAccess${mesh.name.replace(/[^A-Za-z0-9]/g, '')}`,
    catalogOf: (d) => (local ? d.name : d.access.account),
    principalOf,
    domainOfPrincipal: (p) => byPrincipal.get(p),
    accessOf: (c) => access.get(c),
    centralDatabase: (domain) => centralDatabaseName(mesh, domain),
    linkDatabase: (domain) => linkDatabaseName(mesh, domain),
  };
}

/** The product's table name in the catalog (Glue identifier rules). */
export function tableNameOf(product: Product): string {
  return glueIdentifier(product.table?.tableName ?? product.name);
}

/** The SQL name a product answers to in `mesh query`: its name with dashes as underscores. */
export function sqlNameOf(productName: string): string {
  return productName.toLowerCase().replace(/[^a-z0-9_]/g, '_');
}

export function withTrailingSlash(location: string): string {
  return location.endsWith('/') ? location : `${location}/`;
}

export interface S3Location {
  readonly bucket: string;
  readonly key: string;
}

export function parseS3(location: string): S3Location | undefined {
  const m = /^s3a?:\/\/([^/]+)\/?(.*)$/.exec(location);
  return m?.[1] !== undefined ? { bucket: m[1], key: m[2] ?? '' } : undefined;
}

/** The location Lake Formation registers for a table location: its bucket (each bucket registered once). */
export function registeredLocationOf(location: string): string {
  const s3 = parseS3(location);
  if (s3) return `arn:aws:s3:::${s3.bucket}`;
  return `local:${path.resolve(location)}`;
}

export function resourceKeyOf(r: GrantResource): string {
  switch (r.kind) {
    case 'database':
      return `db:${r.database}`;
    case 'table':
      return `table:${r.database}.${r.table}`;
    case 'columns':
      return `columns:${r.database}.${r.table}`;
    case 'location':
      return `location:${r.resourceArn}`;
  }
}

/** The `<type>:<id>` identity of a catalog resource, from its spec. */
export function idOf(spec: CatalogSpec): string {
  switch (spec.kind) {
    case 'glue-database':
    case 'resource-link-database':
      return `${spec.catalog}/${spec.name}`;
    case 'glue-table':
    case 'resource-link':
      return `${spec.catalog}/${spec.database}/${spec.name}`;
    case 'lf-location':
      return `${spec.catalog}/${spec.resourceArn}`;
    case 'lf-tag':
      return `${spec.catalog}/${spec.key}`;
    case 'lf-grant':
      return `${spec.catalog}/${spec.principal}/${resourceKeyOf(spec.resource)}`;
    case 'bucket-policy':
      return `${spec.account}/${spec.bucket}`;
  }
}

export function catalogKey(spec: CatalogSpec): string {
  return keyOf({ type: spec.kind, id: idOf(spec) });
}

function resourceLabel(r: GrantResource): string {
  switch (r.kind) {
    case 'database':
      return `database ${r.database}`;
    case 'table':
      return `${r.database}.${r.table}`;
    case 'columns':
      return `${r.database}.${r.table}(${r.columns.join(',')})`;
    case 'location':
      return r.resourceArn;
  }
}

/** A short label for the plan table. */
export function labelOf(spec: CatalogSpec, naming: CatalogNaming): string {
  const where = (c: CatalogId) => (c === naming.central ? 'central' : c);
  switch (spec.kind) {
    case 'glue-database':
      return `${spec.name} @${where(spec.catalog)}`;
    case 'resource-link-database':
      return `${spec.name} → ${spec.target.database} @${where(spec.catalog)}`;
    case 'glue-table':
      return `${spec.database}.${spec.name} @${where(spec.catalog)}`;
    case 'resource-link':
      return `${spec.database}.${spec.name} → ${spec.target.database}.${spec.target.table} @${where(spec.catalog)}`;
    case 'lf-location':
      return `${spec.resourceArn} @${where(spec.catalog)}`;
    case 'lf-tag':
      return `${spec.key} @${where(spec.catalog)}`;
    case 'lf-grant':
      return `${spec.permissions.join(',') || '-'} on ${resourceLabel(spec.resource)} → ${principalLabel(spec, naming)}`;
    case 'bucket-policy':
      return `s3://${spec.bucket} policy @${spec.account}`;
  }
}

export function principalLabel(spec: Pick<GrantSpec, 'principal'>, naming: CatalogNaming): string {
  return naming.domainOfPrincipal(spec.principal)?.name ?? spec.principal;
}

/** The catalog ref of a spec: its kind is its resource type. */
export function refOf(spec: CatalogSpec, naming: CatalogNaming): ResourceRef<CatalogResourceType> {
  return catalogResource(spec, naming).ref;
}

/** A catalog resource as the planner takes it (desired or observed): the ref's type is the spec's kind. */
export type CatalogResource = {
  [K in CatalogResourceType]: { readonly ref: ResourceRef<K>; readonly spec: ResourceSpecs[K] };
}[CatalogResourceType];

export function catalogResource(spec: CatalogSpec, naming: CatalogNaming): CatalogResource {
  const account = spec.kind === 'bucket-policy' ? spec.account : spec.catalog;
  const base = { plane: 'catalog' as const, id: idOf(spec), label: labelOf(spec, naming), ...(naming.target === 'aws' ? { account } : {}) };
  switch (spec.kind) {
    case 'glue-database':
      return { ref: { ...base, type: spec.kind }, spec };
    case 'resource-link-database':
      return { ref: { ...base, type: spec.kind }, spec };
    case 'glue-table':
      return { ref: { ...base, type: spec.kind }, spec };
    case 'resource-link':
      return { ref: { ...base, type: spec.kind }, spec };
    case 'lf-location':
      return { ref: { ...base, type: spec.kind }, spec };
    case 'lf-tag':
      return { ref: { ...base, type: spec.kind }, spec };
    case 'lf-grant':
      return { ref: { ...base, type: spec.kind }, spec };
    case 'bucket-policy':
      return { ref: { ...base, type: spec.kind }, spec };
  }
}

export function sortedUnique(values: Iterable<string>): string[] {
  return [...new Set(values)].sort();
}
