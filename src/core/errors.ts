/**
 * The one error type of mesh. Library code throws it; only src/cli/main.ts turns it into an exit code.
 * Its code is one of the registered codes (src/core/error-codes.ts), which also fixes its exit code; the README's
 * "Exit codes" section lists them all.
 */
import { type ErrorCode, type ExitCode, exitCodeOf } from './error-codes.js';

export { type ErrorCode, ExitCode } from './error-codes.js';

/** Where an error points in the workspace files (1-based line and column). */
export interface SourceLocation {
  readonly file: string;
  readonly line?: number;
  readonly column?: number;
  /** Field path inside the file, e.g. `schema[0].properties[2].name`. */
  readonly path?: string;
}

export interface MeshErrorOptions {
  readonly hint?: string;
  readonly location?: SourceLocation;
  readonly cause?: unknown;
  /** Extra machine-readable detail for --json. Never put secrets here. */
  readonly details?: Record<string, unknown>;
}

/**
 * code: a stable PascalCase identifier users can search for (e.g. `ConfigInvalid`, `AccessDenied`), registered in
 * src/core/error-codes.ts with its exit code. message: what went wrong, in words a user can act on. hint: what to do.
 */
export class MeshError extends Error {
  readonly code: ErrorCode;
  readonly hint?: string;
  readonly exitCode: ExitCode;
  readonly location?: SourceLocation;
  readonly details?: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, options: MeshErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'MeshError';
    this.code = code;
    this.hint = options.hint;
    this.exitCode = exitCodeOf(code);
    this.location = options.location;
    this.details = options.details;
  }

  toJSON(): Record<string, unknown> {
    return {
      code: this.code,
      message: this.message,
      ...(this.hint ? { hint: this.hint } : {}),
      ...(this.location ? { location: this.location } : {}),
      ...(this.details ? { details: this.details } : {}),
    };
  }
}

/** A bad flag or argument combination. Exit 2. */
export function usageError(message: string, hint?: string): MeshError {
  return new MeshError('UsageError', message, { hint });
}

/** A workspace file that is wrong (the registry gives these codes exit 2). */
export function configError(code: ErrorCode, message: string, options: MeshErrorOptions = {}): MeshError {
  return new MeshError(code, message, options);
}

/** The user interrupted (Ctrl-C) or declined. Exit 130. */
export function interrupted(message = 'Interrupted.', hint?: string): MeshError {
  return new MeshError('Interrupted', message, { hint });
}

export function isMeshError(error: unknown): error is MeshError {
  return error instanceof MeshError;
}

/** Levenshtein distance, for "did you mean" hints. */
export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0] ?? 0;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j] ?? 0;
      row[j] = Math.min((row[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length] ?? 0;
}

/** The closest candidate to `word`, when it is close enough to be a likely typo. */
export function closestMatch(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const d = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

/** "Did you mean X?" or undefined. */
export function didYouMean(word: string, candidates: readonly string[]): string | undefined {
  const match = closestMatch(word, candidates);
  return match ? `Did you mean "${match}"?` : undefined;
}
