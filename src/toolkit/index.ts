/**
 * mesh as a library: the layer between the commands and the planes. A program (or the CLI) creates a toolkit for a
 * workspace folder and calls one method per operation; nothing here prints (messages go to the `host`), and each call
 * that touches AWS makes one AwsClients for its run, passes it to every plane, and releases it at the end.
 *
 *   import { createToolkit } from 'mesh-cli';
 *   const mesh = createToolkit({ cwd: 'path/to/workspace', target: 'local' });
 *   const plan = await mesh.plan();
 *   await mesh.apply();
 *   await mesh.subscribe({ product: 'songs', domain: 'analytics', table: true });
 */
import type { PlanScope } from '../engine/plane.js';
import { accessOperations } from './access.js';
import { type ApplyOptions, applyAll, applyScope, bootstrap, type DestroyChoices, destroy, planAll } from './apply.js';
import { buildPortal, catalog, describe, type PortalOptions, query, startPortal } from './catalog.js';
import * as ops from './operations.js';
import { personalizeOperations } from './personalize.js';
import { applyPlanFile, savePlan } from './plan-file.js';
import { Session, type ToolkitOptions } from './session.js';
import { type SubscriptionRequest, subscribe, unsubscribe } from './subscriptions.js';
import { runTransformOperation, type TransformRequest } from './transform.js';

export { MeshError } from '../core/errors.js';
export type { IoHost, IoMessage, IoRequest, MessageLevel } from '../core/messages.js';
export { silentHost } from '../core/messages.js';
export type { Plan, PlanSummary } from '../engine/plan.js';
export type { PlanScope } from '../engine/plane.js';
export type { AccessDecisionInput, AccessFilter, AccessOperations, AccessRequestInput } from './access.js';
export type { ApplyOptions, ApplyOutcome, DestroyChoices } from './apply.js';
export type { PortalOptions } from './catalog.js';
export type { DevOptions, ProduceInput, ResourceStatus, TailInput } from './operations.js';
export type { PersonalizeCallOptions, PersonalizeOperations } from './personalize.js';
export type { Run, ToolkitOptions, Where } from './session.js';
export { approvingHost } from './session.js';
export type { SubscriptionOutcome, SubscriptionRequest } from './subscriptions.js';
export type { TransformOutcome, TransformRequest } from './transform.js';

export function createToolkit(options: ToolkitOptions) {
  const session = new Session(options);
  return {
    options,
    /** The workspace (validated) and the target the calls use. */
    workspace: () => session.load(),
    validate: () => ops.validate(session),
    /** The whole workspace's plan, every plane; nothing applied. */
    plan: () => planAll(session),
    /** `plan`, written to a file for `applyPlanFile` (a CI job plans on a pull request, another applies on merge). */
    savePlan: (file: string, o?: { meshVersion?: string }) => savePlan(session, file, o),
    /** Applies exactly the plan saved in `file`; StalePlan (nothing applied) when the target or files changed since. */
    applyPlanFile: (file: string, o?: ApplyOptions) => applyPlanFile(session, file, o),
    /** Everything in line with the files: every product published, every declared subscription applied. */
    apply: (o?: ApplyOptions) => applyAll(session, o),
    /** Plan → confirm → apply any scope of the engine (the calls above and below are scopes too). */
    applyScope: (scope: PlanScope, o?: ApplyOptions) => applyScope(session, scope, o),
    /** Publish these products (all when empty). */
    publishProduct: (products: readonly string[] = [], o?: ApplyOptions) =>
      applyScope(session, { products: products.length > 0 ? products : undefined, include: { publish: true, subscriptions: false } }, o),
    subscribe: (request: SubscriptionRequest, o?: ApplyOptions) => subscribe(session, request, o),
    unsubscribe: (request: Omit<SubscriptionRequest, 'function'>, o?: ApplyOptions) => unsubscribe(session, request, o),
    status: () => ops.status(session),
    bootstrap: (o?: ApplyOptions) => bootstrap(session, o),
    bootstrapTemplates: (dir: string, format: 'json' | 'yaml' = 'json') => ops.bootstrapTemplates(session, dir, format),
    destroy: (choices: DestroyChoices = {}, o?: ApplyOptions) => destroy(session, choices, o),
    doctor: () => ops.doctor(session),
    unlock: (id: string, confirm?: Parameters<typeof ops.unlock>[2]) => ops.unlock(session, id, confirm),
    access: accessOperations(session),
    catalog: (search?: string) => catalog(session, search),
    describe: (product: string) => describe(session, product),
    query: (domain: string, sql: string) => query(session, domain, sql),
    produceEvents: (input: ops.ProduceInput) => ops.produce(session, input),
    tailEvents: (input: ops.TailInput) => ops.tail(session, input),
    startPortal: (o: PortalOptions = {}) => startPortal(session, o),
    buildPortal: (out: string) => buildPortal(session, out),
    dev: (o: ops.DevOptions = {}) => ops.dev(session, o),
    /** `mesh personalize …`: train, deploy (planned and gated), status, recommend, rollback. */
    personalize: personalizeOperations(session),
    /** `mesh transform`: run a domain's declared SQL transform on the target. */
    transform: (request: TransformRequest) => runTransformOperation(session, request),
    init: (...args: Parameters<typeof ops.init> extends [unknown, ...infer R] ? R : never) => ops.init(session, ...args),
    /**
     * Runs `fn` with the workspace and the run's environment (on aws: the run's one AwsClients, destroyed after),
     * holding the target's lock unless `dryRun`. For planes not yet on the engine (personalize, transforms).
     */
    withRun: <T>(fn: (run: import('./session.js').Run) => Promise<T>, lock?: { dryRun?: boolean; timeoutMs?: number; command?: string }) =>
      session.run(async (run) => {
        if (!lock || lock.dryRun) return fn(run);
        const { withLock } = await import('../lock/index.js');
        return withLock({ ...run, host: session.host, timeoutMs: lock.timeoutMs ?? 0, command: lock.command }, () => fn(run));
      }),
  };
}

export type Toolkit = ReturnType<typeof createToolkit>;
