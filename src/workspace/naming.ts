/** Deterministic names derived from the mesh's naming rules. Same inputs → same names on every machine. */
import type { Domain, MeshConfig, Product } from './model.js';

export function fill(pattern: string, values: Record<string, string | number>): string {
  return pattern.replace(/\{(\w+)\}/g, (whole, key: string) => (key in values ? String(values[key]) : whole));
}

/** Glue identifiers: lowercase letters, digits, underscore. */
export function glueIdentifier(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9_]/g, '_');
}

export function topicName(mesh: MeshConfig, domain: string, entity: string, major: number): string {
  return fill(mesh.naming.topicPattern, { mesh: mesh.name, domain, entity, major });
}

export function centralDatabaseName(mesh: MeshConfig, domain: string): string {
  return glueIdentifier(fill(mesh.naming.databasePattern, { mesh: mesh.name, domain }));
}

export function linkDatabaseName(mesh: MeshConfig, domain: string): string {
  return glueIdentifier(fill(mesh.naming.linkDatabasePattern, { mesh: mesh.name, domain }));
}

export function consumerGroupId(mesh: MeshConfig, consumer: string, product: string): string {
  return fill(mesh.naming.consumerGroupPattern, { mesh: mesh.name, consumer, product });
}

export function roleArn(domain: Domain): string {
  return `arn:aws:iam::${domain.access.account}:role/${domain.roleName}`;
}

export function centralDataAccessRoleArn(mesh: MeshConfig): string {
  return `arn:aws:iam::${mesh.central.account}:role/${mesh.central.dataAccessRoleName}`;
}

/** Tags every managed AWS resource carries, so another machine can find it. */
export function managedTags(mesh: MeshConfig, domain: string, product?: Product): Record<string, string> {
  return {
    'mesh:managed-by': `mesh/${mesh.name}`,
    'mesh:domain': domain,
    ...(product ? { 'mesh:product': product.name } : {}),
  };
}
