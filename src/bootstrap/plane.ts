/**
 * The bootstrap plane: what mesh's other planes rely on in each account (see desired.ts). Planned and applied by the
 * same engine as `apply`. In `remove` mode (destroy --include-bootstrap) it plans the deletes of what exists of it.
 */
import type { AwsClients } from '../aws/clients.js';
import { MeshError } from '../core/errors.js';
import { type Change, isChangeOf, type Plan } from '../engine/plan.js';
import type { PlaneEnv, PlaneModule } from '../engine/plane.js';
import { createPlan } from '../engine/planner.js';
import { compareBootstrap } from './compare.js';
import { declaredPrincipals, desiredBootstrap } from './desired.js';
import type { BootstrapPort } from './port.js';
import type { BootstrapResourceType } from './resources.js';

const BOOTSTRAP_PORT_TYPES: readonly BootstrapResourceType[] = ['lf-settings', 'iam-role', 'schema-registry', 'lf-tag-key', 'lock-table'];

export interface BootstrapPlaneOptions {
  /** aws: the client factory (tests and the bench pass a counting one). Default: the run's (PlaneEnv.clients). */
  readonly clients?: AwsClients;
  /** A ready port (tests). */
  readonly port?: BootstrapPort;
  /** `remove`: plan deletes of everything bootstrap made (never the Lake Formation settings). */
  readonly mode?: 'apply' | 'remove';
}

export const BOOTSTRAP_DELETE_FLAG = '--include-bootstrap';

async function openPort(env: PlaneEnv, options: BootstrapPlaneOptions): Promise<BootstrapPort> {
  if (options.port) return options.port;
  const [{ AwsBootstrapPort }, { requireClients }] = await Promise.all([import('./aws/adapter.js'), import('../aws/clients.js')]);
  // The run's clients (or a test's): whoever made them destroys them.
  const clients = options.clients ?? requireClients(env.clients, 'The bootstrap plane');
  return new AwsBootstrapPort(clients, env.workspace, false);
}

export async function createBootstrapPlane(env: PlaneEnv, options: BootstrapPlaneOptions = {}): Promise<PlaneModule> {
  let port: BootstrapPort | undefined;
  const portOnce = async () => {
    port ??= await openPort(env, options);
    return port;
  };
  return {
    planes: ['bootstrap'],

    async plan(): Promise<Plan> {
      if (env.target === 'local') {
        const { localBootstrapPlan } = await import('./local/adapter.js');
        return options.mode === 'remove' ? { changes: [], summary: localBootstrapPlan().summary } : localBootstrapPlan();
      }
      const p = await portOnce();
      const ws = env.workspace;
      if (options.mode === 'remove') {
        const candidates = desiredBootstrap(ws, 'unused').filter((d) => d.spec.kind !== 'lf-settings');
        const observed = await p.observe(candidates.map((d) => d.spec));
        return createPlan<BootstrapResourceType>([], observed, { pruneScope: () => true, deleteFlag: BOOTSTRAP_DELETE_FLAG });
      }
      const missing = await p.missingPrincipals(declaredPrincipals(ws));
      if (missing.length > 0) {
        const files = ws.domains.filter((d) => d.trustedPrincipals?.some((a) => missing.includes(a))).map((d) => d.file);
        throw new MeshError(
          'PrincipalNotFound',
          `trustedPrincipals names ${missing.join(', ')}, which does not exist. Nothing was changed.`,
          {
            hint: `Fix trustedPrincipals in ${files.join(', ')} (the team's SSO role or the CI role, as IAM shows its ARN), then re-run mesh bootstrap.`,
            details: { missing },
          },
        );
      }
      const desired = desiredBootstrap(ws, await p.callerPrincipal());
      const observed = await p.observe(desired.map((d) => d.spec));
      return createPlan(desired, observed, { compare: compareBootstrap });
    },

    async execute(change: Change): Promise<Record<string, unknown> | undefined> {
      if (!isChangeOf(change, BOOTSTRAP_PORT_TYPES))
        throw new MeshError('InternalError', `The bootstrap plane cannot apply ${change.key}.`);
      return (await portOnce()).execute(change);
    },

    async close(): Promise<void> {
      await port?.close();
    },
  };
}
