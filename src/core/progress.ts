/**
 * Progress as messages: a long step (a wait on AWS, an import) says it started, how it goes and how it ended. The
 * CLI's host shows a spinner on a TTY and plain lines on state changes otherwise (src/io/spinner.ts renders); a
 * library caller's host sees the same three codes.
 */
import { emit, type IoHost } from './messages.js';

declare module './messages.js' {
  interface MessageCatalog {
    /**
     * A step that may take a while began; `id` ties the updates and the end to it. `step`: a step of a command
     * (planning, training) that shows only once it runs past a second, and ends with the time it took.
     */
    'progress.start': { readonly id: string; readonly text: string; readonly step?: boolean };
    'progress.update': { readonly id: string; readonly text: string };
    /** The step ended: `ok` false when it failed; no `text` when it stops without a last word (an error follows). */
    'progress.end': { readonly id: string; readonly ok: boolean; readonly text?: string };
  }
}

export interface Progress {
  update(text: string): void;
  /** Ends the step with a last line (`ok` false: it failed). Only the first end counts. */
  end(ok: boolean, text?: string): void;
}

let counter = 0;

export function startProgress(host: IoHost, text: string, options: { readonly step?: boolean } = {}): Progress {
  counter += 1;
  const id = `progress-${counter}`;
  let ended = false;
  emit(host, 'info', 'progress.start', options.step ? { id, text, step: true } : { id, text });
  return {
    update: (t) => {
      if (!ended) emit(host, 'info', 'progress.update', { id, text: t });
    },
    end: (ok, t) => {
      if (ended) return;
      ended = true;
      emit(host, 'info', 'progress.end', t === undefined ? { id, ok } : { id, ok, text: t });
    },
  };
}

/**
 * Runs `work` as a step of a command (`progress.start` with `step`): on the CLI, nothing shows unless it runs past a
 * second; then a spinner (TTY) or a plain line, and at the end `doneText` (default: `text`) with the time it took.
 */
export async function withProgress<T>(host: IoHost, text: string, work: () => Promise<T>, doneText?: (result: T) => string): Promise<T> {
  const progress = startProgress(host, text, { step: true });
  try {
    const result = await work();
    progress.end(true, doneText?.(result) ?? text);
    return result;
  } catch (error) {
    progress.end(false);
    throw error;
  }
}
