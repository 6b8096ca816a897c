/**
 * Which processes belong to a mesh workspace, read from /proc (Linux): a `mesh dev` (or other mesh command) runs
 * with the workspace as its working folder, and every local function process carries LAMBDA_TASK_ROOT = its
 * handler folder inside the workspace. Used to show that stopping `mesh dev` leaves nothing running.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

export interface WorkspaceProcess {
  readonly pid: number;
  readonly ppid: number;
  /** 'function' (LAMBDA_TASK_ROOT in the workspace) or 'cwd' (runs in the workspace folder). */
  readonly kind: 'function' | 'cwd';
  readonly cmdline: string;
}

function read(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined; // gone meanwhile, or not ours
  }
}

function parentOf(pid: number): number {
  const stat = read(`/proc/${pid}/stat`);
  // pid (comm) state ppid …; comm may hold spaces and parentheses, so split after the last ')'.
  const rest = stat?.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(rest?.[1] ?? -1);
}

function isZombie(pid: number): boolean {
  const stat = read(`/proc/${pid}/stat`);
  return stat?.slice(stat.lastIndexOf(')') + 2).startsWith('Z') ?? false;
}

/** Live processes (zombies excluded) tied to `root`, except this one. */
export function processesOf(root: string): WorkspaceProcess[] {
  const found: WorkspaceProcess[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid === process.pid || isZombie(pid)) continue;
    const environ = read(`/proc/${pid}/environ`);
    const taskRoot = environ
      ?.split('\0')
      .find((v) => v.startsWith('LAMBDA_TASK_ROOT='))
      ?.slice('LAMBDA_TASK_ROOT='.length);
    let cwd: string | undefined;
    try {
      cwd = readlinkSync(`/proc/${pid}/cwd`);
    } catch {
      cwd = undefined;
    }
    const inRoot = (p: string | undefined) => p !== undefined && (p === root || p.startsWith(`${root}/`) || p === `${root} (deleted)`);
    const kind = inRoot(taskRoot) ? 'function' : inRoot(cwd?.replace(/ \(deleted\)$/, '')) ? 'cwd' : undefined;
    if (!kind) continue;
    const cmdline = (read(`/proc/${pid}/cmdline`) ?? '').split('\0').join(' ').trim();
    found.push({ pid, ppid: parentOf(pid), kind, cmdline });
  }
  return found;
}

/** True while the process exists (and is not a zombie). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  return !isZombie(pid);
}

/**
 * Polls `probe` until it returns a value other than undefined, or throws with `what` after `timeoutMs`. Polls start
 * 10 ms apart and back off to `maxIntervalMs`.
 */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs: number,
  maxIntervalMs = 250,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (let wait = 10; ; wait = Math.min(maxIntervalMs, wait * 2)) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
}
