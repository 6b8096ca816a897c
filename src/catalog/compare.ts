/**
 * How a desired catalog resource compares with what exists. Pure. A dropped or retyped column is breaking for
 * subscribers (needs `--allow-breaking`); LF-Tag values only grow; grants must match exactly.
 */
import { isMeshError, MeshError } from '../core/errors.js';
import type { Comparison, DesiredResource, ObservedResource, Plan } from '../engine/plan.js';
import { sameSpec } from '../engine/planner.js';
import type { CatalogColumn, CatalogResourceType, GrantSpec, TableSpec } from './port.js';

const UP_TO_DATE: Comparison = { action: 'noop', reason: 'up to date' };

function columnsOf(t: TableSpec): Map<string, CatalogColumn> {
  return new Map([...t.columns, ...t.partitionKeys].map((c) => [c.name, c]));
}

/** Differences between two versions of a table, split into breaking and other changes. */
export function tableDifferences(desired: TableSpec, observed: TableSpec): { breaking: string[]; other: string[] } {
  const breaking: string[] = [];
  const other: string[] = [];
  const want = columnsOf(desired);
  const have = columnsOf(observed);
  for (const [name, col] of have) {
    const next = want.get(name);
    if (!next) breaking.push(`column ${name} dropped`);
    else if (next.type.toLowerCase() !== col.type.toLowerCase()) breaking.push(`column ${name} retyped ${col.type} → ${next.type}`);
  }
  const added = [...want.keys()].filter((n) => !have.has(n));
  if (added.length > 0) other.push(`column${added.length > 1 ? 's' : ''} ${added.join(', ')} added`);
  const keys = (t: TableSpec) => t.partitionKeys.map((c) => c.name).join(',');
  if (keys(desired) !== keys(observed)) breaking.push(`partition keys (${keys(observed) || 'none'}) → (${keys(desired) || 'none'})`);
  if (desired.format !== observed.format) breaking.push(`format ${observed.format} → ${desired.format}`);
  else if (desired.serde !== observed.serde) other.push(`SerDe ${observed.serde} → ${desired.serde}`);
  if (desired.location !== observed.location) other.push(`location ${observed.location} → ${desired.location}`);
  const order = (t: TableSpec) => t.columns.map((c) => c.name).join(',');
  if (added.length === 0 && breaking.length === 0 && order(desired) !== order(observed)) other.push('column order');
  const comments = [...want.values()]
    .filter((c) => have.has(c.name) && (have.get(c.name)?.comment ?? '') !== (c.comment ?? ''))
    .map((c) => c.name);
  if (comments.length > 0) other.push(`description of ${comments.join(', ')}`);
  if (desired.description !== observed.description) other.push('description');
  if (desired.owner !== observed.owner) other.push(`owner ${observed.owner} → ${desired.owner}`);
  const params = new Set([...Object.keys(desired.parameters), ...Object.keys(observed.parameters)]);
  const changed = [...params].filter((k) => desired.parameters[k] !== observed.parameters[k] && k !== 'mesh:lf-tags').sort();
  if (changed.length > 0) other.push(`parameters ${changed.join(', ')}`);
  if (!sameSpec(desired.lfTags, observed.lfTags)) other.push('LF-Tags');
  return { breaking, other };
}

function permissionDiff(d: GrantSpec, o: GrantSpec): string {
  const plus = d.permissions.filter((p) => !o.permissions.includes(p));
  const minus = o.permissions.filter((p) => !d.permissions.includes(p));
  const gPlus = d.grantable.filter((p) => !o.grantable.includes(p));
  const gMinus = o.grantable.filter((p) => !d.grantable.includes(p));
  const parts = [
    ...plus.map((p) => `+${p}`),
    ...minus.map((p) => `-${p}`),
    ...gPlus.map((p) => `+${p} (grantable)`),
    ...gMinus.map((p) => `-${p} (grantable)`),
  ];
  if (d.resource.kind === 'columns' && o.resource.kind === 'columns' && d.resource.columns.join(',') !== o.resource.columns.join(',')) {
    parts.push(`columns (${o.resource.columns.join(',')}) → (${d.resource.columns.join(',')})`);
  }
  return parts.join(' ');
}

export function compareCatalog(desired: DesiredResource<CatalogResourceType>, observed: ObservedResource<CatalogResourceType>): Comparison {
  const d = desired.spec;
  const o = observed.spec;
  if (d.kind === 'glue-table' && o.kind === 'glue-table') {
    const { breaking, other } = tableDifferences(d, o);
    if (breaking.length === 0 && other.length === 0) return UP_TO_DATE;
    return { action: 'update', reason: [...breaking, ...other].join('; '), ...(breaking.length > 0 ? { breaking: true } : {}) };
  }
  if (d.kind === 'lf-tag' && o.kind === 'lf-tag') {
    const missing = d.values.filter((v) => !o.values.includes(v));
    return missing.length === 0 ? UP_TO_DATE : { action: 'update', reason: `values to add: ${missing.join(', ')}` };
  }
  if (d.kind === 'lf-grant' && o.kind === 'lf-grant') {
    return sameSpec(d, o) ? UP_TO_DATE : { action: 'update', reason: `permissions differ: ${permissionDiff(d, o)}` };
  }
  if (d.kind === 'glue-database' && o.kind === 'glue-database') {
    if (sameSpec(d, o)) return UP_TO_DATE;
    if (o.parameters['mesh:managed-by'] === undefined)
      return { action: 'update', reason: 'exists but is not managed by mesh yet (mesh adopts it)' };
    return { action: 'update', reason: 'description or parameters differ' };
  }
  if (d.kind === 'lf-location' && o.kind === 'lf-location') {
    return d.roleArn === o.roleArn
      ? UP_TO_DATE
      : { action: 'update', reason: `registered with ${o.roleArn || 'the service-linked role'}; mesh uses ${d.roleArn}` };
  }
  if (d.kind === 'bucket-policy' && o.kind === 'bucket-policy') {
    if (sameSpec(d.statement, o.statement)) return UP_TO_DATE;
    return { action: 'update', reason: o.statement ? "mesh's statement differs (product prefixes)" : "the policy lacks mesh's statement" };
  }
  if (
    (d.kind === 'resource-link' && o.kind === 'resource-link') ||
    (d.kind === 'resource-link-database' && o.kind === 'resource-link-database')
  ) {
    return sameSpec(d, o) ? UP_TO_DATE : { action: 'update', reason: 'points at another target' };
  }
  return sameSpec(d, o) ? UP_TO_DATE : { action: 'update', reason: 'differs from the files' };
}

/**
 * A sample file that no longer matches a contract whose table change is breaking: one message that says both, with
 * `--allow-breaking` as the way forward once the file matches. Any other error is returned as it was.
 */
export function breakingWithSample(error: unknown, plan: Plan, tableKey: (product: string) => string | undefined): unknown {
  if (!isMeshError(error) || error.code !== 'SampleDataMismatch') return error;
  const details = error.details as { product?: string; problems?: string[] } | undefined;
  const product = details?.product ?? '';
  const key = tableKey(product);
  const change = plan.changes.find((c) => c.key === key && c.breaking);
  if (!change) return error;
  return new MeshError(
    'BreakingChange',
    `Breaking change to ${product}: ${change.reason} (needs --allow-breaking), and the sample data no longer matches the new contract: ${(details?.problems ?? []).join('; ')}.`,
    {
      hint: `Update the sample file to the new contract, then: mesh publish-product ${product} --allow-breaking`,
      location: error.location,
      details: { product, breaking: change.reason, sampleData: details?.problems ?? [] },
      cause: error,
    },
  );
}
