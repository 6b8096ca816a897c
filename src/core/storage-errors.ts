/**
 * A full disk is the user's to fix, not a bug: ENOSPC/EDQUOT from the file system and SQLITE_FULL from SQLite
 * (better-sqlite3 gives the code, not the file) become one MeshError, `DiskFull`, naming the path and the space needed
 * when the caller knows them. src/cli/main.ts maps errors nobody else mapped with storageError(error).
 */
import { MeshError } from './errors.js';

const FULL_CODES = new Set(['ENOSPC', 'EDQUOT', 'SQLITE_FULL']);

export interface StorageContext {
  /** The file or folder being written. */
  readonly path?: string;
  /** An estimate of the bytes the write needed (e.g. the batch size). */
  readonly bytesNeeded?: number;
}

export function isDiskFull(error: unknown): boolean {
  if (error instanceof MeshError) return error.code === 'DiskFull';
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && FULL_CODES.has(code);
}

/** `1.5 MB`, `640 bytes`. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/** DiskFull for a full-disk error (exit 1); undefined for any other error. */
export function storageError(error: unknown, context: StorageContext = {}): MeshError | undefined {
  if (!isDiskFull(error) || error instanceof MeshError) return undefined;
  const where = context.path ?? (error as NodeJS.ErrnoException).path;
  const need = context.bytesNeeded;
  return new MeshError(
    'DiskFull',
    `The disk is full: could not write ${where ?? 'a file'}${need !== undefined ? ` (about ${formatBytes(need)} more needed)` : ''}.`,
    {
      hint: `Free some space on that disk${where ? ` (\`df -h ${where}\` shows how much is left)` : ''}, then run the command again.`,
      cause: error,
      details: { ...(where ? { path: where } : {}), ...(need !== undefined ? { bytesNeeded: need } : {}) },
    },
  );
}
