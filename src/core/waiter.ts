import { MeshError } from './errors.js';
import type { IoHost } from './messages.js';
import { startProgress } from './progress.js';

/** One observation of a long-running job (an import, a training run, a campaign, a topic, a mapping). */
export interface JobStatus {
  readonly status: string;
  readonly done: boolean;
  readonly failed: boolean;
  readonly reason?: string;
}

export interface WaitOptions {
  /** What is being waited on, e.g. `solution version music-recs/3`. */
  readonly label: string;
  readonly poll: () => Promise<JobStatus>;
  /** Where the wait shows its progress (`progress.*` messages: a spinner on a TTY, plain lines otherwise). */
  readonly host: IoHost;
  readonly initialDelayMs?: number;
  readonly maxDelayMs?: number;
  readonly factor?: number;
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  /** Shown when the wait is interrupted or times out, e.g. "Run `mesh personalize status` to resume." */
  readonly resumeHint?: string;
  /** Injected in tests to avoid real time. */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly now?: () => number;
}

/** Longest delay setTimeout takes as given (2^31-1 ms); longer ones fire at once, with a warning. */
const MAX_TIMER_MS = 2_147_483_647;

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    // A delay computed as `deadline - now` can be negative (Node 24 warns: TimeoutNegativeWarning) or NaN.
    const timer = setTimeout(done, Math.min(Math.max(0, Number.isNaN(ms) ? 0 : ms), MAX_TIMER_MS));
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

function formatElapsed(ms: number): string {
  const s = Math.floor(ms / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

/**
 * The one waiter: polls with exponential backoff (and jitter), reports the resource, its status and the elapsed time
 * as progress messages (the CLI shows a spinner on a TTY, plain lines on status changes otherwise), and stops cleanly
 * on abort, leaving the job resumable.
 */
export async function waitFor(options: WaitOptions): Promise<JobStatus> {
  const now = options.now ?? Date.now;
  const pause = options.sleep ?? sleep;
  const start = now();
  let delay = options.initialDelayMs ?? 2000;
  const maxDelay = options.maxDelayMs ?? 60_000;
  const factor = options.factor ?? 1.6;
  const progress = startProgress(options.host, `${options.label}: checking…`);
  try {
    for (;;) {
      if (options.signal?.aborted) {
        progress.end(false);
        throw new MeshError('Interrupted', `Stopped waiting for ${options.label}; it goes on in the background.`, {
          hint: options.resumeHint,
        });
      }
      const status = await options.poll();
      const elapsed = formatElapsed(now() - start);
      if (status.failed) {
        progress.end(false, `${options.label}: ${status.status} after ${elapsed}`);
        throw new MeshError('JobFailed', `${options.label} ended ${status.status}${status.reason ? `: ${status.reason}` : ''}.`, {
          hint: options.resumeHint,
          details: { status: status.status, reason: status.reason },
        });
      }
      if (status.done) {
        progress.end(true, `${options.label}: ${status.status} (${elapsed})`);
        return status;
      }
      progress.update(`${options.label}: ${status.status} (${elapsed})`);
      if (options.timeoutMs !== undefined && now() - start > options.timeoutMs) {
        progress.end(false, `${options.label}: still ${status.status} after ${elapsed}`);
        throw new MeshError('WaitTimeout', `${options.label} is still ${status.status} after ${elapsed}.`, { hint: options.resumeHint });
      }
      const jitter = 0.8 + Math.random() * 0.4;
      await pause(Math.round(delay * jitter), options.signal);
      delay = Math.min(maxDelay, delay * factor);
    }
  } finally {
    progress.end(false);
  }
}
