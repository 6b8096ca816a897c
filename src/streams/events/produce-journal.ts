/**
 * The produce journal: how far `mesh events produce --file F` got, so `--resume` continues after the last
 * acknowledged line. One small JSON file per (topic, file) under `<workspace>/.mesh/state/produce/<topic>/`, named
 * by a hash of the file's absolute path, rewritten (write + rename, so never half-written) after every acknowledged
 * batch. It holds a fingerprint of the file (size, mtime, a hash of its first 64 KB): a journal for a file that has
 * changed since is stale and is not resumed from.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { storageError } from '../../core/storage-errors.js';

const HEAD_BYTES = 64 * 1024;

export interface FileFingerprint {
  readonly size: number;
  readonly mtimeMs: number;
  /** sha256 of the first 64 KB, hex. */
  readonly head: string;
}

export interface JournalState extends FileFingerprint {
  readonly version: 1;
  readonly file: string;
  readonly topic: string;
  /** 'embedded' or 'kafka': a journal written against one transport says nothing about the other. */
  readonly transport: string;
  /** The last line of the file whose event (and every event before it) the transport acknowledged; 0: none. */
  readonly lastLine: number;
  /** Events acknowledged through lastLine (stored or, on the embedded log, found already stored). */
  readonly acknowledged: number;
  /** Every event of the file was acknowledged. */
  readonly complete: boolean;
  readonly updatedAt: string;
}

export function fingerprint(file: string, text: string): FileFingerprint {
  const stat = statSync(file);
  const head = createHash('sha256').update(Buffer.from(text, 'utf8').subarray(0, HEAD_BYTES)).digest('hex');
  return { size: stat.size, mtimeMs: stat.mtimeMs, head };
}

export function sameFile(a: FileFingerprint, b: FileFingerprint): boolean {
  return a.size === b.size && a.mtimeMs === b.mtimeMs && a.head === b.head;
}

export class ProduceJournal {
  readonly path: string;

  constructor(
    workspaceRoot: string,
    readonly topic: string,
    readonly file: string,
  ) {
    const id = createHash('sha256').update(path.resolve(file)).digest('hex').slice(0, 24);
    this.path = path.join(workspaceRoot, '.mesh', 'state', 'produce', topic, `${id}.json`);
  }

  /** The previous run's state; undefined when there is none (or it cannot be read: then it is rewritten). */
  read(): JournalState | undefined {
    try {
      const state = JSON.parse(readFileSync(this.path, 'utf8')) as JournalState;
      return state.version === 1 && typeof state.lastLine === 'number' ? state : undefined;
    } catch {
      return undefined;
    }
  }

  write(state: Omit<JournalState, 'version' | 'file' | 'topic' | 'updatedAt'>): void {
    const full: JournalState = {
      version: 1,
      file: path.resolve(this.file),
      topic: this.topic,
      ...state,
      updatedAt: new Date().toISOString(),
    };
    const tmp = `${this.path}.${process.pid}.tmp`;
    try {
      mkdirSync(path.dirname(this.path), { recursive: true });
      writeFileSync(tmp, `${JSON.stringify(full, null, 2)}\n`);
      renameSync(tmp, this.path);
    } catch (error) {
      throw storageError(error, { path: this.path, bytesNeeded: 1024 }) ?? error;
    }
  }
}
