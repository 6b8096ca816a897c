/** Types of src-operations.mjs (a plain Node script, also run on its own). */
export function srcOperations(): { operations: string[]; unknown: string[]; where: Map<string, Set<string>> };
export function reachedOperations(options?: { fromSrc?: boolean }): Set<string>;
