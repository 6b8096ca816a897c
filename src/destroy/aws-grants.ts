/**
 * The destroy plane's revokes go to Lake Formation in batches: BatchRevokePermissions, 20 entries per call (the API's
 * limit), one catalog at a time. As in the catalog plane's GrantBatcher, the engine runs changes one by one: every
 * grant change of one account is made ready together (the first, its leader, carries the group's dependencies; the
 * others depend on it), and the leader's run revokes the whole group. Each entry's failure stays its own change's.
 */
import type { BatchPermissionsFailureEntry, BatchPermissionsRequestEntry } from '@aws-sdk/client-lakeformation';
import type { AwsClients } from '../aws/clients.js';
import { fromAwsError } from '../aws/errors.js';
import { MeshError } from '../core/errors.js';
import { type Change, specOf } from '../engine/plan.js';
import type { AccountAccess } from '../workspace/model.js';

export const REVOKE_BATCH_LIMIT = 20;
const BATCHES_AT_ONCE = 4;

type Outcome = { ok: true } | { ok: false; error: unknown };

const grantAccount = (c: Change): string | undefined => {
  if (c.type !== 'destroy' || c.action !== 'revoke') return undefined;
  const spec = specOf(c);
  return spec.kind === 'lf-grant' ? spec.account : undefined;
};

function failureError(f: BatchPermissionsFailureEntry, account: string): MeshError {
  const code = f.Error?.ErrorCode ?? 'Error';
  const message = f.Error?.ErrorMessage ?? 'no message';
  const principal = f.RequestEntry?.Principal?.DataLakePrincipalIdentifier ?? '?';
  const what = `lakeformation:BatchRevokePermissions for ${principal} in ${account}`;
  if (/AccessDenied/i.test(code)) {
    return new MeshError('AccessDenied', `${what}: access denied (${message}).`, {
      hint: `Allow lakeformation:BatchRevokePermissions and lakeformation:RevokePermissions for the role mesh uses in ${account}, and make it a data lake administrator there.`,
    });
  }
  return new MeshError(`Aws${code.replace(/Exception$/, '')}`, `${what}: ${message}`, {
    hint: 'Run `mesh destroy` again: it re-reads the grants and revokes what is left.',
  });
}

/** A revoke of what is no longer granted is done (a resumed run, or another revoke got there first). */
const alreadyGone = (f: BatchPermissionsFailureEntry) =>
  /NotFound|InvalidInput/i.test(f.Error?.ErrorCode ?? '') && /not.*grant|no permissions|not found/i.test(f.Error?.ErrorMessage ?? '');

export class RevokeBatcher {
  private readonly groupOf = new Map<string, string>();
  private readonly members = new Map<string, Change<'destroy'>[]>();
  private readonly runs = new Map<string, Promise<Map<string, Outcome>>>();

  constructor(
    private readonly clients: AwsClients,
    private readonly access: (account: string) => AccountAccess,
  ) {}

  /** One group per account: the leader depends on the union of the group's dependencies, the others on the leader. */
  prepare(changes: readonly Change[]): Change[] {
    const deps = new Map<string, Set<string>>();
    for (const c of changes) {
      const account = grantAccount(c);
      if (account === undefined) continue;
      this.groupOf.set(c.key, account);
      const list = this.members.get(account) ?? [];
      list.push(c as Change<'destroy'>);
      this.members.set(account, list);
      const set = deps.get(account) ?? new Set<string>();
      for (const d of c.dependsOn) set.add(d);
      deps.set(account, set);
    }
    return changes.map((c) => {
      const group = this.groupOf.get(c.key);
      if (group === undefined) return c;
      const leader = this.members.get(group)?.[0]?.key;
      if (leader !== c.key) return { ...c, dependsOn: [leader as string] };
      return { ...c, dependsOn: [...(deps.get(group) ?? [])].filter((d) => this.groupOf.get(d) !== group).sort() };
    });
  }

  handles(change: Change): boolean {
    return this.groupOf.has(change.key);
  }

  async run(change: Change): Promise<undefined> {
    const group = this.groupOf.get(change.key) as string;
    let outcomes = this.runs.get(group);
    if (!outcomes) {
      outcomes = this.revoke(group, this.members.get(group) ?? []);
      this.runs.set(group, outcomes);
    }
    const outcome = (await outcomes).get(change.key);
    if (!outcome)
      throw new MeshError('InternalError', `No outcome for ${change.key} in its revoke batch.`, { hint: 'This is a bug in mesh.' });
    if (!outcome.ok) throw outcome.error;
    return undefined;
  }

  private async revoke(account: string, changes: readonly Change<'destroy'>[]): Promise<Map<string, Outcome>> {
    const { LakeFormationClient, BatchRevokePermissionsCommand } = await import('@aws-sdk/client-lakeformation');
    const lf = await this.clients.get(LakeFormationClient, this.access(account));
    const outcomes = new Map<string, Outcome>();
    const parts: Change<'destroy'>[][] = [];
    for (let start = 0; start < changes.length; start += REVOKE_BATCH_LIMIT) parts.push(changes.slice(start, start + REVOKE_BATCH_LIMIT));
    const revokePart = async (part: readonly Change<'destroy'>[]) => {
      const entries: BatchPermissionsRequestEntry[] = part.map((c, i) => {
        const spec = specOf(c);
        const e = spec.kind === 'lf-grant' ? spec.entry : {};
        return {
          Id: String(i),
          Principal: e.Principal,
          Resource: e.Resource,
          Permissions: e.Permissions,
          ...(e.PermissionsWithGrantOption?.length ? { PermissionsWithGrantOption: e.PermissionsWithGrantOption } : {}),
        };
      });
      let failures: BatchPermissionsFailureEntry[];
      try {
        failures = (await lf.send(new BatchRevokePermissionsCommand({ CatalogId: account, Entries: entries }))).Failures ?? [];
      } catch (error) {
        const e = fromAwsError(error, `lakeformation:BatchRevokePermissions in ${account}`);
        for (const c of part) outcomes.set(c.key, { ok: false, error: e });
        return;
      }
      const failed = new Map(failures.map((f) => [f.RequestEntry?.Id ?? '', f]));
      part.forEach((c, i) => {
        const f = failed.get(String(i));
        outcomes.set(c.key, !f || alreadyGone(f) ? { ok: true } : { ok: false, error: failureError(f, account) });
      });
    };
    // A few batches at a time: one catalog takes concurrent batch calls, and thousands of grants make hundreds.
    let next = 0;
    const worker = async () => {
      while (next < parts.length) await revokePart(parts[next++] as Change<'destroy'>[]);
    };
    await Promise.all(Array.from({ length: Math.min(BATCHES_AT_ONCE, parts.length) }, worker));
    return outcomes;
  }
}
