/** Shapes shared by the dataset and schema rules: issues, limits, and a collector that keeps ≤ 5 examples. */

export type Severity = 'error' | 'warning';

export interface ValidationIssue {
  /** Stable code, e.g. 'min-interactions'. */
  rule: string;
  severity: Severity;
  message: string;
  /** How many records (or fields) break the rule. */
  count: number;
  /** Up to 5 examples, e.g. "interactions row 12: TIMESTAMP 1712345678901". */
  examples: string[];
}

/**
 * Personalize's data limits. Minimums and interactions limits from the current developer guide and quotas page;
 * users/items metadata maxima are the current ones (25 / 100; the June-2023 guide said 5 / 50).
 */
export interface DatasetLimits {
  minInteractions: number;
  minActiveUsers: number;
  minInteractionsPerActiveUser: number;
  maxIdLength: number;
  maxCategoricalLength: number;
  maxInteractionMetadataFields: number;
  maxEventTypesPlusMetadataFields: number;
  maxUserMetadataFields: number;
  maxItemMetadataFields: number;
  maxItems: number;
  /** TIMESTAMP at or above this is taken for milliseconds (1e11 s is the year 5138; 1e11 ms is 1973). */
  millisecondsThreshold: number;
}

export const PERSONALIZE_LIMITS: Readonly<DatasetLimits> = {
  minInteractions: 1000,
  minActiveUsers: 25,
  minInteractionsPerActiveUser: 2,
  maxIdLength: 256,
  maxCategoricalLength: 1000,
  maxInteractionMetadataFields: 5,
  maxEventTypesPlusMetadataFields: 10,
  maxUserMetadataFields: 25,
  maxItemMetadataFields: 100,
  maxItems: 750_000,
  millisecondsThreshold: 1e11,
};

export const MAX_EXAMPLES = 5;

export class IssueCollector {
  private readonly byRule = new Map<string, ValidationIssue>();

  /** Records one violation; the first message given for a rule is kept. */
  add(rule: string, severity: Severity, message: string, example?: string, count = 1): void {
    let issue = this.byRule.get(rule);
    if (!issue) {
      issue = { rule, severity, message, count: 0, examples: [] };
      this.byRule.set(rule, issue);
    }
    issue.count += count;
    if (example !== undefined && issue.examples.length < MAX_EXAMPLES) issue.examples.push(example);
  }

  /** Errors first, then warnings; each in the order first seen. */
  list(): ValidationIssue[] {
    const all = [...this.byRule.values()];
    return [...all.filter((i) => i.severity === 'error'), ...all.filter((i) => i.severity === 'warning')];
  }
}

export type DatasetKind = 'interactions' | 'items' | 'users';

/** Record name each Avro schema must have. */
export const SCHEMA_RECORD_NAMES: Record<DatasetKind, string> = {
  interactions: 'Interactions',
  items: 'Items',
  users: 'Users',
};

/** Reserved interaction fields that do not count as metadata (IMPRESSION etc.). */
export const INTERACTION_RESERVED_NON_METADATA = [
  'USER_ID',
  'ITEM_ID',
  'TIMESTAMP',
  'IMPRESSION',
  'RECOMMENDATION_ID',
  'EVENT_ATTRIBUTION_SOURCE',
];
/** Reserved fields that count as metadata in the "event types + metadata ≤ 10" rule. */
export const INTERACTION_RESERVED_METADATA = ['EVENT_TYPE', 'EVENT_VALUE'];
export const RESERVED_FIELD_NAMES = [...INTERACTION_RESERVED_NON_METADATA, ...INTERACTION_RESERVED_METADATA, 'CREATION_TIMESTAMP'];

export function truncate(value: string, max = 60): string {
  return value.length > max ? `${value.slice(0, max)}…` : value;
}
