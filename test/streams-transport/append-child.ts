// Spawns fixtures/append-loop.mjs and collects its acknowledgements.
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const FIXTURE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'append-loop.mjs');

export interface Ack {
  readonly partition: number;
  readonly offset: number;
  readonly key: string;
  readonly seq: number;
}

export interface AppendChildOptions {
  readonly bundle: string;
  readonly dir: string;
  readonly topic: string;
  readonly partitions: number;
  readonly keys: number;
  /** 0: append until killed. */
  readonly count: number;
  readonly writer: string;
  readonly batch?: number;
  /** Epoch ms at which to start appending (lines several children up). */
  readonly startAt?: number;
  /** Print acks of every 50th batch only, so the writer leaves almost no gap between transactions. */
  readonly quiet?: boolean;
}

export interface AppendChild {
  readonly process: ChildProcess;
  readonly acks: Ack[];
  /** Resolves when `n` acks have been printed. */
  acked(n: number): Promise<void>;
  /** Resolves with the exit code or signal. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
}

export function spawnAppender(options: AppendChildOptions): AppendChild {
  const child = spawn(process.execPath, [FIXTURE, JSON.stringify(options)], { stdio: ['ignore', 'pipe', 'pipe'] });
  const acks: Ack[] = [];
  const waiters: Array<{ n: number; resolve: () => void }> = [];
  let pending = '';
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  child.stdout?.on('data', (chunk: Buffer) => {
    pending += chunk.toString();
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      const [tag, partition, offset, key, seq] = line.split(' ');
      if (tag === 'ACK') acks.push({ partition: Number(partition), offset: Number(offset), key: key ?? '', seq: Number(seq) });
    }
    for (const waiter of waiters.filter((w) => acks.length >= w.n)) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal, stderr }));
  });
  return {
    process: child,
    acks,
    acked: (n) =>
      acks.length >= n
        ? Promise.resolve()
        : Promise.race([
            new Promise<void>((resolve) => waiters.push({ n, resolve })),
            exited.then(({ code, signal }) => {
              throw new Error(`appender exited (${code ?? signal}) after ${acks.length} acks: ${stderr}`);
            }),
          ]),
    exited,
  };
}
