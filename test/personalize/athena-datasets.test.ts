// `mesh personalize train` on aws reads its catalog sources through Athena in the consumer domain's account: the SQL
// over the domain's resource links, the work group and output location from personalize.yaml, every page of the
// results, and a FAILED query turned into an error that says what to do. Athena is a small stateful fake on
// aws-sdk-client-mock (queries walk QUEUED → RUNNING → SUCCEEDED one step per GetQueryExecution, results are paged by
// MaxResults with the header row first, as Athena pages them); the end-to-end test runs the same against moto.
import { readFileSync } from 'node:fs';
import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  InvalidRequestException,
  StartQueryExecutionCommand,
  type StartQueryExecutionCommandInput,
  StopQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AwsClients } from '../../src/aws/clients.js';
import { athenaValue, runAthenaSelect } from '../../src/personalize/datasets/athena-query.js';
import { openPersonalizeProject } from '../../src/personalize/project.js';
import { trainPersonalize } from '../../src/personalize/service.js';
import type { Product, Workspace } from '../../src/workspace/model.js';
import { FakePersonalize } from './fake-personalize.js';
import { ACCOUNT, type Fixture, makeFixture, personalizeYaml, REGION, recordingOutput } from './helpers.js';

interface Result {
  readonly columns: readonly { name: string; type: string }[];
  readonly rows: readonly (readonly (string | null)[])[];
}

class FakeAthena {
  readonly stub = mockClient(AthenaClient);
  /** The result a query gets, from its SQL. */
  resultFor: (sql: string) => Result = () => ({ columns: [], rows: [] });
  /** The states a query walks through (the last one stays). */
  statesFor: (sql: string) => { state: string; reason?: string }[] = () => [
    { state: 'QUEUED' },
    { state: 'RUNNING' },
    { state: 'SUCCEEDED' },
  ];
  private readonly queries = new Map<string, { sql: string; states: { state: string; reason?: string }[]; result: Result }>();

  constructor() {
    this.stub.on(StartQueryExecutionCommand).callsFake((input: StartQueryExecutionCommandInput) => {
      const id = `query-${this.queries.size + 1}`;
      const sql = input.QueryString ?? '';
      this.queries.set(id, { sql, states: [...this.statesFor(sql)], result: this.resultFor(sql) });
      return { QueryExecutionId: id };
    });
    this.stub.on(GetQueryExecutionCommand).callsFake((input: { QueryExecutionId: string }) => {
      const q = this.queries.get(input.QueryExecutionId);
      const now = (q?.states.length ?? 0) > 1 ? q?.states.shift() : q?.states[0];
      return {
        QueryExecution: { QueryExecutionId: input.QueryExecutionId, Status: { State: now?.state, StateChangeReason: now?.reason } },
      };
    });
    this.stub.on(StopQueryExecutionCommand).resolves({});
    this.stub.on(GetQueryResultsCommand).callsFake((input: { QueryExecutionId: string; MaxResults?: number; NextToken?: string }) => {
      const q = this.queries.get(input.QueryExecutionId);
      if (!q) throw new Error('unknown query');
      const all = [q.result.columns.map((c) => c.name), ...q.result.rows];
      const from = Number(input.NextToken ?? 0);
      const to = from + (input.MaxResults ?? 1000);
      return {
        ResultSet: {
          Rows: all.slice(from, to).map((row) => ({ Data: row.map((v) => (v === null ? {} : { VarCharValue: v })) })),
          ResultSetMetadata: { ColumnInfo: q.result.columns.map((c) => ({ Name: c.name, Label: c.name, Type: c.type })) },
        },
        ...(to < all.length ? { NextToken: String(to) } : {}),
      };
    });
  }

  starts(): StartQueryExecutionCommandInput[] {
    return this.stub.commandCalls(StartQueryExecutionCommand).map((c) => c.args[0].input);
  }

  /** The NextToken of each GetQueryResults call, per query. */
  pages(): Record<string, (string | undefined)[]> {
    const out: Record<string, (string | undefined)[]> = {};
    for (const c of this.stub.commandCalls(GetQueryResultsCommand)) {
      const { QueryExecutionId = '', NextToken } = c.args[0].input;
      out[QueryExecutionId] = [...(out[QueryExecutionId] ?? []), NextToken];
    }
    return out;
  }
}

const product = (name: string, domain: string): Product => ({
  id: `urn:mesh:music:${domain}:${name}`,
  name,
  domain,
  version: '1.0.0',
  status: 'active',
  description: name,
  owner: { team: domain, contact: `${domain}@example.com` },
  classification: 'internal',
  columns: [],
  file: `/nowhere/${name}.odcs.yaml`,
});

const ITEMS_SQL = `SELECT song_id AS item_id, 'song' AS content_type, CAST(genre AS STRING) AS genre FROM songs
UNION ALL
SELECT episode_id AS item_id, 'podcast' AS content_type, NULL AS genre FROM podcasts;`;

const athenaYaml = personalizeYaml({
  aws: 'aws:\n  roleArn: arn:aws:iam::{account}:role/{mesh}-{domain}-personalize\n  prefix: personalize\n  athenaWorkGroup: recs-wg',
})
  .replace(
    'source: { csv: data/interactions.csv }\n    columns: { USER_ID: USER_ID, ITEM_ID: ITEM_ID, TIMESTAMP: TIMESTAMP, EVENT_TYPE: EVENT_TYPE }',
    'source: { product: listens }\n    columns: { USER_ID: user_id, ITEM_ID: item_id, TIMESTAMP: played_at, EVENT_TYPE: event_type }',
  )
  .replace(
    'source: { csv: data/items.csv }\n    columns: { ITEM_ID: ITEM_ID, CONTENT_TYPE: CONTENT_TYPE, GENRE: GENRE }',
    'source: { transform: items }\n    columns: { ITEM_ID: item_id, CONTENT_TYPE: content_type, GENRE: genre }',
  )
  .replace(
    'source: { csv: data/users.csv }\n    columns: { USER_ID: USER_ID, COUNTRY: COUNTRY }',
    'source: { sql: "SELECT user_id, country FROM users;" }\n    columns: { USER_ID: user_id, COUNTRY: country }',
  );

let f: Fixture;
let workspace: Workspace;
let athena: FakeAthena;
let personalize: FakePersonalize;
let clients: AwsClients;

function setup(options: { usersSubscription?: 'table' | 'stream' } = {}) {
  f = makeFixture({
    yaml: athenaYaml,
    subscriptions: [
      { product: 'listens', table: {} },
      { product: 'songs', table: {} },
      { product: 'podcasts', table: {} },
      options.usersSubscription === 'stream'
        ? { product: 'users', stream: { function: 'users-handler' } as never }
        : { product: 'users', table: { columns: ['user_id', 'country'] } },
    ],
    transforms: [{ name: 'items', sqlFile: 'transforms/items.sql', sql: ITEMS_SQL, output: 'datasets/items.csv', engine: 'athena' }],
  });
  workspace = {
    ...f.workspace,
    mesh: { ...f.workspace.mesh, target: 'aws' },
    products: [product('listens', 'interactions'), product('songs', 'songs'), product('podcasts', 'podcasts'), product('users', 'users')],
  };
}

/** Athena's text for a timestamp column. */
const athenaTimestamp = (epochSeconds: number) => new Date(epochSeconds * 1000).toISOString().replace('T', ' ').replace('Z', '');

function results(sql: string): Result {
  const d = f.data;
  if (sql.includes('mesh_interactions.listens')) {
    return {
      columns: [
        { name: 'user_id', type: 'varchar' },
        { name: 'item_id', type: 'varchar' },
        { name: 'played_at', type: 'timestamp' },
        { name: 'event_type', type: 'varchar' },
      ],
      rows: d.interactions.map((i) => [i.userId, i.itemId, athenaTimestamp(i.timestamp), i.eventType ?? null]),
    };
  }
  if (sql.includes('mesh_songs.songs')) {
    return {
      columns: ['item_id', 'content_type', 'genre'].map((name) => ({ name, type: 'varchar' })),
      rows: d.items.map((i) => [i.itemId, String(i.props.CONTENT_TYPE), i.props.GENRE === undefined ? null : String(i.props.GENRE)]),
    };
  }
  return {
    columns: ['user_id', 'country'].map((name) => ({ name, type: 'varchar' })),
    rows: d.users.map((u) => [u.userId, u.props.COUNTRY === undefined ? null : String(u.props.COUNTRY)]),
  };
}

const ctx = (output = recordingOutput(), signal?: AbortSignal, sleep: () => Promise<void> = async () => {}) => ({
  workspace,
  target: 'aws' as const,
  host: output,
  clients,
  sleep,
  ...(signal ? { signal } : {}),
});

beforeEach(() => {
  athena = new FakeAthena();
  athena.resultFor = results;
  personalize = new FakePersonalize();
  clients = new AwsClients();
});
afterEach(() => {
  athena.stub.restore();
  personalize.restore();
  clients.destroy();
  f?.cleanup();
});

describe('personalize train on aws: the datasets through Athena', () => {
  it('runs one SELECT per dataset over the resource links, in the work group, with results under <bucket>/<prefix>/athena/', async () => {
    setup();
    const result = await trainPersonalize(ctx());
    const common = {
      QueryExecutionContext: { Catalog: 'AwsDataCatalog' },
      ResultConfiguration: { OutputLocation: `s3://music-recommendations-${ACCOUNT}/personalize/athena/` },
      WorkGroup: 'recs-wg',
    };
    expect(athena.starts()).toEqual([
      {
        QueryString: `SELECT "item_id", "content_type", "genre" FROM (SELECT song_id AS item_id, 'song' AS content_type, CAST(genre AS VARCHAR) AS genre FROM mesh_songs.songs
UNION ALL
SELECT episode_id AS item_id, 'podcast' AS content_type, NULL AS genre FROM mesh_podcasts.podcasts) AS source`,
        ...common,
      },
      { QueryString: 'SELECT "user_id", "country" FROM (SELECT user_id, country FROM mesh_users.users) AS source', ...common },
      { QueryString: 'SELECT "user_id", "item_id", "played_at", "event_type" FROM mesh_interactions.listens', ...common },
    ]);
    // In the domain's region (its account's client), and every page read: 4,320 rows + the header in pages of 1,000.
    expect(await (athena.stub.call(0).thisValue as AthenaClient).config.region()).toBe(REGION);
    expect(athena.pages()).toEqual({
      'query-1': [undefined],
      'query-2': [undefined],
      'query-3': [undefined, '1000', '2000', '3000', '4000'],
    });

    const interactions = result.datasets.find((d) => d.type === 'interactions');
    expect(interactions?.rows).toBe(f.data.interactions.length);
    expect(readFileSync(interactions?.file ?? '', 'utf8')).toBe(
      `USER_ID,ITEM_ID,TIMESTAMP,EVENT_TYPE\n${f.data.interactions.map((i) => `${i.userId},${i.itemId},${i.timestamp},${i.eventType}\n`).join('')}`,
    );
    const items = readFileSync(result.datasets.find((d) => d.type === 'items')?.file ?? '', 'utf8');
    expect(items).toBe(
      `ITEM_ID,CONTENT_TYPE,GENRE\n${f.data.items.map((i) => `${i.itemId},${i.props.CONTENT_TYPE},${i.props.GENRE ?? ''}\n`).join('')}`,
    );
    // What was uploaded is what Athena answered.
    const uploaded = personalize.s3.commandCalls(PutObjectCommand).find((c) => c.args[0].input.Key?.includes('/interactions/'));
    expect(String(uploaded?.args[0].input.Body)).toBe(readFileSync(interactions?.file ?? '', 'utf8'));
  });

  it('a FAILED query stops the run with Athena’s reason and what to do; nothing is uploaded', async () => {
    setup();
    const reason = "TABLE_NOT_FOUND: line 1:60: Table 'awsdatacatalog.mesh_songs.songs' does not exist";
    athena.statesFor = () => [{ state: 'QUEUED' }, { state: 'RUNNING' }, { state: 'FAILED', reason }];
    const error = await trainPersonalize(ctx()).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'AthenaTableMissing',
      message: expect.stringContaining(reason),
      hint: expect.stringContaining('mesh subscribe <product> --domain recommendations --table'),
      details: expect.objectContaining({ queryExecutionId: 'query-1', status: 'FAILED', workGroup: 'recs-wg' }),
    });
    expect(athena.stub.commandCalls(GetQueryExecutionCommand)).toHaveLength(3);
    expect(athena.stub.commandCalls(GetQueryResultsCommand)).toHaveLength(0);
    expect(personalize.s3.commandCalls(PutObjectCommand)).toHaveLength(0);
    expect(personalize.mutations()).toEqual([]);

    athena.statesFor = () => [{ state: 'FAILED', reason: 'Insufficient Lake Formation permission(s) on songs' }];
    await expect(trainPersonalize(ctx())).rejects.toMatchObject({
      code: 'AccessDenied',
      hint: expect.stringContaining('athena:StartQueryExecution'),
    });
  });

  it('a missing work group names the setting in personalize.yaml', async () => {
    setup();
    athena.stub
      .on(StartQueryExecutionCommand)
      .rejects(new InvalidRequestException({ message: 'WorkGroup recs-wg is not found.', $metadata: {} }));
    const project = openPersonalizeProject(workspace);
    await expect(trainPersonalize(ctx())).rejects.toMatchObject({
      code: 'AthenaWorkGroupMissing',
      message: `The Athena work group "recs-wg" does not exist in account ${ACCOUNT} (${REGION}, domain recommendations).`,
      hint: expect.stringContaining(`aws.athenaWorkGroup in ${project.config.file}`),
    });
  });

  it('a product read without table access is named before any query', async () => {
    setup({ usersSubscription: 'stream' });
    await expect(trainPersonalize(ctx())).rejects.toMatchObject({
      code: 'PersonalizeSourceNotSubscribed',
      hint: expect.stringContaining('mesh subscribe users --domain recommendations --table'),
    });
    expect(athena.starts().map((s) => s.QueryString?.includes('mesh_songs.songs'))).toEqual([true]);
  });

  it('Ctrl-C while a query runs stops it in Athena', async () => {
    setup();
    athena.statesFor = () => [{ state: 'RUNNING' }];
    const controller = new AbortController();
    const error = await trainPersonalize(ctx(recordingOutput(), controller.signal, async () => controller.abort())).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 'Interrupted' });
    expect(athena.stub.commandCalls(StopQueryExecutionCommand).map((c) => c.args[0].input)).toEqual([{ QueryExecutionId: 'query-1' }]);
  });

  it('the work group defaults to primary', () => {
    setup();
    const yaml = readFileSync(f.domain.personalizeFile ?? '', 'utf8').replace('\n  athenaWorkGroup: recs-wg', '');
    f.cleanup();
    f = makeFixture({ yaml });
    expect(openPersonalizeProject(f.workspace).config.aws.athenaWorkGroup).toBe('primary');
  });
});

describe('Athena’s text values as the local query gives them', () => {
  it('numbers, booleans, timestamps (UTC, ISO), dates, arrays and NULL', async () => {
    expect([
      athenaValue('42', 'bigint'),
      athenaValue('9007199254740993', 'bigint'),
      athenaValue('2.5', 'double'),
      athenaValue('true', 'boolean'),
      athenaValue('2024-03-01 10:00:00.000', 'timestamp'),
      athenaValue('2024-03-01 10:00:00.000 UTC', 'timestamp(3) with time zone'),
      athenaValue('2024-03-01', 'date'),
      athenaValue('[rock, pop]', 'array'),
      athenaValue('', 'varchar'),
      athenaValue(undefined, 'varchar'),
    ]).toEqual([
      42,
      '9007199254740993',
      2.5,
      true,
      '2024-03-01T10:00:00.000Z',
      '2024-03-01T10:00:00.000Z',
      '2024-03-01',
      ['rock', 'pop'],
      '',
      null,
    ]);

    setup();
    athena.resultFor = () => ({
      columns: [
        { name: 'user_id', type: 'varchar' },
        { name: 'plays', type: 'integer' },
      ],
      rows: [
        ['u1', '3'],
        ['u2', null],
      ],
    });
    const rows = await runAthenaSelect(
      {
        workspace,
        domain: f.domain,
        athena: await clients.get(AthenaClient, f.domain.access),
        workGroup: 'primary',
        outputLocation: 's3://b/athena/',
        configFile: 'personalize.yaml',
        host: recordingOutput(),
        sleep: async () => {},
        pageSize: 1,
      },
      'SELECT user_id, plays FROM listens',
    );
    expect(rows).toEqual([
      { user_id: 'u1', plays: 3 },
      { user_id: 'u2', plays: null },
    ]);
    expect(athena.pages()).toEqual({ 'query-1': [undefined, '1', '2'] });
  });
});
