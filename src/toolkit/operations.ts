/**
 * The toolkit's other operations: validate, status, doctor, unlock, the bootstrap templates, events produce and
 * tail, `mesh dev`, and `mesh init`. Each loads the workspace itself and, on aws, runs with the run's AwsClients.
 */
import path from 'node:path';
import type { DevSession } from '../dev/start-dev.js';
import type { CheckResult } from '../doctor/checks.js';
import type { Change } from '../engine/plan.js';
import type { LockHolder } from '../lock/port.js';
import type { InitRequest, InitResult } from '../scaffold/init.js';
import type { ProduceEventsOptions, ProduceEventsResult } from '../streams/events/produce.js';
import type { TailEventsOptions, TailedEvent } from '../streams/events/tail.js';
import type { ValidationResult } from '../workspace/load.js';
import type { Target } from '../workspace/model.js';
import { planAll } from './apply.js';
import type { Session } from './session.js';

/** Every problem in the workspace's files at once; `workspace` is present when there are no errors. */
export async function validate(session: Session): Promise<ValidationResult & { root: string }> {
  const { findWorkspaceRoot, validateWorkspace, workspaceNotFound } = await import('../workspace/load.js');
  const root = await findWorkspaceRoot(session.options.cwd);
  if (!root) throw workspaceNotFound(session.options.cwd);
  return { root, ...(await validateWorkspace(root, { target: session.options.target })) };
}

export const RESOURCE_STATE: Record<Change['action'], string> = {
  noop: 'in sync',
  create: 'missing',
  grant: 'not granted',
  update: 'drifted',
  replace: 'drifted (replace)',
  revoke: 'extra grant',
  delete: 'extra',
};

export interface ResourceStatus {
  readonly key: string;
  readonly plane: string;
  readonly type: string;
  readonly resource: string;
  readonly account?: string;
  readonly state: string;
  readonly reason?: string;
  readonly recorded?: string;
  readonly attributes?: unknown;
}

/** Every managed resource, its state, and drift from the files (the plan, read against the run ledger). */
export async function status(session: Session): Promise<{ target: Target; drift: number; resources: ResourceStatus[] }> {
  const { workspace, target, plan } = await planAll(session);
  const { openState } = await import('../engine/run.js');
  const ledger = openState(workspace, target);
  const resources = plan.changes.map((c) => ({
    key: c.key,
    plane: c.ref.plane,
    type: c.ref.type,
    resource: c.ref.label ?? c.ref.id,
    account: c.ref.account,
    state: RESOURCE_STATE[c.action],
    reason: c.action === 'noop' ? undefined : c.reason,
    recorded: ledger.get(c.key)?.at,
    attributes: ledger.get(c.key)?.attributes ?? c.attributes,
  }));
  return { target, drift: resources.filter((r) => r.state !== 'in sync').length, resources };
}

/** The target's preflight checks; never throws for a failed check. */
export async function doctor(session: Session): Promise<{ target: Target; checks: CheckResult[] }> {
  return session.run(async (run) => {
    const { runDoctor } = await import('../doctor/checks.js');
    return { target: run.target, checks: await runDoctor(run.workspace, run.target, run.clients) };
  });
}

/** Releases the target's lock when `id` names it, after `confirm` (default: yes; the id must name the holder). */
export async function unlock(
  session: Session,
  id: string,
  confirm?: (holder: LockHolder) => Promise<boolean>,
): Promise<{ target: Target; holder: LockHolder; where: string }> {
  return session.run(async (run) => {
    const { unlockTarget } = await import('../lock/index.js');
    const ask = confirm ?? (async () => true);
    const { holder, where } = await unlockTarget({ workspace: run.workspace, target: run.target, clients: run.clients, id, confirm: ask });
    return { target: run.target, holder, where };
  });
}

/** Writes one CloudFormation template per account (no AWS call). */
export async function bootstrapTemplates(session: Session, dir: string, format: 'json' | 'yaml'): Promise<string[]> {
  const { workspace } = await session.load();
  const { writeBootstrapTemplates } = await import('../bootstrap/template.js');
  return writeBootstrapTemplates(workspace, dir, format);
}

export type ProduceInput = Omit<ProduceEventsOptions, 'workspace' | 'target' | 'clients'>;

/** Validates JSON-lines events against the product's schema and sends them to its topic. */
export async function produce(session: Session, input: ProduceInput): Promise<ProduceEventsResult> {
  return session.run(async (run) => {
    const { produceEvents } = await import('../streams/events/produce.js');
    return produceEvents({ ...input, workspace: run.workspace, target: run.target, ...(run.clients ? { clients: run.clients } : {}) });
  });
}

export type TailInput = Omit<TailEventsOptions, 'workspace' | 'target' | 'clients' | 'signal'> & { readonly signal?: AbortSignal };

/** A product's events, decoded; the run's clients are released when the iteration ends. */
export async function* tail(session: Session, input: TailInput): AsyncGenerator<TailedEvent> {
  const where = await session.load();
  const clients = where.target === 'aws' ? await session.clientsFor(where.workspace) : undefined;
  try {
    const { tailEvents } = await import('../streams/events/tail.js');
    yield* tailEvents({ ...input, ...where, signal: input.signal ?? session.signal, ...(clients ? { clients } : {}) });
  } finally {
    clients?.destroy();
  }
}

export interface DevOptions {
  readonly port?: number;
  /** Run the stream handlers (default true). */
  readonly functions?: boolean;
  /** Only these functions (`fn` or `domain/fn`). */
  readonly only?: readonly string[];
}

/** The local target live: functions on the local streams, the Personalize-compatible API, analytics, portal. */
export async function dev(session: Session, options: DevOptions): Promise<DevSession> {
  const { workspace, target } = await session.load();
  const { startDev } = await import('../dev/start-dev.js');
  return startDev({ workspace, target, host: session.host, signal: session.signal, ...options });
}

/** `mesh init`: a workspace, a domain, an example, or the CI files; what the flags leave out is asked of the host. */
export async function init(
  session: Session,
  request: Omit<InitRequest, 'target' | 'region' | 'dir'> & { readonly dir?: string },
): Promise<InitResult> {
  const { runInit } = await import('../scaffold/init.js');
  const dir = path.resolve(session.options.cwd, request.dir ?? '.');
  return runInit({ ...request, dir, target: session.options.target, region: session.options.region }, session.host);
}
