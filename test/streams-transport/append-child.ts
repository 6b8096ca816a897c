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
  /** Print acks of every 50th batch only, so the writer leaves almost no gap between transactions. */
  readonly quiet?: boolean;
  /** Batch counts at which the writer stops until release(n) (see reached()). */
  readonly checkpoints?: readonly number[];
}

export interface AppendChild {
  readonly process: ChildProcess;
  readonly acks: Ack[];
  /** Resolves when `n` acks have been printed. */
  acked(n: number): Promise<void>;
  /** Resolves when the writer has stopped at checkpoint `n`, with every batch before it acknowledged. */
  reached(n: number): Promise<void>;
  /** Lets a writer stopped at checkpoint `n` go on. */
  release(n: number): void;
  /** Resolves with the exit code or signal. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
}

export function spawnAppender(options: AppendChildOptions): AppendChild {
  const child = spawn(process.execPath, [FIXTURE, JSON.stringify(options)], {
    stdio: [options.checkpoints ? 'pipe' : 'ignore', 'pipe', 'pipe'],
  });
  const acks: Ack[] = [];
  const stops = new Set<number>();
  const stopWaiters: Array<{ n: number; resolve: () => void }> = [];
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
      if (tag === 'WAIT') stops.add(Number(partition));
    }
    for (const waiter of stopWaiters.filter((w) => stops.has(w.n))) {
      stopWaiters.splice(stopWaiters.indexOf(waiter), 1);
      waiter.resolve();
    }
    for (const waiter of waiters.filter((w) => acks.length >= w.n)) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal, stderr }));
  });
  const exitedEarly = (what: string) =>
    exited.then(({ code, signal }) => {
      throw new Error(`appender exited (${code ?? signal}) ${what}: ${stderr}`);
    });
  return {
    process: child,
    acks,
    reached: (n) =>
      stops.has(n)
        ? Promise.resolve()
        : Promise.race([new Promise<void>((resolve) => stopWaiters.push({ n, resolve })), exitedEarly(`before checkpoint ${n}`)]),
    release: (n) => {
      child.stdin?.write(`GO ${n}\n`);
    },
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
