import type { RetryNotice } from '../../../aws/retry.js';
import type { AreaRenderers } from './types.js';

/** `40 ms`, `1.2 s`. */
function formatDelay(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** The line a person sees, e.g. `Lake Formation is throttling (ThrottlingException); retrying in 1.2 s (attempt 3 of 10)`. */
export function describeRetry(n: RetryNotice): string {
  const what =
    n.kind === 'throttling'
      ? `${n.service} is throttling (${n.error})`
      : n.status !== undefined
        ? `${n.service} answered ${n.status} (${n.error})`
        : `${n.service} did not answer (${n.error})`;
  return `${what}; retrying in ${formatDelay(n.delayMs)} (attempt ${n.attempt} of ${n.maxAttempts})`;
}

export const awsRenderers: AreaRenderers<'aws'> = {
  'aws.retry': (d, s) => s.yellow(d.heldBack > 0 ? `${describeRetry(d)} (+${d.heldBack} more since the last line)` : describeRetry(d)),
};
