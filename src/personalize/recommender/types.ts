/**
 * Data shapes of the local recommendation engine. They mirror Amazon Personalize's datasets:
 * an Item interactions dataset (USER_ID, ITEM_ID, TIMESTAMP, EVENT_TYPE, EVENT_VALUE + metadata),
 * an Items dataset (ITEM_ID + metadata) and a Users dataset (USER_ID + metadata).
 */

/** A metadata value. Values read from CSV are strings (empty field → null). */
export type PropValue = string | number | boolean | null;
export type Props = Record<string, PropValue>;

export interface Interaction {
  userId: string;
  itemId: string;
  /** Unix epoch SECONDS (Personalize's TIMESTAMP long). */
  timestamp: number;
  eventType?: string;
  eventValue?: number | null;
  sessionId?: string;
  /** Metadata columns of the interactions dataset (e.g. DEVICE, CABIN_TYPE). */
  props?: Props;
}

export interface ItemRecord {
  itemId: string;
  props: Props;
}

export interface UserRecord {
  userId: string;
  props: Props;
}

export interface Datasets {
  interactions: readonly Interaction[];
  items?: readonly ItemRecord[];
  users?: readonly UserRecord[];
}

export type RecipeName = 'user-personalization' | 'popularity-count' | 'similar-items';
export const RECIPE_NAMES: readonly RecipeName[] = ['user-personalization', 'popularity-count', 'similar-items'];

/** How a model scores items. `ease` and `item-knn` are item-item models; `popularity` ignores the user. */
export type ScoringMethod = 'ease' | 'item-knn' | 'popularity';

export interface ScoredItem {
  itemId: string;
  score: number;
}
