/**
 * What `events produce` shows while it sends: a spinner line on a TTY; when piped, a plain stderr line every
 * EVERY_EVENTS events or every second, whichever comes first (`acknowledged 20000 of 50000 (line 20000)`), so a
 * run that is stopped has said how far it got; nothing with --json (its one document has the counts).
 */
import type { Output } from '../../io/output.js';
import { canSpin, type Spinner, startSpinner } from '../../io/spinner.js';
import type { ProduceProgress } from '../../streams/events/produce-send.js';

const EVERY_EVENTS = 10_000;
const EVERY_MS = 1_000;

export function describeProgress(p: ProduceProgress): string {
  const dups = p.duplicates > 0 ? `, ${p.duplicates} duplicate(s) skipped` : '';
  return `acknowledged ${p.acknowledged} of ${p.total} (line ${p.line}${dups})`;
}

export interface ProgressReporter {
  readonly onProgress: (progress: ProduceProgress) => void;
  /** Clears the spinner (before the result or an error is printed). */
  stop(): void;
}

export function progressReporter(output: Output, topic: string): ProgressReporter {
  if (output.json) return { onProgress: (p) => output.debug(describeProgress(p)), stop: () => {} };
  if (canSpin(output)) {
    let spinner: Spinner | undefined;
    let starting = false;
    let stopped = false;
    let latest = '';
    return {
      onProgress: (p) => {
        latest = `${topic}: ${describeProgress(p)}`;
        if (spinner) spinner.update(latest);
        else if (!starting) {
          starting = true;
          void startSpinner(output, latest).then((s) => {
            spinner = s;
            if (stopped) s.stop(); // the run ended while ora was loading
          });
        }
      },
      stop: () => {
        stopped = true;
        spinner?.stop();
      },
    };
  }
  let printedAt = 0;
  let printedCount = 0;
  return {
    onProgress: (p) => {
      const now = Date.now();
      if (p.acknowledged - printedCount < EVERY_EVENTS && now - printedAt < EVERY_MS) return;
      printedAt = now;
      printedCount = p.acknowledged;
      output.info(describeProgress(p));
    },
    stop: () => {},
  };
}
