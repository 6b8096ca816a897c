/**
 * Personalize's holdout for non-segmentation recipes: a random share of USERS is held out with all their
 * interactions; the rest train the model. Each held-out user's oldest interactions are the model's input and
 * the newest `truthFraction` (at least one) are the truth.
 * Choices the AWS docs leave open (also in this folder's README.md):
 *   - held-out users with < 2 interactions are skipped (no input or no truth);
 *   - truth = distinct items of the newest ceil(truthFraction·n) events that are NOT in the input
 *     (seen items are excluded from recommendations, so they could never be hit); users left with no truth
 *     are skipped and counted.
 */
import { seededRandom, shuffleInPlace } from './random.js';
import type { Interaction } from './types.js';

export interface HoldoutCase {
  userId: string;
  /** Oldest events, in time order: what the model sees. */
  input: Interaction[];
  /** Items of the newest events not already in the input. */
  relevant: Set<string>;
}

export interface HoldoutSplit {
  train: Interaction[];
  cases: HoldoutCase[];
  heldOutUsers: number;
  /** Held-out users not evaluated (fewer than 2 interactions, or truth only repeats input items). */
  skippedUsers: number;
}

export interface HoldoutOptions {
  /** Share of users held out (Personalize: 0.1). */
  holdoutFraction: number;
  /** Share of each held-out user's newest events used as truth (Personalize: 0.1). */
  truthFraction?: number;
  seed: number;
  /**
   * Which block of the seeded user shuffle is held out: fold k holds out users [k·size, (k+1)·size), so folds
   * 0, 1, 2 of one seed are disjoint (repeated holdout without overlap while k·size fits). Default 0.
   */
  fold?: number;
}

export function groupByUser(interactions: readonly Interaction[]): Map<string, Interaction[]> {
  const byUser = new Map<string, Interaction[]>();
  for (const it of interactions) {
    const list = byUser.get(it.userId);
    if (list) list.push(it);
    else byUser.set(it.userId, [it]);
  }
  for (const list of byUser.values()) list.sort((a, b) => a.timestamp - b.timestamp); // stable
  return byUser;
}

export function holdoutSplit(interactions: readonly Interaction[], options: HoldoutOptions): HoldoutSplit {
  const truthFraction = options.truthFraction ?? 0.1;
  const byUser = groupByUser(interactions);
  const users = shuffleInPlace([...byUser.keys()], seededRandom(options.seed));
  const size = Math.round(users.length * options.holdoutFraction);
  const start = size > 0 ? ((options.fold ?? 0) * size) % users.length : 0;
  const heldOut = new Set(users.slice(start, start + size));
  const train: Interaction[] = [];
  for (const it of interactions) if (!heldOut.has(it.userId)) train.push(it);
  const cases: HoldoutCase[] = [];
  let skippedUsers = 0;
  for (const userId of users) {
    if (!heldOut.has(userId)) continue;
    const events = byUser.get(userId) ?? [];
    if (events.length < 2) {
      skippedUsers++;
      continue;
    }
    const nTruth = Math.min(events.length - 1, Math.max(1, Math.ceil(events.length * truthFraction)));
    const input = events.slice(0, events.length - nTruth);
    const inputItems = new Set(input.map((e) => e.itemId));
    const relevant = new Set(events.slice(events.length - nTruth).map((e) => e.itemId));
    for (const id of inputItems) relevant.delete(id);
    if (relevant.size === 0) {
      skippedUsers++;
      continue;
    }
    cases.push({ userId, input, relevant });
  }
  return { train, cases, heldOutUsers: heldOut.size, skippedUsers };
}
