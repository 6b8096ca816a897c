/**
 * Schema compatibility modes, with the AWS Glue Schema Registry names as the canonical spelling.
 * Confluent's `*_TRANSITIVE` spellings are accepted and mapped to Glue's `*_ALL`.
 */
import { configError, didYouMean } from '../../core/errors.js';

export const COMPATIBILITY_MODES = ['NONE', 'DISABLED', 'BACKWARD', 'BACKWARD_ALL', 'FORWARD', 'FORWARD_ALL', 'FULL', 'FULL_ALL'] as const;
export type CompatibilityMode = (typeof COMPATIBILITY_MODES)[number];

const CONFLUENT_SPELLINGS: Readonly<Record<string, CompatibilityMode>> = {
  BACKWARD_TRANSITIVE: 'BACKWARD_ALL',
  FORWARD_TRANSITIVE: 'FORWARD_ALL',
  FULL_TRANSITIVE: 'FULL_ALL',
};

export function isCompatibilityMode(value: string): value is CompatibilityMode {
  return (COMPATIBILITY_MODES as readonly string[]).includes(value);
}

/** `backward`, `BACKWARD_TRANSITIVE`, `full-all` → the Glue mode. Throws MeshError `CompatibilityModeUnknown`. */
export function parseCompatibilityMode(text: string): CompatibilityMode {
  const upper = text.trim().toUpperCase().replace(/-/g, '_');
  if (isCompatibilityMode(upper)) return upper;
  const mapped = CONFLUENT_SPELLINGS[upper];
  if (mapped) return mapped;
  const known = [...COMPATIBILITY_MODES, ...Object.keys(CONFLUENT_SPELLINGS)];
  throw configError('CompatibilityModeUnknown', `Unknown schema compatibility mode "${text}".`, {
    hint: didYouMean(upper, known) ?? `Use one of ${COMPATIBILITY_MODES.join(', ')}.`,
  });
}

export interface ModeChecks {
  /** New schema must read data written with older versions. */
  readonly backward: boolean;
  /** Older versions must read data written with the new schema. */
  readonly forward: boolean;
  /** Check every previous version, not only the latest. */
  readonly transitive: boolean;
  /** No new versions may be registered at all. */
  readonly disabled: boolean;
}

export function modeChecks(mode: CompatibilityMode): ModeChecks {
  const transitive = mode.endsWith('_ALL');
  const base = mode.replace(/_ALL$/, '');
  return {
    backward: base === 'BACKWARD' || base === 'FULL',
    forward: base === 'FORWARD' || base === 'FULL',
    transitive,
    disabled: mode === 'DISABLED',
  };
}
