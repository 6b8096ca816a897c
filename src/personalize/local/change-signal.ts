/**
 * Freshness checks without a system call per request, for a long-lived server (`mesh dev`): a value read from the
 * file system (a stat of campaigns.json or outputs.json, SQLite's `PRAGMA data_version`) is computed again only
 * after a change notification (inotify, through fs.watch) for its directory. Without a working watch the value
 * is computed once per event-loop turn instead (TurnMemo), as before.
 *
 * Why it is exact, for "a change completed before a request was sent is seen by that request":
 * - The kernel queues the notification inside the system call that makes the change (write, rename), so the
 *   watch descriptor is readable before that call returns, hence before the request's first byte can arrive.
 * - libuv takes every ready descriptor of one `epoll_wait` and runs their callbacks in one poll phase; the
 *   notification is in the poll phase that reads the request, or an earlier one. Inside that phase the order is
 *   not guaranteed (a keep-alive socket reported in the previous turn is still on epoll's ready list, ahead of
 *   the notification), so a request must not decide in its socket callback: it first awaits `afterPoll()`, which
 *   resolves in the check phase that follows, when every callback of that poll phase has run.
 * - A value is reused only while no notification arrived after it was computed; a notification that arrived
 *   before it was computed belongs to a change the computation already saw (it was made before).
 * Limits, where it falls back to per-turn checks: any platform but Linux (macOS's FSEvents and Windows' directory
 * notifications arrive later, from another thread, so the first point does not hold); a directory that cannot
 * be watched (absent, inotify limits, some network file systems); a directory replaced or removed (its watch is
 * dropped and armed again). Not exact: a PARENT directory moved away and the path made again (the watch follows
 * the moved directory; a timer compares the path's inode every second and arms again). A change
 * written through a shared memory map makes no notification, but the files checked here are changed by
 * write/rename only (SQLite writes a commit to its WAL with pwrite).
 */
import { type FSWatcher, statSync, watch } from 'node:fs';
import path from 'node:path';
import { TurnMemo } from './turn-memo.js';

/** Only inotify queues the notification inside the changing system call (see above). */
const NOTIFIES_SYNCHRONOUSLY = process.platform === 'linux';
/** How often the watched path is checked for a directory moved away with its parent. */
const PATH_CHECK_MS = 1_000;

let settled: Promise<void> | undefined;

/**
 * Resolves in the check phase of this event-loop turn: after every callback of the poll phase that read the
 * caller's request (one setImmediate shared by all the requests of a turn).
 */
export function afterPoll(): Promise<void> {
  settled ??= new Promise<void>((resolve) => {
    setImmediate(() => {
      settled = undefined;
      resolve();
    });
  });
  return settled;
}

/** Change notifications for one directory (its entries' writes, renames, deletions). */
export class DirSignal {
  /** Grows with every notification (and when the watch is armed again). */
  count = 0;
  private watcher: FSWatcher | undefined;
  private ino = -1;
  private closed = false;
  /** Without a watch, arming again is tried at most once per event-loop turn. */
  private retried = false;
  private readonly allowRetry = (): void => {
    this.retried = false;
  };
  /** A notification about the directory itself (removed or moved: its watch is dead), or one that may be. */
  private suspect = false;
  private readonly base: string;
  private readonly bump = (eventType: string, filename: string | Buffer | null): void => {
    this.count++;
    // inotify reports the directory's own removal or move under its own name (a new directory made at the same
    // path may even get the same inode number)
    if (eventType === 'rename' && (filename === null || String(filename) === this.base)) this.suspect = true;
  };

  private readonly timer: NodeJS.Timeout;

  constructor(readonly dir: string) {
    this.base = path.basename(dir);
    this.arm();
    this.timer = setInterval(() => {
      if (!this.watcher) return;
      const s = statSync(this.dir, { throwIfNoEntry: false });
      if (!s || s.ino !== this.ino) this.arm();
    }, PATH_CHECK_MS);
    this.timer.unref();
  }

  /** True while notifications arrive for the directory now at `dir`. */
  get live(): boolean {
    return this.watcher !== undefined;
  }

  /**
   * After a notification: still the same directory? (It may have been removed or replaced.) Else arm again.
   * Without a watch (the directory did not exist yet, or went away): try to arm, once per turn at most.
   */
  verify(): void {
    if (this.closed || !NOTIFIES_SYNCHRONOUSLY) return;
    if (!this.watcher || this.suspect) {
      if (this.retried && !this.suspect) return;
      this.retried = true;
      setImmediate(this.allowRetry).unref();
      this.arm();
      return;
    }
    const s = statSync(this.dir, { throwIfNoEntry: false });
    if (!s || s.ino !== this.ino) this.arm();
  }

  private arm(): void {
    this.drop();
    this.suspect = false;
    if (this.closed || !NOTIFIES_SYNCHRONOUSLY) return;
    try {
      // watch first, then identify: a change after the stat makes a notification
      const w = watch(this.dir, { persistent: false });
      w.on('change', this.bump);
      w.on('error', () => {
        this.drop();
        this.count++;
      });
      this.watcher = w;
      this.ino = statSync(this.dir).ino;
    } catch {
      this.drop();
    }
    this.count++;
  }

  private drop(): void {
    const w = this.watcher;
    this.watcher = undefined;
    this.ino = -1;
    if (w) {
      w.off('change', this.bump);
      w.on('error', () => undefined);
      w.close();
    }
  }

  close(): void {
    clearInterval(this.timer);
    this.closed = true;
    this.drop();
  }
}

/**
 * A value that depends on files in `signal`'s directory: computed again only after a notification for it.
 * Read it only after `afterPoll()` in the request's handling (see the module comment); without a live watch it
 * is computed once per event-loop turn.
 */
export class WatchedValue<T> {
  private seen = -1;
  private value: T | undefined;
  private readonly memo: TurnMemo<T>;

  constructor(
    private readonly signal: DirSignal,
    private readonly compute: () => T,
  ) {
    this.memo = new TurnMemo(compute);
  }

  get(): T {
    const s = this.signal;
    if (s.live && s.count === this.seen) return this.value as T;
    s.verify();
    if (!s.live) {
      this.seen = -1;
      return this.memo.get();
    }
    this.seen = s.count;
    this.value = this.compute();
    return this.value;
  }

  /** The next get() computes again. */
  invalidate(): void {
    this.seen = -1;
    this.memo.invalidate();
  }
}
