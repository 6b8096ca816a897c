/**
 * Grants and revokes in batches: BatchRevokePermissions then BatchGrantPermissions, 20 entries per call (the API's
 * limit), so publishing 100 tables costs a handful of grant calls. Per-entry failures map back to their change.
 */
import type { BatchPermissionsFailureEntry, BatchPermissionsRequestEntry, Resource } from '@aws-sdk/client-lakeformation';
import { MeshError } from '../../core/errors.js';
import { specOf } from '../../engine/plan.js';
import type { GrantChange, GrantOutcome } from '../port.js';
import { awsCall, chunk } from './calls.js';
import { grantEntries, type PermissionEntry } from './lf-shapes.js';
import type { ObserveContext } from './observe.js';

export const BATCH_LIMIT = 20;

function failureError(f: BatchPermissionsFailureEntry, verb: string, catalog: string): MeshError {
  const code = f.Error?.ErrorCode ?? 'Error';
  const message = f.Error?.ErrorMessage ?? 'no message';
  const principal = f.RequestEntry?.Principal?.DataLakePrincipalIdentifier ?? '?';
  const what = `lakeformation:${verb}Permissions for ${principal} in ${catalog}`;
  if (/AccessDenied/i.test(code)) {
    return new MeshError('AccessDenied', `${what}: access denied (${message}).`, {
      hint: `Allow lakeformation:${verb}Permissions for the role mesh uses in ${catalog}, and make it a data lake administrator there.`,
    });
  }
  return new MeshError(`Aws${code.replace(/Exception$/, '')}`, `${what}: ${message}`);
}

async function sendBatches(
  ctx: ObserveContext,
  catalog: string,
  verb: 'Grant' | 'Revoke',
  entries: readonly PermissionEntry[],
  outcomes: Map<string, GrantOutcome>,
): Promise<void> {
  if (entries.length === 0) return;
  const lf = await ctx.services.lakeFormation(ctx.access(catalog));
  const sdk = await import('@aws-sdk/client-lakeformation');
  for (const part of chunk(entries, BATCH_LIMIT)) {
    const requestEntries: BatchPermissionsRequestEntry[] = part.map((e, i) => ({ Id: String(i), ...e.entry }));
    const command =
      verb === 'Grant'
        ? new sdk.BatchGrantPermissionsCommand({ CatalogId: catalog, Entries: requestEntries })
        : new sdk.BatchRevokePermissionsCommand({ CatalogId: catalog, Entries: requestEntries });
    let failures: BatchPermissionsFailureEntry[] = [];
    try {
      // why: the two commands share their output shape; `send` is overloaded per command type
      const out = (await awsCall(`lakeformation:Batch${verb}Permissions in ${catalog}`, () => lf.send(command as never))) as {
        Failures?: BatchPermissionsFailureEntry[];
      };
      failures = out.Failures ?? [];
    } catch (error) {
      for (const e of part) outcomes.set(e.key, { ok: false, error });
      continue;
    }
    const failed = new Map(failures.map((f) => [f.RequestEntry?.Id ?? '', f]));
    part.forEach((e, i) => {
      const f = failed.get(String(i));
      if (f) {
        // Revoking what is not granted any more is done; granting what is already granted is too.
        if (
          verb === 'Revoke' &&
          /NotFound|InvalidInput/i.test(f.Error?.ErrorCode ?? '') &&
          /not.*grant|no permissions/i.test(f.Error?.ErrorMessage ?? '')
        )
          return;
        outcomes.set(e.key, { ok: false, error: failureError(f, verb, catalog) });
      }
    });
  }
}

/** Applies one catalog's grant/revoke changes. Revokes (and the revoke half of updates) go first. */
export async function applyGrantBatches(
  ctx: ObserveContext,
  catalog: string,
  changes: readonly GrantChange[],
): Promise<Map<string, GrantOutcome>> {
  const outcomes = new Map<string, GrantOutcome>();
  const revokes: PermissionEntry[] = [];
  const grants: PermissionEntry[] = [];
  for (const c of changes) {
    const before = c.before;
    const after = c.action === 'revoke' ? undefined : c.after;
    const raw = c.attributes?.resource as Resource | undefined;
    const entries = grantEntries(c.key, before, after, raw);
    revokes.push(...entries.revoke);
    grants.push(...entries.grant);
  }
  await sendBatches(ctx, catalog, 'Revoke', revokes, outcomes);
  const failedRevoke = new Set([...outcomes].filter(([, o]) => !o.ok).map(([k]) => k));
  await sendBatches(
    ctx,
    catalog,
    'Grant',
    grants.filter((g) => !failedRevoke.has(g.key)),
    outcomes,
  );
  for (const c of changes) {
    if (!outcomes.has(c.key)) {
      const spec = specOf(c);
      outcomes.set(c.key, { ok: true, attributes: { principal: spec.principal, permissions: spec.permissions } });
    }
  }
  return outcomes;
}
