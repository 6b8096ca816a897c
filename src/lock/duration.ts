import { usageError } from '../core/errors.js';

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** `0s`, `30s`, `1.5m`, `2h`, `500ms`; a bare number is seconds. Throws a usage error naming the flag. */
export function parseDuration(value: string, flag = '--lock-timeout'): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(value);
  if (!match?.[1]) throw usageError(`${flag} takes a duration such as 0s, 30s, 5m or 1h (got "${value}").`);
  return Math.round(Number(match[1]) * (UNITS[match[2] ?? 's'] ?? 1000));
}
