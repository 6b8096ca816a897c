/**
 * Preflight: before a command's first change on aws, the cheap read-only checks `mesh doctor` has, for the accounts
 * and planes its plan touches, plus that the domain roles it grants to exist. A failed check stops the run before
 * any mutating call, naming the check and `mesh bootstrap` as the fix.
 */
import type { AwsClients } from '../aws/clients.js';
import { MeshError } from '../core/errors.js';
import type { PlanScope } from '../engine/plane.js';
import type { Target, Workspace } from '../workspace/model.js';

/** What preflight needs of a run (the engine's PreflightStep is called with the run's options). */
export interface PreflightOptions {
  readonly workspace: Workspace;
  readonly target: Target;
  readonly scope: PlanScope;
  /** aws: the run's AwsClients. */
  readonly clients?: AwsClients;
}

/** The accounts and planes a run's scope touches: products' domains, subscribers, and the central account. */
export function preflightScope(ws: Workspace, scope: PlanScope): { accounts: Set<string>; catalog: boolean; streams: boolean } {
  const accounts = new Set<string>([ws.mesh.central.account]);
  const products = new Set<string>();
  let catalog = false;
  let streams = false;
  if (scope.include.publish) for (const name of scope.products ?? ws.products.map((p) => p.name)) products.add(name);
  if (scope.include.subscriptions) {
    const named = [...(scope.subscriptions ?? []), ...(scope.removals ?? [])];
    const subs =
      named.length > 0 || scope.subscriptions || scope.removals
        ? named
        : ws.domains.flatMap((d) =>
            d.subscriptions.map((s) => ({ product: s.product, domain: d.name, table: Boolean(s.table), stream: Boolean(s.stream) })),
          );
    for (const s of subs) {
      products.add(s.product);
      const d = ws.domains.find((x) => x.name === s.domain);
      if (d) accounts.add(d.access.account);
      if (s.table !== false) catalog = true;
      if (s.stream !== false) streams = true;
    }
  }
  for (const name of products) {
    const p = ws.products.find((x) => x.name === name);
    if (!p) continue;
    const d = ws.domains.find((x) => x.name === p.domain);
    if (d) accounts.add(d.access.account);
    if (p.table && scope.include.publish) catalog = true;
    if (p.stream && scope.include.publish) streams = true;
  }
  return { accounts, catalog, streams };
}

export async function preflight(options: PreflightOptions): Promise<void> {
  if (options.target !== 'aws') return;
  const ws = options.workspace;
  const { accounts, catalog, streams } = preflightScope(ws, options.scope);
  const [{ requireClients }, { awsChecks }, { IAMClient, GetRoleCommand }, { isAwsError, fromAwsError }] = await Promise.all([
    import('../aws/clients.js'),
    import('../doctor/checks.js'),
    import('@aws-sdk/client-iam'),
    import('../aws/errors.js'),
  ]);
  // The run's clients: the credentials resolved here serve the lock and the planes after it.
  const clients = requireClients(options.clients, 'The aws preflight');
  const failed: { name: string; detail: string; fix?: string }[] = [];
  for (const check of awsChecks(ws, clients, { accounts, catalog, streams })) {
    const r = await check();
    if (!r.ok) failed.push(r);
  }
  if (catalog && failed.length === 0) {
    // The grantees: Lake Formation refuses grants to roles that do not exist.
    for (const d of ws.domains.filter((x) => accounts.has(x.access.account))) {
      try {
        await (await clients.get(IAMClient, d.access)).send(new GetRoleCommand({ RoleName: d.roleName }));
      } catch (error) {
        if (!isAwsError(error, 'NoSuchEntityException', 'NoSuchEntity')) throw fromAwsError(error, `Checking the role ${d.roleName}`);
        failed.push({
          name: `domain role ${d.name}`,
          detail: `the role ${d.roleName} does not exist in account ${d.access.account}`,
          fix: `Create it with mesh bootstrap, or name an existing role as roleName in ${d.file}.`,
        });
      }
    }
  }
  if (failed.length === 0) return;
  throw new MeshError(
    'PreflightFailed',
    `The accounts are not ready for this change: ${failed.map((f) => `${f.name}: ${f.detail}`).join('; ')}. Nothing was changed.`,
    {
      hint: `Run \`mesh bootstrap\` (or \`mesh bootstrap --template DIR\` for CloudFormation), then re-run this command. By hand: ${failed
        .map((f) => f.fix)
        .filter(Boolean)
        .join(' ')}`,
      details: { failed },
    },
  );
}
