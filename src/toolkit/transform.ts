/**
 * The toolkit's transform operation (`mesh transform <name> --domain <d>`): the domain's declared SQL run on the
 * target (DuckDB on local; the Glue job or an Athena query on aws, with the run's clients, after the preflight),
 * under the target's lock; a dry run returns what would run. The plane factory puts the transforms' Glue jobs into
 * `mesh plan`.
 */
import { didYouMean, usageError } from '../core/errors.js';
import { withProgress } from '../core/progress.js';
import type { PlaneFactory } from '../engine/plane.js';
import type { TransformResult } from '../transforms/port.js';
import type { AthenaArtefacts, GlueJobArtefacts } from '../transforms/render-aws.js';
import type { Target } from '../workspace/model.js';
import { requireDomain } from '../workspace/require-domain.js';
import type { Session } from './session.js';

export interface TransformRequest {
  readonly name: string;
  readonly domain: string;
  /** aws, engine glue: create or update the job only, start no run. */
  readonly run?: boolean;
  /** The SQL (and on aws the job or query) that would run; nothing changes. */
  readonly dryRun?: boolean;
  readonly lockTimeoutMs?: number;
}

export type TransformOutcome =
  | { readonly target: Target; readonly kind: 'dry-run-local'; readonly transform: string; readonly sql: string }
  | ({ readonly target: Target; readonly kind: 'dry-run-aws' } & (GlueJobArtefacts | AthenaArtefacts))
  | { readonly target: Target; readonly kind: 'run'; readonly result: TransformResult };

/** The transforms' Glue jobs in the engine's plan (`mesh plan`, `mesh status`). */
export const transformsPlaneFactory: PlaneFactory = async (env) => (await import('../transforms/plane.js')).createTransformsPlane(env);

export async function runTransformOperation(session: Session, request: TransformRequest): Promise<TransformOutcome> {
  return session.run(async (run) => {
    const domain = requireDomain(run.workspace, request.domain);
    const transform = domain.transforms.find((t) => t.name === request.name);
    if (!transform) {
      const names = domain.transforms.map((t) => t.name);
      throw usageError(
        `Domain ${domain.name} declares no transform "${request.name}".`,
        names.length > 0
          ? (didYouMean(request.name, names) ?? `Transforms: ${names.join(', ')}.`)
          : `Declare it under transforms: in ${domain.file}.`,
      );
    }
    if (request.dryRun) {
      if (run.target === 'local') return { target: run.target, kind: 'dry-run-local', transform: transform.name, sql: transform.sql };
      const { renderTransform } = await import('../transforms/render-aws.js');
      return { target: run.target, kind: 'dry-run-aws', ...renderTransform(run.workspace, domain, transform) };
    }
    if (run.target === 'aws') {
      // Before the lock and the first change: the accounts and what the transform's engine writes to.
      const { preflightCommand } = await import('../bootstrap/preflight.js');
      await preflightCommand({
        workspace: run.workspace,
        target: run.target,
        clients: run.clients,
        command: 'transform',
        domain: domain.name,
        transform: transform.name,
      });
    }
    const { openTransformPort } = await import('../transforms/plane.js');
    const port = await openTransformPort(run.workspace, run.target, { host: session.host, clients: run.clients, signal: run.signal });
    const { withLock } = await import('../lock/index.js');
    try {
      const work = () => port.run(domain, transform, { ...(request.run === false ? { run: false } : {}) });
      // Local runs are one step (a spinner past a second); on aws the waiter reports the job or query as it goes.
      const step =
        run.target === 'local'
          ? () => withProgress(session.host, `Running transform ${transform.name} (DuckDB)`, work, (r) => `${rowsOf(r)} row(s) written`)
          : work;
      const result = await withLock({ ...run, host: session.host, timeoutMs: request.lockTimeoutMs ?? 0 }, step);
      return { target: run.target, kind: 'run', result };
    } finally {
      await port.close();
    }
  });
}

const rowsOf = (r: TransformResult): number => ('rowCount' in r && typeof r.rowCount === 'number' ? r.rowCount : 0);
