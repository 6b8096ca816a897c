/**
 * The toolkit's Personalize operations (`mesh personalize train | deploy | status | recommend | rollback`): the
 * workspace loaded once, on aws the run's one AwsClients, the preflight then the target's lock for the calls that
 * change it (train, deploy, rollback), and the session's host for messages and progress. The plane factory puts Personalize campaigns into `mesh plan`.
 */
import type { PlaneFactory } from '../engine/plane.js';
import type { DeployInput } from '../personalize/deployment.js';
import type { RecommendRequest, TrainInput } from '../personalize/port.js';
import type { PersonalizeContext } from '../personalize/service.js';
import type { Run, Session } from './session.js';

/** What every Personalize call takes: --domain, and the lock settings of the calls that change the target. */
export interface PersonalizeCallOptions {
  /** The consumer domain (default: the only one with a Personalize template). */
  readonly domain?: string;
  /** How long to wait for another run's lock (default 0: fail at once). */
  readonly lockTimeoutMs?: number;
}

/** Personalize campaigns in the engine's plan (`mesh plan`, `mesh status`). */
export const personalizePlaneFactory: PlaneFactory = async (env) => (await import('../personalize/plane.js')).createPersonalizePlane(env);

async function withPersonalize<T>(
  session: Session,
  options: PersonalizeCallOptions & {
    readonly lock: boolean | ((run: Run) => boolean);
    /** aws: the command whose preflight runs before the lock (src/bootstrap/preflight.ts). */
    readonly preflight?: 'personalize train' | 'personalize deploy' | 'personalize rollback';
  },
  fn: (ctx: PersonalizeContext, service: typeof import('../personalize/service.js')) => Promise<T>,
): Promise<T> {
  const service = await import('../personalize/service.js');
  return session.run(async (run: Run) => {
    const ctx: PersonalizeContext = {
      workspace: run.workspace,
      target: run.target,
      host: session.host,
      signal: run.signal,
      ...(run.clients ? { clients: run.clients } : {}),
      ...(options.domain ? { domain: options.domain } : {}),
    };
    if (!(typeof options.lock === 'function' ? options.lock(run) : options.lock)) return fn(ctx, service);
    if (options.preflight && run.target === 'aws') {
      const { preflightCommand } = await import('../bootstrap/preflight.js');
      await preflightCommand({
        workspace: run.workspace,
        target: run.target,
        clients: run.clients,
        command: options.preflight,
        domain: options.domain,
      });
    }
    const { withLock } = await import('../lock/index.js');
    return withLock({ ...run, host: session.host, timeoutMs: options.lockTimeoutMs ?? 0 }, () => fn(ctx, service));
  });
}

export function personalizeOperations(session: Session) {
  return {
    /** Build and check the datasets, then train (aws: import + solution versions; local: the recommender). */
    train: (input: TrainInput = {}, o: PersonalizeCallOptions = {}) =>
      withPersonalize(session, { ...o, lock: !input.dryRun, preflight: 'personalize train' }, (ctx, s) => s.trainPersonalize(ctx, input)),
    /** The planned, gated deploy of the campaigns (`dryRun`: the plan and the gate's verdicts only). */
    deploy: (input: DeployInput = {}, o: PersonalizeCallOptions = {}) =>
      withPersonalize(session, { ...o, lock: !input.dryRun, preflight: 'personalize deploy' }, (ctx, s) => s.deployPersonalize(ctx, input)),
    /** What is trained, deployed and in progress; `wait` (aws) continues an interrupted train or deploy, under the lock. */
    status: (options: { wait?: boolean } = {}, o: PersonalizeCallOptions = {}) =>
      withPersonalize(session, { ...o, lock: (run) => (options.wait ?? true) && run.target === 'aws' }, (ctx, s) =>
        s.personalizeStatus(ctx, options),
      ),
    recommend: (req: RecommendRequest, o: PersonalizeCallOptions = {}) =>
      withPersonalize(session, { ...o, lock: false }, (ctx, s) => s.recommendPersonalize(ctx, req)),
    rollback: (input: { solutions?: readonly string[] } = {}, o: PersonalizeCallOptions = {}) =>
      withPersonalize(session, { ...o, lock: true, preflight: 'personalize rollback' }, (ctx, s) => s.rollbackPersonalize(ctx, input)),
  };
}

export type PersonalizeOperations = ReturnType<typeof personalizeOperations>;
