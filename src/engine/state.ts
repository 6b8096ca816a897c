import { appendFileSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
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
  resources: Record<string, StateEntry>;
  /** Free-form records kept by planes (e.g. a Personalize job in progress, to resume). */
  records: Record<string, unknown>;
}

export class StateStore {
  private data: StateFile;
  readonly file: string;
  readonly journal: string;

  constructor(dir: string, name: string) {
    mkdirSync(dir, { recursive: true });
    this.file = path.join(dir, `${name}.json`);
    this.journal = path.join(dir, `${name}.journal.jsonl`);
    this.data = StateStore.read(this.file);
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

  get(key: string): StateEntry | undefined {
    return this.data.resources[key];
  }

  all(): StateEntry[] {
    return Object.values(this.data.resources);
  }

  record(key: string, action: string, attributes?: Record<string, unknown>): void {
    const entry: StateEntry = { key, action, at: new Date().toISOString(), ...(attributes ? { attributes } : {}) };
    if (action === 'delete' || action === 'revoke') delete this.data.resources[key];
    else this.data.resources[key] = entry;
    appendFileSync(this.journal, `${JSON.stringify(entry)}\n`);
    this.flush();
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
  private flush(): void {
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(this.data, null, 2)}\n`);
    renameSync(tmp, this.file);
  }
}
