/**
 * The lock port: one lock per mesh and target, held by a run that changes the target (publish-product, subscribe,
 * unsubscribe, apply, personalize train/deploy/rollback, transform). Two adapters: local/ (a file in the workspace's
 * state, created with `wx`) and aws/ (a conditional write to a DynamoDB table in the central account).
 */

/** The DynamoDB table of the aws adapter: `mesh bootstrap` creates it in the central account (else the first lock does). */
export const LOCK_TABLE = 'mesh-locks';

/** Who holds the lock. Stored as JSON (local) or as item attributes (aws). Never holds secrets. */
export interface LockHolder {
  /** Random; `mesh unlock <id>` names it. */
  readonly id: string;
  readonly user: string;
  readonly host: string;
  readonly pid: number;
  /** The command words, e.g. `mesh publish-product songs` (values of secret-looking flags masked). */
  readonly command: string;
  readonly target: string;
  readonly mesh: string;
  /** ISO time. */
  readonly started: string;
}

export type AcquireAttempt =
  | {
      readonly acquired: true;
      /** An expired lock that was replaced (aws TTL), to warn about. */
      readonly replaced?: LockHolder;
    }
  | { readonly acquired: false; readonly holder: LockHolder };

export interface LockPort {
  /** Where the lock lives, for messages: a file path or `dynamodb://table/key`. */
  readonly where: string;
  /** Creates the lock when nobody holds it, atomically; otherwise answers who holds it. */
  tryAcquire(holder: LockHolder): Promise<AcquireAttempt>;
  /** Replaces the lock only while `staleId` still holds it (a dead holder). false: someone else got there first. */
  takeOver(staleId: string, holder: LockHolder): Promise<boolean>;
  /** Removes the lock only while `id` holds it. false: it was not held by `id` (any more). */
  release(id: string): Promise<boolean>;
  /** The same, synchronously, from a process `exit` handler; adapters that cannot (aws) leave it out. */
  releaseSync?(id: string): void;
  /** The current holder, if any. */
  read(): Promise<LockHolder | undefined>;
  close?(): void;
}
