/**
 * The bootstrap plane: what mesh's other planes rely on in each account (see desired.ts). Planned and applied by the
 * same engine as `apply`. In `remove` mode (destroy --include-bootstrap) it plans the deletes of what exists of it:
 * managed buckets only with `deleteData` (else it says they are kept), and never a bucket that is not mesh's.
 */
import type { AwsClients } from '../aws/clients.js';
import { requireLfTagKeyWithinLimit } from '../catalog/lf-tag-limit.js';
import { MeshError } from '../core/errors.js';
import { emit } from '../core/messages.js';
import { type Change, isChangeOf, type Plan, specOf, summarize } from '../engine/plan.js';
import type { PlaneEnv, PlaneModule } from '../engine/plane.js';
import { createPlan } from '../engine/planner.js';
import { managedTags } from '../workspace/naming.js';
import { foreignBucket, isMeshBucket, MANAGED_BY_TAG } from './buckets.js';
import { compareBootstrap } from './compare.js';
import { declaredPrincipals, desiredBootstrap } from './desired.js';
import type { BucketKeptMessage } from './messages.js';
import type { BootstrapPort, BucketSpec } from './port.js';
import { type BootstrapResourceType, LOCAL_BUCKET_TYPE } from './resources.js';

const BOOTSTRAP_PORT_TYPES: readonly BootstrapResourceType[] = [
  'lf-settings',
  'iam-role',
  'schema-registry',
  'lf-tag-key',
  'lock-table',
  'managed-bucket',
];

export interface BootstrapPlaneOptions {
  /** aws: the client factory (tests and the bench pass a counting one). Default: the run's (PlaneEnv.clients). */
  readonly clients?: AwsClients;
  /** A ready port (tests). */
  readonly port?: BootstrapPort;
  /** `remove`: plan deletes of everything bootstrap made (never the Lake Formation settings). */
  readonly mode?: 'apply' | 'remove';
  /** `remove`: also delete the managed buckets, emptied of every object version first (destroy --delete-data). */
  readonly deleteData?: boolean;
}

/** Buckets already reported as kept, per workspace: destroy plans twice (probe, then under the lock) and says it once. */
const keptReported = new WeakMap<object, Set<string>>();

function reportKept(env: PlaneEnv, bucket: BucketSpec): void {
  const seen = keptReported.get(env.workspace) ?? new Set<string>();
  keptReported.set(env.workspace, seen);
  if (seen.has(bucket.name)) return;
  seen.add(bucket.name);
  emit(env.host, 'warn', 'bootstrap.bucket.kept', {
    bucket: bucket.name,
    account: bucket.account,
    domain: bucket.domain,
  } satisfies BucketKeptMessage);
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
        return options.mode === 'remove' ? { changes: [], summary: summarize([]) } : localBootstrapPlan(env.workspace);
      }
      const p = await portOnce();
      const ws = env.workspace;
      if (options.mode === 'remove') {
        const candidates = desiredBootstrap(ws, 'unused').filter((d) => d.spec.kind !== 'lf-settings');
        const observed = (await p.observe(candidates.map((d) => d.spec))).filter((o) => {
          if (o.spec.kind !== 's3-bucket') return true;
          // A bucket that is not mesh's is never deleted; mesh's own only with --delete-data (it holds the data).
          if (o.spec.tags[MANAGED_BY_TAG] !== managedTags(ws.mesh, o.spec.domain)[MANAGED_BY_TAG]) return false;
          if (!options.deleteData) reportKept(env, o.spec);
          return Boolean(options.deleteData);
        });
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
      for (const o of observed) {
        const d = desired.find((x) => x.ref.id === o.ref.id && x.ref.type === o.ref.type)?.spec;
        // An existing bucket without mesh's tag is someone else's: refused before anything is changed, never taken over.
        if (o.spec.kind === 's3-bucket' && d?.kind === 's3-bucket' && !isMeshBucket(o.spec, d))
          throw foreignBucket({ ...o.spec, products: d.products }, d.tags[MANAGED_BY_TAG] ?? '');
      }
      // An LF-Tag key past Lake Formation's 1,000 values would fail mid-apply at UpdateLFTag: refused here instead.
      for (const d of desired) {
        if (d.spec.kind !== 'lf-tag') continue;
        const o = observed.find((x) => x.ref.type === d.ref.type && x.ref.id === d.ref.id)?.spec;
        requireLfTagKeyWithinLimit(d.spec.key, d.spec.account, d.spec.values, o?.kind === 'lf-tag' ? o.values : []);
      }
      return createPlan(desired, observed, { compare: compareBootstrap });
    },

    async execute(change: Change): Promise<Record<string, unknown> | undefined> {
      if (change.type === LOCAL_BUCKET_TYPE) {
        const { createLocalBucket } = await import('./local/adapter.js');
        return createLocalBucket(env.workspace, specOf(change));
      }
      if (!isChangeOf(change, BOOTSTRAP_PORT_TYPES))
        throw new MeshError('InternalError', `The bootstrap plane cannot apply ${change.key}.`);
      return (await portOnce()).execute(change);
    },

    async close(): Promise<void> {
      await port?.close();
    },
  };
}
