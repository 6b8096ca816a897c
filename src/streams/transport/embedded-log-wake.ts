import { EventEmitter } from 'node:events';
import { type FSWatcher, watch } from 'node:fs';
import path from 'node:path';

/**
 * How readers of the embedded log learn that something was written, without polling the file on a timer:
 *   - appends made by this process emit on `appendSignals` at once (EmbeddedLog.produce);
 *   - writes made by other processes are seen by watching the log's folder for changes to its WAL file
 *     (`streams.db-wal`: every SQLite commit writes there), which also emits on `appendSignals`.
 * A wake is only a hint: the reader compares its change mark and reads again. Where the folder cannot be watched
 * (some network file systems), readers fall back to polling (EmbeddedLogOptions.pollIntervalMs).
 */
export const appendSignals = new EventEmitter().setMaxListeners(0);

interface WalWatch {
  watcher: FSWatcher | undefined;
  users: number;
}

/** One watch per log file in this process, shared by its connections. */
const watches = new Map<string, WalWatch>();

/** Starts (or joins) the watch of `file`'s WAL; returns whether writes by other processes will wake readers. */
export function watchWal(file: string): boolean {
  let entry = watches.get(file);
  if (!entry) {
    const created: WalWatch = { watcher: undefined, users: 0 };
    entry = created;
    const wal = `${path.basename(file)}-wal`;
    try {
      // Not persistent: a watch never keeps the process alive. A null name (some platforms) wakes readers too.
      const watcher = watch(path.dirname(file), { persistent: false }, (_event, name) => {
        if (name === null || name === wal) appendSignals.emit(file);
      });
      watcher.on('error', () => {
        watcher.close();
        created.watcher = undefined;
      });
      created.watcher = watcher;
    } catch {
      // the folder cannot be watched here: readers poll
    }
    watches.set(file, created);
  }
  entry.users += 1;
  return entry.watcher !== undefined;
}

/** Leaves the watch of `file`; the last connection to leave closes it. */
export function unwatchWal(file: string): void {
  const entry = watches.get(file);
  if (!entry) return;
  entry.users -= 1;
  if (entry.users > 0) return;
  entry.watcher?.close();
  watches.delete(file);
}
