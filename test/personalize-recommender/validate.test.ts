import { describe, expect, it } from 'vitest';
import type {
  AvroRecordSchema,
  Interaction,
  ItemRecord,
  UserRecord,
  ValidateDatasetsInput,
} from '../../src/personalize/recommender/index.js';
import { parseInteractionsCsv, parseItemsCsv, parseUsersCsv, validateDatasets } from '../../src/personalize/recommender/index.js';
import { airlineText } from '../data/airline/airline.js';

const T0 = 1_700_000_000;

/** 30 users × 40 interactions = 1,200 over items i0..i49, with Items and Users datasets: passes every rule. */
function baseInput(): ValidateDatasetsInput & { interactions: Interaction[]; items: ItemRecord[]; users: UserRecord[] } {
  const interactions: Interaction[] = [];
  for (let u = 0; u < 30; u++) {
    for (let k = 0; k < 40; k++) {
      interactions.push({
        userId: `u${u}`,
        itemId: `i${(u + k) % 50}`,
        timestamp: T0 + u * 1000 + k,
        eventType: 'play',
        eventValue: 1,
        props: { DEVICE: 'mobile' },
      });
    }
  }
  const items = Array.from({ length: 50 }, (_, i): ItemRecord => ({ itemId: `i${i}`, props: { GENRE: `g${i % 5}` } }));
  const users = Array.from({ length: 30 }, (_, u): UserRecord => ({ userId: `u${u}`, props: { COUNTRY: 'DE' } }));
  return { interactions, items, users };
}

const rules = (input: ValidateDatasetsInput): string[] => validateDatasets(input).map((i) => i.rule);

function withInteraction(patch: Partial<Interaction>): ValidateDatasetsInput {
  const input = baseInput();
  input.interactions[7] = { ...(input.interactions[7] as Interaction), ...patch };
  return input;
}

const interactionsSchema = (fields: AvroRecordSchema['fields'], name = 'Interactions'): AvroRecordSchema => ({
  type: 'record',
  name,
  namespace: 'com.amazonaws.personalize.schema',
  fields,
});
const BASE_INTERACTION_FIELDS: AvroRecordSchema['fields'] = [
  { name: 'USER_ID', type: 'string' },
  { name: 'ITEM_ID', type: 'string' },
  { name: 'TIMESTAMP', type: 'long' },
  { name: 'EVENT_TYPE', type: 'string' },
  { name: 'EVENT_VALUE', type: ['float', 'null'] },
  { name: 'DEVICE', type: ['string', 'null'], categorical: true },
];

describe('validateDatasets', () => {
  it('accepts the base data set without any issue', () => {
    expect(validateDatasets(baseInput())).toEqual([]);
  });

  it('reports each rule once with a count, a message and at most 5 examples', () => {
    const input = baseInput();
    for (let k = 0; k < 8; k++) (input.interactions[k] as Interaction).timestamp = 1_700_000_000_000 + k;
    const issues = validateDatasets(input);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ rule: 'timestamp-milliseconds', severity: 'error', count: 8 });
    expect(issues[0]?.message).toMatch(/epoch SECONDS/);
    expect(issues[0]?.examples).toHaveLength(5);
    expect(issues[0]?.examples[0]).toBe('interactions row 1: TIMESTAMP = 1700000000000');
  });

  // [rule, failing input, passing input]
  const cases: [string, () => ValidateDatasetsInput, () => ValidateDatasetsInput][] = [
    ['required-field', () => withInteraction({ userId: '' }), () => withInteraction({ userId: 'u0' })],
    ['timestamp-type', () => withInteraction({ timestamp: T0 + 0.5 }), () => withInteraction({ timestamp: T0 + 1 })],
    ['timestamp-milliseconds', () => withInteraction({ timestamp: 100_000_000_000 }), () => withInteraction({ timestamp: 99_999_999_999 })],
    ['event-value-type', () => withInteraction({ eventValue: Number.NaN }), () => withInteraction({ eventValue: null })],
    ['id-length', () => withInteraction({ userId: 'u'.repeat(257) }), () => withInteraction({ userId: 'u'.repeat(256) })],
    ['reserved-keyword-value', () => withInteraction({ userId: 'USER_ID' }), () => withInteraction({ userId: 'USER_ID_7' })],
    [
      'categorical-value-length',
      () => withInteraction({ props: { DEVICE: 'x'.repeat(1001) } }),
      () => withInteraction({ props: { DEVICE: `${'x'.repeat(1000)}|${'y'.repeat(1000)}` } }),
    ],
    [
      'unknown-item',
      () => withInteraction({ itemId: 'not-in-items' }),
      () => {
        const input = withInteraction({ itemId: 'not-in-items' });
        delete input.items; // the rule applies only when an Items dataset is given
        return input;
      },
    ],
    [
      'duplicate-id',
      () => {
        const input = baseInput();
        input.items.push({ itemId: 'i3', props: { GENRE: 'g9' } });
        return input;
      },
      baseInput,
    ],
    [
      'min-interactions',
      () => ({ ...baseInput(), interactions: baseInput().interactions.slice(0, 999) }),
      () => ({ ...baseInput(), interactions: baseInput().interactions.slice(0, 1000) }),
    ],
    [
      'min-active-users',
      () => {
        const input = baseInput();
        // users 24..29 keep one interaction each → 24 users with ≥ 2; pad with single-interaction users to stay ≥ 1000
        input.interactions = input.interactions.filter((it) => Number(it.userId.slice(1)) < 24 || it.timestamp % 1000 === 0);
        for (let k = 0; k < 50; k++) input.interactions.push({ userId: `solo${k}`, itemId: 'i1', timestamp: T0 + k });
        return input;
      },
      () => {
        const input = baseInput();
        input.interactions = input.interactions.filter((it) => Number(it.userId.slice(1)) < 25 || it.timestamp % 1000 === 0);
        for (let k = 0; k < 50; k++) input.interactions.push({ userId: `solo${k}`, itemId: 'i1', timestamp: T0 + k });
        return input;
      },
    ],
    [
      'interactions-metadata-fields',
      () => withInteraction({ props: { A: '1', B: '1', C: '1', D: '1', E: '1', F: '1' } }),
      () => withInteraction({ props: { A: '1', B: '1', C: '1', D: '1', DEVICE: '1' } }),
    ],
    [
      // EVENT_TYPE + EVENT_VALUE + DEVICE = 3 fields; + 8 event types = 11 > 10
      'event-types-and-metadata',
      () => {
        const input = baseInput();
        input.interactions.forEach((it, k) => {
          it.eventType = `type${k % 8}`;
        });
        return input;
      },
      () => {
        const input = baseInput();
        input.interactions.forEach((it, k) => {
          it.eventType = `type${k % 7}`;
        });
        return input;
      },
    ],
    [
      'items-metadata-fields',
      () => ({ ...baseInput(), items: baseInput().items.map((r) => ({ itemId: r.itemId, props: {} })) }),
      baseInput,
    ],
    [
      'users-metadata-fields',
      () => {
        const props = Object.fromEntries(Array.from({ length: 26 }, (_, k) => [`F${k}`, 'x']));
        return { ...baseInput(), users: [{ userId: 'u0', props }] };
      },
      () => {
        const props = Object.fromEntries(Array.from({ length: 25 }, (_, k) => [`F${k}`, 'x']));
        return { ...baseInput(), users: [{ userId: 'u0', props }] };
      },
    ],
    ['max-items', () => ({ ...baseInput(), limits: { maxItems: 49 } }), () => ({ ...baseInput(), limits: { maxItems: 50 } })],
    [
      'field-name',
      () => withInteraction({ props: { DEVICE: 'x', 'DEVICE-TYPE': 'y' } }),
      () => withInteraction({ props: { DEVICE: 'x', DEVICE_TYPE: 'y' } }),
    ],
    [
      'field-name-collision',
      () => ({ ...baseInput(), items: [{ itemId: 'i0', props: { GENRES_FIELD_1: 'a', GENRESFIELD1: 'b' } }] }),
      () => ({ ...baseInput(), items: [{ itemId: 'i0', props: { GENRES_FIELD_1: 'a', GENRES_FIELD_2: 'b' } }] }),
    ],
    [
      'value-type',
      () => ({
        ...baseInput(),
        items: baseInput().items.map((r, k) => ({ itemId: r.itemId, props: { PRICE: k === 3 ? 'cheap' : '9.5', ON_SALE: 'false' } })),
        schemas: {
          items: {
            type: 'record',
            name: 'Items',
            fields: [
              { name: 'ITEM_ID', type: 'string' },
              { name: 'PRICE', type: 'float' },
              { name: 'ON_SALE', type: 'boolean' },
            ],
          },
        },
      }),
      () => ({
        ...baseInput(),
        items: baseInput().items.map((r) => ({ itemId: r.itemId, props: { PRICE: '9.5', ON_SALE: 'true' } })),
        schemas: {
          items: {
            type: 'record',
            name: 'Items',
            fields: [
              { name: 'ITEM_ID', type: 'string' },
              { name: 'PRICE', type: 'float' },
              { name: 'ON_SALE', type: 'boolean' },
            ],
          },
        },
      }),
    ],
    [
      'schema-invalid',
      () => ({ ...baseInput(), schemas: { interactions: '{not json' } }),
      () => ({ ...baseInput(), schemas: { interactions: JSON.stringify(interactionsSchema(BASE_INTERACTION_FIELDS)) } }),
    ],
    [
      'schema-record-name',
      () => ({ ...baseInput(), schemas: { interactions: interactionsSchema(BASE_INTERACTION_FIELDS, 'Interaction') } }),
      () => ({ ...baseInput(), schemas: { interactions: interactionsSchema(BASE_INTERACTION_FIELDS) } }),
    ],
    [
      'schema-nested',
      () => ({
        ...baseInput(),
        schemas: {
          interactions: interactionsSchema([...BASE_INTERACTION_FIELDS, { name: 'TAGS', type: { type: 'array', items: 'string' } }]),
        },
      }),
      () => ({
        ...baseInput(),
        schemas: {
          interactions: interactionsSchema([...BASE_INTERACTION_FIELDS, { name: 'TAGS', type: ['null', 'string'], categorical: true }]),
        },
      }),
    ],
    [
      'schema-field-type',
      () => ({
        ...baseInput(),
        schemas: { interactions: interactionsSchema([...BASE_INTERACTION_FIELDS, { name: 'RAW', type: ['null', 'bytes'] }]) },
      }),
      () => ({
        ...baseInput(),
        schemas: { interactions: interactionsSchema([...BASE_INTERACTION_FIELDS, { name: 'RAW', type: ['null', 'double'] }]) },
      }),
    ],
    [
      'schema-required-field',
      () => ({
        ...baseInput(),
        schemas: {
          interactions: interactionsSchema(BASE_INTERACTION_FIELDS.map((f) => (f.name === 'TIMESTAMP' ? { ...f, type: 'int' } : f))),
        },
      }),
      () => ({ ...baseInput(), schemas: { interactions: interactionsSchema(BASE_INTERACTION_FIELDS) } }),
    ],
    [
      'schema-reserved-field',
      () => ({
        ...baseInput(),
        schemas: {
          interactions: interactionsSchema(BASE_INTERACTION_FIELDS.map((f) => (f.name === 'EVENT_TYPE' ? { ...f, categorical: true } : f))),
        },
      }),
      () => ({ ...baseInput(), schemas: { interactions: interactionsSchema(BASE_INTERACTION_FIELDS) } }),
    ],
    [
      'schema-string-metadata',
      () => ({
        ...baseInput(),
        schemas: {
          interactions: interactionsSchema(
            BASE_INTERACTION_FIELDS.map((f) => (f.name === 'DEVICE' ? { name: 'DEVICE', type: 'string' } : f)),
          ),
        },
      }),
      () => ({ ...baseInput(), schemas: { interactions: interactionsSchema(BASE_INTERACTION_FIELDS) } }),
    ],
    [
      'schema-textual-field',
      () => ({
        ...baseInput(),
        schemas: {
          users: {
            type: 'record',
            name: 'Users',
            fields: [
              { name: 'USER_ID', type: 'string' },
              { name: 'COUNTRY', type: 'string', textual: true },
            ],
          },
        },
      }),
      () => ({
        ...baseInput(),
        schemas: {
          items: {
            type: 'record',
            name: 'Items',
            fields: [
              { name: 'ITEM_ID', type: 'string' },
              { name: 'GENRE', type: 'string', textual: true },
            ],
          },
        },
      }),
    ],
    [
      'schema-columns',
      () => ({ ...baseInput(), schemas: { interactions: interactionsSchema(BASE_INTERACTION_FIELDS.filter((f) => f.name !== 'DEVICE')) } }),
      () => ({ ...baseInput(), schemas: { interactions: interactionsSchema(BASE_INTERACTION_FIELDS) } }),
    ],
    [
      'schema-column-order',
      () => ({
        ...baseInput(),
        schemas: { interactions: interactionsSchema(BASE_INTERACTION_FIELDS) },
        headers: { interactions: ['ITEM_ID', 'USER_ID', 'TIMESTAMP', 'EVENT_TYPE', 'EVENT_VALUE', 'DEVICE'] },
      }),
      () => ({
        ...baseInput(),
        schemas: { interactions: interactionsSchema(BASE_INTERACTION_FIELDS) },
        headers: { interactions: ['USER_ID', 'ITEM_ID', 'TIMESTAMP', 'EVENT_TYPE', 'EVENT_VALUE', 'DEVICE'] },
      }),
    ],
  ];

  it.each(cases)('%s: reported for the failing data, not for the passing data', (rule, failing, passing) => {
    expect(rules(failing())).toContain(rule);
    expect(rules(passing())).not.toContain(rule);
  });

  it('counts interactions after the eventType / eventValueThreshold filters for the minimum-data rules', () => {
    const input = baseInput();
    input.interactions.forEach((it, k) => {
      it.eventValue = k < 900 ? 1 : 0.1;
    });
    expect(rules(input)).not.toContain('min-interactions');
    const filtered = validateDatasets({ ...input, eventValueThreshold: 0.5 }).find((i) => i.rule === 'min-interactions');
    expect(filtered?.examples).toEqual(['900 interactions']);
    expect(filtered?.count).toBe(100);
  });

  it('finds the stray rows at the end of the airline items file (ITEM_ID "0" twice, "No")', () => {
    const interactions = parseInteractionsCsv(airlineText('df_interactions.csv'));
    const items = parseItemsCsv(airlineText('df_item_deduplicated.csv'));
    const users = parseUsersCsv(airlineText('df_users_deduplicated.csv'));
    const issues = validateDatasets({
      interactions: interactions.records,
      items: items.records,
      users: users.records,
      headers: { interactions: interactions.header, items: items.header, users: users.header },
    });
    expect(issues).toEqual([
      {
        rule: 'duplicate-id',
        severity: 'warning',
        message: 'Duplicate ids: only one record per id is kept.',
        count: 3,
        examples: ['items row 353: ITEM_ID 0', 'items row 354: ITEM_ID 0', 'items row 355: ITEM_ID No'],
      },
    ]);
  });
});
