import {
  appendFileSync,
  closeSync,
  fstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  renameSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';

/**
 * The local state: a cache of what mesh created (ids, ARNs, versions) and a ledger (journal) of what was done.
 * It is never the only record: on aws the truth is what the accounts hold (found by deterministic names and tags);
 * on local the truth is the embedded stores. Losing this file costs a re-observe, nothing else.
 */
export interface StateEntry {
  readonly key: string;
  readonly action: string;
  readonly at: string;
  readonly attributes?: Readonly<Record<string, unknown>>;
}

export interface StateFile {
  readonly version: 1;
  /** Bytes of the journal the snapshot includes: entries after it are replayed on read. */
  journalBytes?: number;
  resources: Record<string, StateEntry>;
  /** Free-form records kept by planes (e.g. a Personalize job in progress, to resume). */
  records: Record<string, unknown>;
}

/** How often, at most, the snapshot is rewritten while changes are recorded (the journal has every change at once). */
const SNAPSHOT_INTERVAL_MS = 500;

export class StateStore {
  private data: StateFile;
  private lastFlush = 0;
  readonly file: string;
  readonly journal: string;

  constructor(dir: string, name: string) {
    mkdirSync(dir, { recursive: true });
    this.file = path.join(dir, `${name}.json`);
    this.journal = path.join(dir, `${name}.journal.jsonl`);
    this.data = StateStore.read(this.file);
    this.replayJournal();
  }

  private static read(file: string): StateFile {
    try {
      const parsed = JSON.parse(readFileSync(file, 'utf8')) as StateFile;
      if (parsed && parsed.version === 1) return { ...parsed, records: parsed.records ?? {} };
    } catch {
      // missing or unreadable: start empty (the cache is rebuilt by observing)
    }
    return { version: 1, resources: {}, records: {} };
  }

  /**
   * The snapshot is rewritten at most every SNAPSHOT_INTERVAL_MS (rewriting it per change made an apply quadratic in
   * its changes); every change is appended to the journal at once, and the entries after the snapshot's
   * `journalBytes` are applied here. A torn last line (a kill mid-write) is ignored.
   */
  private replayJournal(): void {
    const from = this.data.journalBytes;
    if (from === undefined) return; // a snapshot from before the journal offset: it was written per change
    let fd: number;
    try {
      fd = openSync(this.journal, 'r');
    } catch {
      return;
    }
    try {
      const size = fstatSync(fd).size;
      if (size <= from) return;
      const buffer = Buffer.alloc(size - from);
      readSync(fd, buffer, 0, buffer.length, from);
      // End a torn line, so the next entry appended starts a line of its own.
      if (buffer[buffer.length - 1] !== 0x0a) appendFileSync(this.journal, '\n');
      for (const line of buffer.toString('utf8').split('\n')) {
        if (line.trim() === '') continue;
        try {
          this.apply(JSON.parse(line) as StateEntry);
        } catch {
          // a torn line at the end
        }
      }
    } finally {
      closeSync(fd);
    }
  }

  private apply(entry: StateEntry): void {
    if (entry.action === 'delete' || entry.action === 'revoke') delete this.data.resources[entry.key];
    else this.data.resources[entry.key] = entry;
  }

  get(key: string): StateEntry | undefined {
    return this.data.resources[key];
  }

  all(): StateEntry[] {
    return Object.values(this.data.resources);
  }

  record(key: string, action: string, attributes?: Record<string, unknown>): void {
    const entry: StateEntry = { key, action, at: new Date().toISOString(), ...(attributes ? { attributes } : {}) };
    this.apply(entry);
    appendFileSync(this.journal, `${JSON.stringify(entry)}\n`);
    if (Date.now() - this.lastFlush >= SNAPSHOT_INTERVAL_MS) this.flush();
  }

  getRecord<T>(name: string): T | undefined {
    return this.data.records[name] as T | undefined;
  }

  setRecord(name: string, value: unknown): void {
    if (value === undefined) delete this.data.records[name];
    else this.data.records[name] = value;
    this.flush();
  }

  /** Atomic write: temp file then rename, so an interrupted write never leaves half a file. */
  flush(): void {
    this.data.journalBytes = journalSize(this.journal);
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(this.data, null, 2)}\n`);
    renameSync(tmp, this.file);
    this.lastFlush = Date.now();
  }
}

function journalSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}
