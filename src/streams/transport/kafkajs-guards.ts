/**
 * A guard around a kafkajs 2.2.4 defect (tulios/kafkajs#1751, #1704; fixes proposed in #1755/#1768, unmerged, the
 * project is unmaintained). RequestQueue.scheduleCheckPendingRequests computes `throttledUntil - Date.now()` with
 * `throttledUntil = -1` when no broker throttled us, and hands that negative delay to setTimeout: Node clamps it to
 * 1 ms (so it re-checks an empty queue every millisecond), and Node 24 also prints `TimeoutNegativeWarning:
 * -17… is a negative number` once per process. The replacement keeps kafkajs' behaviour where it matters (pending
 * requests, or an active throttle, are re-checked on time) and schedules nothing for an empty, unthrottled queue:
 * a request pushed later schedules its own check (RequestQueue.push). Applied once, only when the method still
 * has the shape it was written for, so a kafkajs upgrade that changes it is left alone.
 */

const CHECK_PENDING_REQUESTS_INTERVAL = 10; // kafkajs' own constant

interface RequestQueueShape {
  throttledUntil: number;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  pending: unknown[];
  checkPendingRequests(): void;
  scheduleCheckPendingRequests(): void;
}

let applied = false;

/** The delay kafkajs should have used: never negative; undefined when no check is needed. */
export function pendingCheckDelay(throttledUntil: number, now: number, pending: number): number | undefined {
  const untilUnthrottled = throttledUntil - now;
  if (pending > 0) return untilUnthrottled > 0 ? untilUnthrottled : CHECK_PENDING_REQUESTS_INTERVAL;
  return untilUnthrottled > 0 ? untilUnthrottled : undefined;
}

export async function guardKafkaJs(): Promise<void> {
  if (applied) return;
  applied = true;
  let RequestQueue: { prototype: RequestQueueShape } | undefined;
  try {
    const loaded = (await import('kafkajs/src/network/requestQueue/index.js' as string)) as {
      default?: { prototype: RequestQueueShape };
    };
    RequestQueue = loaded.default;
  } catch {
    return; // a kafkajs without this file: nothing to guard
  }
  const proto = RequestQueue?.prototype;
  if (!proto || typeof proto.scheduleCheckPendingRequests !== 'function') return;
  if (!String(proto.scheduleCheckPendingRequests).includes('this.throttledUntil - Date.now()')) return;
  proto.scheduleCheckPendingRequests = function scheduleCheckPendingRequests(this: RequestQueueShape) {
    if (this.throttleCheckTimeoutId) return;
    const delay = pendingCheckDelay(this.throttledUntil, Date.now(), this.pending.length);
    if (delay === undefined) return;
    this.throttleCheckTimeoutId = setTimeout(() => {
      this.throttleCheckTimeoutId = null;
      this.checkPendingRequests();
    }, delay);
  };
}
