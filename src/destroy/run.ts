/** `mesh destroy`: the destroy plane on the engine's observe → plan → apply run. */
import type { AwsClients } from '../aws/clients.js';
import { MeshError } from '../core/errors.js';
import { hasPendingChanges, type Plan } from '../engine/plan.js';
import { type PreflightStep, type RunPlanesOptions, type RunPlanesResult, runPlanes } from '../engine/run.js';
import { createDestroyPlane, type DestroyOptions, LOCK_TABLE_TYPE } from './plane.js';

export type RunDestroyOptions = Omit<RunPlanesOptions, 'scope' | 'factories' | 'allowed'> & { readonly destroy: DestroyOptions };

function nothingToDestroy(options: RunDestroyOptions): MeshError {
  const bootstrapNote = options.destroy.includeBootstrap ? '' : ' (what `mesh bootstrap` made aside: --include-bootstrap)';
  return new MeshError(
    'NothingToDestroy',
    `Nothing of mesh ${options.workspace.mesh.name} exists on the ${options.target} target${bootstrapNote}: there is nothing to destroy. Nothing was changed.`,
    { hint: 'Check --target and the accounts in the files: a workspace that was never applied has nothing to remove.' },
  );
}

export async function runDestroy(options: RunDestroyOptions): Promise<RunPlanesResult> {
  const d = options.destroy;
  // The command itself is the consent to delete: the flags the removals carry are implied, except the two it names.
  const allowed = new Set(['--allow-delete', '--allow-replace']);
  if (d.acknowledgeSubscribers) allowed.add('--acknowledge-subscribers');
  if (d.includeBootstrap) allowed.add('--include-bootstrap');
  const base = {
    ...options,
    scope: { include: { publish: false, subscriptions: false } },
    factories: [(env: Parameters<typeof createDestroyPlane>[0]) => createDestroyPlane(env, d)],
    allowed,
    // Only that each account's credentials are that account's: destroy removes what the full preflight checks for.
    preflight: async (o: Parameters<PreflightStep>[0]) => (await import('../bootstrap/preflight.js')).credentialsPreflight(o),
  };
  // Planned without the lock first: taking the aws lock creates its table, and a workspace with nothing to destroy
  // must be left exactly as it is.
  const probe = await runPlanes({ ...base, dryRun: true, lock: undefined, onPlan: undefined });
  if (!hasPendingChanges(probe.plan)) throw nothingToDestroy(options);
  if (options.dryRun) {
    options.onPlan?.(probe.plan);
    return probe;
  }
  // Changes are pending: the engine's own probe would only observe everything once more.
  const result = await runPlanes({ ...base, probe: false });
  if (result.applied) await dropLockTable(result.plan, options, d.clients);
  return result;
}

/** The lock table goes last, after the run released its lock (a later locked run creates it again). */
async function dropLockTable(plan: Plan, options: RunDestroyOptions, given: AwsClients | undefined): Promise<void> {
  if (!plan.changes.some((c) => c.ref.type === LOCK_TABLE_TYPE && c.action === 'delete')) return;
  const [{ DynamoDBClient, DeleteTableCommand }, { requireClients }, { isAwsError, fromAwsError }, { LOCK_TABLE }] = await Promise.all([
    import('@aws-sdk/client-dynamodb'),
    import('../aws/clients.js'),
    import('../aws/errors.js'),
    import('../lock/port.js'),
  ]);
  const central = options.workspace.mesh.central;
  const clients = given ?? requireClients(options.clients, 'Deleting the lock table');
  try {
    await (await clients.get(DynamoDBClient, central)).send(new DeleteTableCommand({ TableName: LOCK_TABLE }));
  } catch (error) {
    if (!isAwsError(error, 'ResourceNotFoundException', 'ResourceInUseException'))
      throw fromAwsError(error, `Deleting the lock table ${LOCK_TABLE}`);
  }
}
