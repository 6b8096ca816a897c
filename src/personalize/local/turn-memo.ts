/**
 * A value computed at most once per turn of the event loop (dropped by a setImmediate, i.e. when the poll phase
 * that read the requests has run their handlers). For freshness checks on the serving path (a stat of
 * campaigns.json, SQLite's `PRAGMA data_version`): several requests read in one turn share one system call.
 * Still exact for "a change made before a request was sent is seen by that request": a request handled in this
 * turn was readable when the turn's poll returned, so whatever its client did before sending it (a deploy, a
 * write by another process) had finished by then, before the value was computed in this turn. (libuv polls
 * again within one poll phase only when more than 1,024 descriptors were ready at once; a dev server does not
 * get there.)
 */
export class TurnMemo<T> {
  private value: T | undefined;
  private valid = false;
  private readonly reset = (): void => {
    this.valid = false;
  };

  constructor(private readonly compute: () => T) {}

  get(): T {
    if (!this.valid) {
      this.value = this.compute();
      this.valid = true;
      setImmediate(this.reset).unref();
    }
    return this.value as T;
  }

  /** The next get() computes again (after a write by this process). */
  invalidate(): void {
    this.valid = false;
  }
}
