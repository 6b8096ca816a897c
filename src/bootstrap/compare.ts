/** Desired vs observed for bootstrap resources: pure. Settings and LF-Tags only ever gain (what else is there is kept). */
import type { Comparison, DesiredResource, ObservedResource } from '../engine/plan.js';
import { stableStringify } from '../engine/planner.js';
import { compareBucket } from './buckets.js';
import { MIN_CROSS_ACCOUNT_VERSION } from './desired.js';
import type { BootstrapSpec, PolicyDocument } from './port.js';
import type { BootstrapResourceType } from './resources.js';

const UP_TO_DATE: Comparison = { action: 'noop', reason: 'up to date' };

const asList = (v: unknown): unknown[] => (Array.isArray(v) ? [...v] : v === undefined ? [] : [v]);

/** IAM hands back `"x"` for `["x"]` and reorders nothing else: compare lists as sorted sets. */
export function normalizePolicy(doc: PolicyDocument | undefined): string {
  if (!doc) return 'none';
  const statements = doc.Statement.map((s) => {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(s)) {
      if (k === 'Principal' && v && typeof v === 'object') {
        out[k] = Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([pk, pv]) => [pk, asList(pv).map(String).sort()]));
      } else if (k === 'Action' || k === 'Resource') out[k] = asList(v).map(String).sort();
      else out[k] = v;
    }
    return out;
  });
  return stableStringify(statements);
}

/** Why an observed role differs from the desired one (empty: it does not). */
export function roleDifferences(d: BootstrapSpec & { kind: 'iam-role' }, o: BootstrapSpec & { kind: 'iam-role' }): string[] {
  const out: string[] = [];
  if (normalizePolicy(d.trust) !== normalizePolicy(o.trust)) out.push('trust policy');
  if (normalizePolicy(d.policy) !== normalizePolicy(o.policy)) out.push('permissions');
  if (Object.entries(d.tags).some(([k, v]) => o.tags[k] !== v)) out.push('tags');
  return out;
}

export function compareBootstrap(
  desired: DesiredResource<BootstrapResourceType>,
  observed: ObservedResource<BootstrapResourceType>,
): Comparison {
  const d = desired.spec;
  const o = observed.spec;
  if (d.kind === 'lf-settings' && o.kind === 'lf-settings') {
    const reasons: string[] = [];
    const missing = d.admins.filter((a) => !o.admins.includes(a));
    if (missing.length > 0) reasons.push(`admins to add: ${missing.join(', ')}`);
    if (o.crossAccountVersion < MIN_CROSS_ACCOUNT_VERSION)
      reasons.push(`CROSS_ACCOUNT_VERSION ${o.crossAccountVersion} → ${d.crossAccountVersion}`);
    if (d.noDefaultPermissions && !o.noDefaultPermissions) reasons.push('remove default IAMAllowedPrincipals permissions');
    return reasons.length === 0 ? UP_TO_DATE : { action: 'update', reason: reasons.join('; ') };
  }
  if (d.kind === 'iam-role' && o.kind === 'iam-role') {
    const diff = roleDifferences(d, o);
    return diff.length === 0 ? UP_TO_DATE : { action: 'update', reason: `${diff.join(', ')} differ` };
  }
  if (d.kind === 'lf-tag' && o.kind === 'lf-tag') {
    const missing = d.values.filter((v) => !o.values.includes(v));
    return missing.length === 0 ? UP_TO_DATE : { action: 'update', reason: `values to add: ${missing.join(', ')}` };
  }
  if (d.kind === 's3-bucket' && o.kind === 's3-bucket') return compareBucket(d, o);
  return UP_TO_DATE;
}
