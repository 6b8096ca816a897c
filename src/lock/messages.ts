/** What the run lock tells the host (waiting, taken over, lost). Rendered in src/cli/render/messages/lock.ts. */

/** Who holds a lock, as a line names it (`alice@host pid 42 \`mesh apply\` since 10:00:00`), and its id. */
export interface LockHolderMessage {
  readonly id: string;
  readonly holder: string;
}

declare module '../core/messages.js' {
  interface MessageCatalog {
    /** The run took the lock over from an expired holder. */
    'lock.replaced-expired': LockHolderMessage;
    /** The run took the lock over from a holder whose process is gone (same host). */
    'lock.taken-over': LockHolderMessage;
    'lock.waiting': LockHolderMessage & { readonly timeoutMs: number };
    /** On release the lock was no longer this run's (someone ran `mesh unlock`). */
    'lock.lost': { readonly id: string };
    'lock.release-failed': { readonly id: string; readonly where: string; readonly error: string };
  }
}
