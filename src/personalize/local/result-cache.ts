/**
 * The answers a local campaign keeps between requests (per loaded model): a ranked list per request shape,
 * stamped with the events store's generation when it was computed. The runtime uses an entry only while the
 * store reports nothing newer for that user (events) or for everyone (items, another writer); a deploy loads
 * another model, whose cache starts empty. Bounded: the oldest entry goes first.
 */

/** One ranked answer and the store generation it was computed at. */
export interface CachedRanking {
  readonly gen: number;
  readonly items: readonly { itemId: string; score: number }[];
  readonly cold: boolean;
  /** `items` as JSON text, made on first use (the dev server's response body). */
  json?: string;
}

/** Default bound, per loaded model (≈ 2–3 KB an entry at 25 results). */
export const DEFAULT_RESULT_CACHE_SIZE = 10_000;

export class ResultCache {
  private readonly entries = new Map<string, CachedRanking>();

  constructor(readonly size: number) {}

  get enabled(): boolean {
    return this.size > 0;
  }

  /** The key of a request: everything the answer depends on besides the store and the model. */
  static key(
    kind: 'user' | 'item',
    id: string,
    numResults: number,
    filter: string | null | undefined,
    filterValues: Readonly<Record<string, string>> | undefined,
  ): string {
    return `${kind}\u0000${id}\u0000${numResults}\u0000${filter === undefined ? '\u0001' : filter}\u0000${filterValues ? JSON.stringify(filterValues) : ''}`;
  }

  get(key: string): CachedRanking | undefined {
    return this.entries.get(key);
  }

  set(key: string, entry: CachedRanking): void {
    if (!this.enabled) return;
    this.entries.delete(key);
    if (this.entries.size >= this.size) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(key, entry);
  }

  clear(): void {
    this.entries.clear();
  }
}
