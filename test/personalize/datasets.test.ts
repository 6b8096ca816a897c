import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { buildDatasets, datasetSql, toEpochSeconds } from '../../src/personalize/datasets/build.js';
import { checkDatasets, enforceDatasetCheck } from '../../src/personalize/datasets/check.js';
import { openPersonalizeProject } from '../../src/personalize/project.js';
import { trainPersonalize } from '../../src/personalize/service.js';
import { type Fixture, makeFixture, personalizeYaml, recordingOutput } from './helpers.js';

let f: Fixture | undefined;
afterEach(() => f?.cleanup());

const catalogYaml = personalizeYaml()
  .replace(
    'source: { csv: data/interactions.csv }\n    columns: { USER_ID: USER_ID, ITEM_ID: ITEM_ID, TIMESTAMP: TIMESTAMP, EVENT_TYPE: EVENT_TYPE }',
    'source: { product: interactions }\n    columns: { USER_ID: user_id, ITEM_ID: item_id, TIMESTAMP: played_at, EVENT_TYPE: event_type }',
  )
  .replace(
    'source: { csv: data/items.csv }\n    columns: { ITEM_ID: ITEM_ID, CONTENT_TYPE: CONTENT_TYPE, GENRE: GENRE }',
    'source: { transform: items }\n    columns: { ITEM_ID: item_id, CONTENT_TYPE: content_type, GENRE: genre }',
  )
  .replace('source: { csv: data/users.csv }', 'source: { sql: "SELECT user_id AS USER_ID, country AS COUNTRY FROM users;" }');

describe('building the datasets from the domain’s sources', () => {
  it('queries subscribed products, the items transform and SQL; maps columns; timestamps become epoch seconds', async () => {
    f = makeFixture({
      yaml: catalogYaml,
      subscriptions: [{ product: 'interactions' }, { product: 'songs' }, { product: 'podcasts' }, { product: 'users' }],
      transforms: [
        {
          name: 'items',
          sqlFile: 'transforms/items.sql',
          sql: "SELECT song_id AS item_id, 'song' AS content_type, genre FROM songs;",
          output: 'datasets/items.csv',
          engine: 'athena',
        },
      ],
    });
    const project = openPersonalizeProject(f.workspace);
    expect(datasetSql(project, project.config.datasets.interactions)).toBe(
      'SELECT "user_id", "item_id", "played_at", "event_type" FROM "interactions"',
    );
    expect(datasetSql(project, project.config.datasets.items as never)).toBe(
      'SELECT "item_id", "content_type", "genre" FROM (SELECT song_id AS item_id, \'song\' AS content_type, genre FROM songs) AS source',
    );
    const queries: string[] = [];
    const built = await buildDatasets(project, async (sql) => {
      queries.push(sql);
      if (sql.includes('"interactions"')) {
        return [
          { user_id: 'u1', item_id: 's1', played_at: new Date('2024-03-01T10:00:00Z'), event_type: 'play' },
          { user_id: 'u1', item_id: 's2', played_at: '2024-03-01T10:05:00Z', event_type: 'play' },
          { user_id: 'u2', item_id: 's1', played_at: 1709287500000, event_type: 'like' },
          { user_id: 'u2', item_id: 's2', played_at: BigInt(1709287600), event_type: 'play' },
        ];
      }
      if (sql.includes('FROM songs'))
        return [
          { item_id: 's1', content_type: 'song', genre: 'rock' },
          { item_id: 's2', content_type: 'song', genre: null },
        ];
      return [{ USER_ID: 'u1', COUNTRY: 'DE' }];
    });
    expect(queries).toHaveLength(3);
    expect(readFileSync(built.files.interactions?.file as string, 'utf8')).toBe(
      'USER_ID,ITEM_ID,TIMESTAMP,EVENT_TYPE\nu1,s1,1709287200,play\nu1,s2,1709287500,play\nu2,s1,1709287500,like\nu2,s2,1709287600,play\n',
    );
    expect(readFileSync(built.files.items?.file as string, 'utf8')).toBe('ITEM_ID,CONTENT_TYPE,GENRE\ns1,song,rock\ns2,song,\n');
    expect(built.interactions[2]).toMatchObject({ userId: 'u2', itemId: 's1', timestamp: 1709287500, eventType: 'like' });
  });

  it('a product the domain does not subscribe to is named, with the subscribe command', async () => {
    f = makeFixture({ yaml: catalogYaml, subscriptions: [] });
    const project = openPersonalizeProject(f.workspace);
    expect(() => datasetSql(project, project.config.datasets.interactions)).toThrow(
      expect.objectContaining({
        code: 'PersonalizeSourceNotSubscribed',
        hint: expect.stringContaining('mesh subscribe interactions --domain recommendations --table'),
      }),
    );
  });

  it('epoch conversion: seconds, milliseconds (auto above 1e11 or declared), ISO text, dates', () => {
    expect(toEpochSeconds(1709287200, 'auto')).toBe(1709287200);
    expect(toEpochSeconds(1709287200123, 'auto')).toBe(1709287200);
    expect(toEpochSeconds(5000, 'epoch-millis')).toBe(5);
    expect(toEpochSeconds('2024-03-01T10:00:00Z', 'auto')).toBe(1709287200);
    expect(toEpochSeconds('not a time', 'auto')).toBeNaN();
    expect(toEpochSeconds(null, 'auto')).toBeUndefined();
  });
});

describe('validation before anything is uploaded or trained', () => {
  it('each broken rule with its count and a few examples; no version is written', async () => {
    f = makeFixture({ users: 10 });
    const project = openPersonalizeProject(f.workspace);
    const built = await buildDatasets(project, undefined);
    built.interactions[0] = { ...built.interactions[0], itemId: 'ghost-item' } as (typeof built.interactions)[number];
    const result = checkDatasets(project, built);
    const rules = result.errors.map((e) => e.rule);
    expect(rules).toEqual(expect.arrayContaining(['min-interactions', 'min-active-users', 'unknown-item']));
    const unknown = result.errors.find((e) => e.rule === 'unknown-item');
    expect(unknown?.count).toBe(1);
    expect(unknown?.examples[0]).toContain('ghost-item');
    expect(() => enforceDatasetCheck(project, result, recordingOutput())).toThrow(
      /break 3 of Personalize's rules; nothing was uploaded or trained:\n {2}unknown-item \(1\): [^\n]+\n {6}e\.g\. interactions row 1: ITEM_ID ghost-item\n {2}min-interactions/,
    );

    await expect(trainPersonalize({ workspace: f.workspace, target: 'local', host: recordingOutput() })).rejects.toMatchObject({
      code: 'PersonalizeDatasetInvalid',
    });
    const { existsSync } = await import('node:fs');
    expect(existsSync(project.paths.versionsDir)).toBe(false);
  });
});
