import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type { LockHolder } from './port.js';

const SECRET_FLAG = /secret|token|password|passwd|credential|key/i;

/** `mesh <words>` from argv, with the value of any secret-looking flag (`--api-key x`, `--token=x`) masked. */
export function commandWords(argv: readonly string[] = process.argv): string {
  const words: string[] = [];
  let maskNext = false;
  for (const word of argv.slice(2)) {
    if (maskNext) {
      words.push('***');
      maskNext = false;
      continue;
    }
    const flag = /^(--?[\w-]+)(=.*)?$/.exec(word);
    if (flag?.[1] && SECRET_FLAG.test(flag[1])) {
      if (flag[2] !== undefined) words.push(`${flag[1]}=***`);
      else {
        words.push(word);
        maskNext = true;
      }
      continue;
    }
    words.push(word);
  }
  const text = ['mesh', ...words].join(' ');
  return text.length > 200 ? `${text.slice(0, 197)}...` : text;
}

function userName(): string {
  try {
    return os.userInfo().username;
  } catch {
    return process.env.USER ?? process.env.USERNAME ?? 'unknown';
  }
}

export function newHolder(mesh: string, target: string, command: string = commandWords()): LockHolder {
  return {
    id: randomUUID(),
    user: userName(),
    host: os.hostname(),
    pid: process.pid,
    command,
    target,
    mesh,
    started: new Date().toISOString(),
  };
}

/** Is `pid` a running process on this host? (EPERM: it runs, as another user.) */
export function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A lock left by a process that is gone: same host, pid not running. Locks from other hosts are never judged here. */
export function isStale(holder: LockHolder): boolean {
  return holder.host === os.hostname() && !pidAlive(holder.pid);
}

function clock(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toTimeString().slice(0, 8);
}

/** `alice@host pid 123 \`mesh apply\` since 12:01:03` */
export function describeHolder(h: LockHolder): string {
  return `${h.user}@${h.host} pid ${h.pid} \`${h.command}\` since ${clock(h.started)}`;
}
