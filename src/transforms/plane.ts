/**
 * The transforms plane on the one engine: the durable resource a declared transform needs on a target, planned from
 * the domain files and what exists. On aws, a transform whose engine is glue has a Glue job (script in the domain's
 * artifact bucket, job in its account): created, updated when the files change it, or left alone. An Athena or a
 * local transform is a run (`mesh transform`), with nothing to plan.
 */
import { MeshError } from '../core/errors.js';
import { type Change, isChangeOf, keyOf, type Plan, resourceRef } from '../engine/plan.js';
import type { PlaneEnv, PlaneModule, PlanScope } from '../engine/plane.js';
import { createPlan } from '../engine/planner.js';
import type { Workspace } from '../workspace/model.js';
import { jobUpdateOf, sameJob } from './aws/glue-job.js';
import type { TransformPort } from './port.js';
import { renderGlueJob } from './render-aws.js';
import { type GlueJobSpec, TRANSFORM_TYPES } from './resources.js';

/** Opens the target's adapter (the SDK loads only on aws). */
export async function openTransformPort(
  workspace: Workspace,
  target: 'aws' | 'local',
  options: { host: PlaneEnv['host']; clients?: PlaneEnv['clients']; signal?: AbortSignal },
): Promise<TransformPort> {
  if (target === 'local') return new (await import('./local/adapter.js')).LocalTransformPort(workspace);
  if (!options.clients)
    throw new MeshError('InternalError', 'the aws transforms port needs the run’s AwsClients (the toolkit passes them)');
  const { AwsTransformPort } = await import('./aws/adapter.js');
  return new AwsTransformPort(workspace, options.clients, options.host, options.signal);
}

/** The Glue jobs the files declare (aws, engine glue). */
export function desiredJobs(workspace: Workspace): GlueJobSpec[] {
  return workspace.domains.flatMap((domain) =>
    domain.transforms
      .filter((t) => t.engine === 'glue')
      .map((t) => {
        const artefacts = renderGlueJob(workspace, domain, t);
        return { domain: domain.name, transform: t.name, jobName: artefacts.jobName, job: jobUpdateOf(artefacts) };
      }),
  );
}

export async function createTransformsPlane(env: PlaneEnv): Promise<PlaneModule> {
  let port: TransformPort | undefined;
  const portOnce = async () => {
    port ??= await openTransformPort(env.workspace, env.target, { host: env.host, clients: env.clients, signal: env.signal });
    return port;
  };
  return {
    planes: ['transforms'],

    async plan(scope: PlanScope): Promise<Plan> {
      const wanted = env.target === 'aws' && scope.include.publish && scope.products === undefined ? desiredJobs(env.workspace) : [];
      if (wanted.length === 0)
        return { changes: [], summary: { create: 0, update: 0, replace: 0, grant: 0, revoke: 0, delete: 0, noop: 0 } };
      const found = await (await portOnce()).observeJobs(wanted);
      const refOf = (s: GlueJobSpec) => {
        const domain = env.workspace.domains.find((d) => d.name === s.domain);
        return resourceRef('glue-job', {
          plane: 'transforms',
          id: s.jobName,
          label: `${s.jobName} (transform ${s.transform})`,
          domain: s.domain,
          ...(domain ? { account: domain.access.account, region: domain.access.region } : {}),
        });
      };
      const desired = wanted.map((spec) => ({ ref: refOf(spec), spec }));
      const observed = [...found.values()].map((spec) => ({ ref: refOf(spec), spec }));
      return createPlan<'glue-job'>(desired, observed, {
        compare: (d, o) =>
          sameJob(o.spec.job as Record<string, unknown>, d.spec.job)
            ? { action: 'noop', reason: 'up to date' }
            : { action: 'update', reason: 'the job differs from the files' },
      });
    },

    async execute(change: Change): Promise<Record<string, unknown> | undefined> {
      if (!isChangeOf(change, TRANSFORM_TYPES) || !change.after) {
        throw new MeshError('InternalError', `The transforms plane cannot apply ${change.key}.`);
      }
      const job = await (await portOnce()).applyJob(change.after);
      return { jobName: change.after.jobName, job, key: keyOf(change.ref) };
    },

    async close(): Promise<void> {
      await port?.close();
    },
  };
}
