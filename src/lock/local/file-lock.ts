import { closeSync, mkdirSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AcquireAttempt, LockHolder, LockPort } from '../port.js';

/** A lock file whose content cannot be read this long after it was written is treated as left by a crash. */
const UNREADABLE_GRACE_MS = 5_000;
/** The takeover guard (held for a few file operations) is stale after this long. */
const GUARD_STALE_MS = 10_000;

function code(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException)?.code;
}

/**
 * The local target's lock: `<workspace>/.mesh/state/local.lock`, created with `open(..., 'wx')` (fails when it exists,
 * atomically) and holding the holder as JSON. Release and takeover check the id first, so a run never removes a lock
 * it does not hold.
 */
export class FileLock implements LockPort {
  readonly where: string;

  constructor(readonly file: string) {
    this.where = file;
  }

  async tryAcquire(holder: LockHolder): Promise<AcquireAttempt> {
    for (;;) {
      if (this.create(holder)) return { acquired: true };
      const current = this.readFile();
      if (current !== undefined) return { acquired: false, holder: current };
      // Gone between our create and our read: try again.
    }
  }

  async takeOver(staleId: string, holder: LockHolder): Promise<boolean> {
    // Two runs may find the same dead holder: a guard file (also `wx`) lets one of them replace it.
    const guard = `${this.file}.takeover`;
    let fd: number;
    try {
      fd = openSync(guard, 'wx');
    } catch (error) {
      if (code(error) !== 'EEXIST') throw error;
      if (this.ageMs(guard) > GUARD_STALE_MS) this.unlinkQuietly(guard);
      return false;
    }
    try {
      if (this.readFile()?.id !== staleId) return false;
      this.unlinkQuietly(this.file);
      return this.create(holder);
    } finally {
      closeSync(fd);
      this.unlinkQuietly(guard);
    }
  }

  async release(id: string): Promise<boolean> {
    return this.releaseNow(id);
  }

  releaseSync(id: string): void {
    this.releaseNow(id);
  }

  async read(): Promise<LockHolder | undefined> {
    return this.readFile();
  }

  private releaseNow(id: string): boolean {
    if (this.readFile()?.id !== id) return false;
    this.unlinkQuietly(this.file);
    return true;
  }

  /** true: created with the holder in it; false: it exists. */
  private create(holder: LockHolder): boolean {
    mkdirSync(path.dirname(this.file), { recursive: true });
    let fd: number;
    try {
      fd = openSync(this.file, 'wx', 0o644);
    } catch (error) {
      if (code(error) === 'EEXIST') return false;
      throw error;
    }
    try {
      writeSync(fd, `${JSON.stringify(holder, null, 2)}\n`);
    } finally {
      closeSync(fd);
    }
    return true;
  }

  /** The holder in the file; a file that cannot be parsed is a holder with id `unreadable` (stale after a grace). */
  private readFile(): LockHolder | undefined {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch (error) {
      if (code(error) === 'ENOENT') return undefined;
      throw error;
    }
    try {
      const parsed = JSON.parse(text) as LockHolder;
      if (typeof parsed.id === 'string' && typeof parsed.pid === 'number') return parsed;
    } catch {
      // being written right now, or damaged
    }
    const age = this.ageMs(this.file);
    return {
      id: 'unreadable',
      user: 'unknown',
      host: os.hostname(),
      // A dead pid once the grace has passed, so that the ordinary stale-lock rule takes a damaged file over.
      pid: age > UNREADABLE_GRACE_MS ? -1 : process.pid,
      command: 'unknown',
      target: 'local',
      mesh: 'unknown',
      started: new Date(Date.now() - Math.max(0, age)).toISOString(),
    };
  }

  private ageMs(file: string): number {
    try {
      return Date.now() - statSync(file).mtimeMs;
    } catch {
      return 0;
    }
  }

  private unlinkQuietly(file: string): void {
    try {
      unlinkSync(file);
    } catch (error) {
      if (code(error) !== 'ENOENT') throw error;
    }
  }
}
