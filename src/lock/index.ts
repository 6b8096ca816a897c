/**
 * One lock per mesh and target around every run that changes the target. `withLock(options, fn)` takes it (waiting up
 * to `timeoutMs`, taking over a lock whose process died on this host), runs `fn`, and releases it on success, failure
 * and Ctrl-C (the command unwinds on the AbortSignal; a process `exit` handler releases a local lock as a last resort).
 */
import path from 'node:path';
import type { AwsClients } from '../aws/clients.js';
import { interrupted, MeshError } from '../core/errors.js';
import { emit, type IoHost } from '../core/messages.js';
import { sleep } from '../core/waiter.js';
import type { Target, Workspace } from '../workspace/model.js';
import { describeHolder, isStale, newHolder } from './holder.js';
import { FileLock } from './local/file-lock.js';
import type { LockHolder, LockPort } from './port.js';
import { assertPlainStateFolders } from './state-folder.js';

export type { LockHolder, LockPort } from './port.js';

export interface LockTargetOptions {
  readonly workspace: Workspace;
  readonly target: Target;
  /** Global --profile/--region (aws: the lock lives in the central account). */
  readonly aws?: { readonly profile?: string; readonly region?: string };
  /** aws: the run's AwsClients (the lock lives in the central account). */
  readonly clients?: AwsClients;
  /** Tests: another adapter. */
  readonly port?: LockPort;
}

export interface LockOptions extends LockTargetOptions {
  /** Where the lock's notices go (waiting, taken over, lost). */
  readonly host: IoHost;
  readonly signal?: AbortSignal;
  /** How long to wait for another run's lock (0: fail at once). */
  readonly timeoutMs?: number;
  /** The holder's command words (default: from process.argv). */
  readonly command?: string;
  /** Tests: the pause between attempts. */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export interface HeldLock {
  readonly holder: LockHolder;
  readonly where: string;
  release(): Promise<void>;
}

export function localLockFile(workspace: Workspace): string {
  return path.join(workspace.root, '.mesh', 'state', 'local.lock');
}

/** The adapter for a target: the workspace's lock file, or the `mesh-locks` table in the central account. */
export async function openLockPort(options: LockTargetOptions): Promise<LockPort> {
  if (options.port) return options.port;
  if (options.target === 'local') {
    // Never a lock file (written, then deleted on release) through a symbolic link in the state folder.
    assertPlainStateFolders(options.workspace.root, options.workspace.mesh.localDir);
    return new FileLock(localLockFile(options.workspace));
  }
  const [{ DynamoDBClient }, { requireClients }, { DynamoDbLock }] = await Promise.all([
    import('@aws-sdk/client-dynamodb'),
    import('../aws/clients.js'),
    import('./aws/dynamodb-lock.js'),
  ]);
  const central = options.workspace.mesh.central;
  // The run's clients: the toolkit destroys them at the end of the run, after the lock is released.
  const db = await requireClients(options.clients, 'The aws lock').get(DynamoDBClient, central);
  return new DynamoDbLock(db, `${options.workspace.mesh.name}#${options.target}`);
}

function formatMs(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

export function lockHeldError(holder: LockHolder, where: string, waitedMs: number): MeshError {
  return new MeshError(
    'LockHeld',
    `The ${holder.target} target of mesh ${holder.mesh} is locked by ${holder.user}@${holder.host} (pid ${holder.pid}), ` +
      `running \`${holder.command}\` since ${holder.started}${waitedMs > 0 ? `; waited ${formatMs(waitedMs)}` : ''}.`,
    {
      hint: `Let that run finish, or wait for it with --lock-timeout 5m. If you are sure it is gone: mesh unlock ${holder.id}`,
      details: { holder, lock: where },
    },
  );
}

/** Takes the lock, or throws LockHeld once `timeoutMs` has passed (Interrupted on Ctrl-C while waiting). */
export async function acquireLock(options: LockOptions): Promise<HeldLock> {
  const port = await openLockPort(options);
  const host = options.host;
  const timeoutMs = options.timeoutMs ?? 0;
  const pause = options.sleep ?? sleep;
  const holder = newHolder(options.workspace.mesh.name, options.target, options.command);
  const started = Date.now();
  let delay = 250;
  let announced: string | undefined;
  try {
    for (;;) {
      const attempt = await port.tryAcquire(holder);
      if (attempt.acquired) {
        if (attempt.replaced)
          emit(host, 'warn', 'lock.replaced-expired', { id: attempt.replaced.id, holder: describeHolder(attempt.replaced) });
        return held(port, holder, host);
      }
      const other = attempt.holder;
      if (isStale(other)) {
        if (await port.takeOver(other.id, holder)) {
          emit(host, 'warn', 'lock.taken-over', { id: other.id, holder: describeHolder(other) });
          return held(port, holder, host);
        }
        // Another run is replacing the same dead holder: look again in a moment.
        await pause(100, options.signal);
      } else {
        const waited = Date.now() - started;
        if (options.signal?.aborted) throw interrupted('Stopped waiting for the lock; nothing was changed.');
        if (waited >= timeoutMs) throw lockHeldError(other, port.where, timeoutMs);
        if (announced !== other.id) {
          emit(host, 'info', 'lock.waiting', { id: other.id, holder: describeHolder(other), timeoutMs });
          announced = other.id;
        }
        await pause(Math.min(delay, timeoutMs - waited), options.signal);
        delay = Math.min(5_000, Math.round(delay * 1.5));
      }
      if (options.signal?.aborted) throw interrupted('Stopped waiting for the lock; nothing was changed.');
    }
  } catch (error) {
    if (!options.port) port.close?.();
    throw error;
  }
}

function held(port: LockPort, holder: LockHolder, host: IoHost): HeldLock {
  // Last resort when the process ends without unwinding (a second Ctrl-C exits at once): a local lock is a file
  // and goes synchronously; an aws lock is taken over later (same host, dead pid) or expires with its TTL.
  const onExit = () => port.releaseSync?.(holder.id);
  if (port.releaseSync) process.once('exit', onExit);
  let released = false;
  return {
    holder,
    where: port.where,
    async release() {
      if (released) return;
      released = true;
      process.off('exit', onExit);
      try {
        if (!(await port.release(holder.id))) emit(host, 'warn', 'lock.lost', { id: holder.id });
      } finally {
        port.close?.();
      }
    },
  };
}

/** Runs `fn` holding the target's lock. A failed release is a warning: the run's changes are done by then. */
export async function withLock<T>(options: LockOptions, fn: (lock: HeldLock) => Promise<T>): Promise<T> {
  const lock = await acquireLock(options);
  try {
    return await fn(lock);
  } finally {
    try {
      await lock.release();
    } catch (error) {
      emit(options.host, 'warn', 'lock.release-failed', {
        id: lock.holder.id,
        where: lock.where,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
}

/** `mesh unlock <id>`: releases the current lock when `id` names it, after `confirm`. Returns the released holder. */
export async function unlockTarget(
  options: LockTargetOptions & { readonly id: string; readonly confirm: (holder: LockHolder) => Promise<boolean> },
): Promise<{ holder: LockHolder; where: string }> {
  const port = await openLockPort(options);
  try {
    const current = await port.read();
    const name = `the ${options.target} target of mesh ${options.workspace.mesh.name}`;
    if (!current) {
      throw new MeshError('NotLocked', `Nothing to unlock: ${name} is not locked.`, {
        hint: 'No run holds the lock; nothing was changed.',
        details: { lock: port.where },
      });
    }
    const mismatch = () =>
      new MeshError('LockIdMismatch', `Lock ${options.id} does not hold ${name}: lock ${current.id} does, ${describeHolder(current)}.`, {
        hint: 'Check the id in the LockHeld message. Nothing was changed.',
        details: { holder: current, lock: port.where },
      });
    if (current.id !== options.id) throw mismatch();
    if (!(await options.confirm(current))) {
      throw new MeshError('Aborted', 'Not unlocked.');
    }
    if (!(await port.release(options.id))) throw mismatch();
    return { holder: current, where: port.where };
  } finally {
    if (!options.port) port.close?.();
  }
}
