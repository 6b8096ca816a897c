/**
 * How every AWS client made by AwsClients retries: the SDK's standard retry rules (throttling and transient errors:
 * 5xx, dropped connections, timeouts), with jittered exponential backoff and no client-side rate limiter, and a
 * notice for each retry so the user sees which service is throttling and how long the wait is.
 *
 * Why not the SDK's `adaptive` mode: its rate limiter cuts the send rate after each throttle and recovers slowly, so
 * 10% throttling made a 100-table publish 5-20x slower (and 30% needed re-runs). mesh already bounds its own
 * concurrency (the apply engine), which is what keeps the request rate in check. Measured in bench/aws-faults.mjs.
 *
 * The strategy does not sleep itself: it returns a token carrying the delay, and the SDK's retry middleware waits
 * (and stops waiting when the call's abortSignal fires), as @smithy/types' RetryToken documents.
 */
import type { RetryErrorInfo, RetryStrategyV2, RetryToken } from '@smithy/types';
import { emit, type IoHost } from '../core/messages.js';

/** One retry about to happen. */
export interface RetryNotice {
  /** The service, as people name it: `Lake Formation`, `Glue`, `S3`. */
  readonly service: string;
  /** The error's name or code: `ThrottlingException`, `InternalFailure`, `ECONNRESET`. */
  readonly error: string;
  readonly kind: 'throttling' | 'transient';
  /** HTTP status of the failed attempt, when there was an answer. */
  readonly status?: number;
  readonly delayMs: number;
  /** The attempt about to be made (2 = the first retry). */
  readonly attempt: number;
  readonly maxAttempts: number;
}

export type RetryListener = (notice: RetryNotice) => void;

declare module '../core/messages.js' {
  interface MessageCatalog {
    /** An AWS call is retried. At most one per service every few seconds: `heldBack` says how many were not sent. */
    'aws.retry': RetryNotice & { readonly heldBack: number };
  }
}

export interface RetryPolicy {
  readonly maxAttempts: number;
  /** Backoff base after a throttling error (ms): the n-th retry waits up to base·2ⁿ⁻¹ (full jitter). */
  readonly throttlingBaseMs: number;
  /** Backoff base after a transient error (5xx, dropped connection, timeout). */
  readonly transientBaseMs: number;
  /** No single wait is longer than this. */
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 3, throttlingBaseMs: 500, transientBaseMs: 100, maxDelayMs: 20_000 };

const SERVICE_NAMES: Record<string, string> = {
  LakeFormation: 'Lake Formation',
  PersonalizeEvents: 'Personalize Events',
  PersonalizeRuntime: 'Personalize Runtime',
  Kafka: 'MSK',
  STS: 'STS',
  IAM: 'IAM',
};

/** `LakeFormationClient` → `Lake Formation`. */
export function serviceDisplayName(clientName: string): string {
  const base = clientName.replace(/Client$/, '');
  return SERVICE_NAMES[base] ?? base;
}

class Token implements RetryToken {
  constructor(
    private readonly count: number,
    private readonly delay: number,
  ) {}
  getRetryCount(): number {
    return this.count;
  }
  getRetryDelay(): number {
    return this.delay;
  }
}

/** The error's code for a network failure (`ECONNRESET`, which the SDK names `TimeoutError`), else its name. */
function errorLabel(error: RetryErrorInfo['error']): string {
  const e = error as { name?: string; code?: unknown } | undefined;
  if (typeof e?.code === 'string' && /^E[A-Z]+$/.test(e.code)) return e.code;
  return e?.name && e.name !== 'Error' ? e.name : 'no answer';
}

/** Standard retries with full-jitter exponential backoff, reporting each retry to a listener. */
export class ReportingRetryStrategy implements RetryStrategyV2 {
  readonly mode = 'standard';
  private readonly policy: RetryPolicy;

  constructor(
    private readonly service: string,
    policy: Partial<RetryPolicy> = {},
    private readonly onRetry?: RetryListener,
    private readonly random: () => number = Math.random,
  ) {
    this.policy = { ...DEFAULT_RETRY_POLICY, ...policy };
  }

  async acquireInitialRetryToken(): Promise<RetryToken> {
    return new Token(0, 0);
  }

  async refreshRetryTokenForRetry(token: RetryToken, info: RetryErrorInfo): Promise<RetryToken> {
    const retries = token.getRetryCount();
    const retryable = info.errorType === 'THROTTLING' || info.errorType === 'TRANSIENT';
    // The middleware rethrows the call's own error when this throws.
    if (!retryable || retries + 1 >= this.policy.maxAttempts) throw new Error('no retry');
    const delayMs = this.delay(info, retries);
    this.onRetry?.({
      service: this.service,
      error: errorLabel(info.error),
      kind: info.errorType === 'THROTTLING' ? 'throttling' : 'transient',
      status: (info.error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode,
      delayMs,
      attempt: retries + 2,
      maxAttempts: this.policy.maxAttempts,
    });
    return new Token(retries + 1, delayMs);
  }

  recordSuccess(): void {}

  /** Full jitter: uniform in [0, min(cap, base·2ʳ)], at least 1 ms; a server's Retry-After is honoured (≤ +5 s). */
  private delay(info: RetryErrorInfo, retries: number): number {
    const base = info.errorType === 'THROTTLING' ? this.policy.throttlingBaseMs : this.policy.transientBaseMs;
    const ceiling = Math.min(this.policy.maxDelayMs, base * 2 ** retries);
    let delay = Math.max(1, Math.floor(this.random() * ceiling));
    if (info.retryAfterHint instanceof Date) {
      const hinted = info.retryAfterHint.getTime() - Date.now();
      if (Number.isFinite(hinted)) delay = Math.max(delay, Math.min(hinted, delay + 5_000));
    }
    return delay;
  }
}

/**
 * Retry notices as `aws.retry` messages to the run's host: retries come in storms, so at most one message per service
 * every `windowMs`; the next one after a quiet spell says how many were held back.
 */
export function retryReporter(host: IoHost, windowMs = 3_000, now: () => number = Date.now): RetryListener {
  const last = new Map<string, { at: number; held: number }>();
  return (notice) => {
    const t = now();
    const seen = last.get(notice.service);
    if (seen && t - seen.at < windowMs) {
      seen.held++;
      return;
    }
    last.set(notice.service, { at: t, held: 0 });
    emit(host, 'info', 'aws.retry', { ...notice, heldBack: seen?.held ?? 0 });
  };
}
