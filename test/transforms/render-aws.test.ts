// The items merge on aws: the same SQL, product names rewritten to the consumer's resource links, as a Glue job
// (PySpark script + CreateJob) or an Athena query.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderAthenaQuery, renderGlueJob, renderTransform, rewriteTableReferences, tableNamesIn } from '../../src/transforms/index.js';
import type { Domain, Transform, Workspace } from '../../src/workspace/model.js';
import { type Fixture, musicFixture } from '../catalog/fixtures.js';
import { REPO_ROOT } from '../handlers/handler-harness.js';

const ITEMS_SQL = `-- songs and podcasts in one items table
SELECT CAST(song_id AS VARCHAR) AS item_id, 'song' AS content_type, genre, title
FROM songs
UNION ALL
SELECT podcast_id AS item_id, 'podcast' AS content_type, genre, title
FROM podcasts;
`;

function items(engine: Transform['engine']): Transform {
  return {
    name: 'items',
    sqlFile: '/ws/domains/recommendations/transforms/items.sql',
    sql: ITEMS_SQL,
    output: 'datasets/items.csv',
    engine,
  };
}

describe('table references', () => {
  it('rewrites names in FROM and JOIN only, keeping strings, comments, qualifiers and CTEs', () => {
    const sql = `WITH songs_recent AS (SELECT * FROM songs WHERE genre <> 'FROM podcasts')
-- FROM songs in a comment stays
SELECT s.song_id, songs.title, p.title FROM songs_recent s
JOIN podcasts AS p ON p.genre = s.genre, "songs" q LEFT JOIN other.podcasts o ON TRUE
WHERE s.song_id IN (SELECT song_id FROM songs)`;
    const { sql: out, replaced } = rewriteTableReferences(
      sql,
      new Map([
        ['songs', 'mesh_music.songs'],
        ['podcasts', 'mesh_podcasts.podcasts'],
      ]),
    );
    expect(replaced).toEqual(['songs', 'podcasts']);
    expect(out).toBe(`WITH songs_recent AS (SELECT * FROM mesh_music.songs WHERE genre <> 'FROM podcasts')
-- FROM songs in a comment stays
SELECT s.song_id, songs.title, p.title FROM songs_recent s
JOIN mesh_podcasts.podcasts AS p ON p.genre = s.genre, mesh_music.songs q LEFT JOIN other.podcasts o ON TRUE
WHERE s.song_id IN (SELECT song_id FROM mesh_music.songs)`);
  });

  it('finds the products of the example items transform', () => {
    const file = path.join(REPO_ROOT, 'templates', 'examples', 'music-streaming', 'domains', 'recommendations', 'transforms', 'items.sql');
    expect(tableNamesIn(readFileSync(file, 'utf8'))).toEqual(['songs', 'podcasts']);
  });
});

describe('renderGlueJob / renderAthenaQuery', () => {
  let fx: Fixture;
  let ws: Workspace;
  let recommendations: Domain;

  beforeAll(() => {
    fx = musicFixture({ target: 'aws' });
    ws = {
      ...fx.workspace,
      domains: fx.workspace.domains.map((d) => (d.name === 'recommendations' ? { ...d, transforms: [items('glue')] } : d)),
    };
    const found = ws.domains.find((d) => d.name === 'recommendations');
    if (!found) throw new Error('fixture without recommendations');
    recommendations = found;
  });
  afterAll(() => fx.cleanup());

  const expectedSpark = `-- songs and podcasts in one items table
SELECT CAST(song_id AS STRING) AS item_id, 'song' AS content_type, genre, title
FROM mesh_music.songs
UNION ALL
SELECT podcast_id AS item_id, 'podcast' AS content_type, genre, title
FROM mesh_podcasts.podcasts`;

  it('generates a Glue job: the SQL preserved, tables read through the resource links, and CreateJob', () => {
    const job = renderGlueJob(ws, recommendations, 'items');
    const bucket = `music-recommendations-${fx.accounts.consumer}`;

    expect(job.sql).toBe(expectedSpark);
    expect(job.tables).toEqual([
      { sqlName: 'songs', product: 'songs', database: 'mesh_music', table: 'songs' },
      { sqlName: 'podcasts', product: 'podcasts', database: 'mesh_podcasts', table: 'podcasts' },
    ]);
    expect(job.script).toContain(`SQL = """\n${expectedSpark}\n"""`);
    expect(job.script).toContain('result = spark.sql(SQL)');
    expect(job.script).toContain('.option("header", "true")');
    expect(job.createJob).toEqual({
      Name: 'music-recommendations-items',
      Description: `mesh transform items of recommendations: songs, podcasts -> s3://${bucket}/transforms/recommendations/items/output/`,
      Role: `arn:aws:iam::${fx.accounts.consumer}:role/mesh-recommendations`,
      Command: { Name: 'glueetl', ScriptLocation: `s3://${bucket}/transforms/recommendations/items/job.py`, PythonVersion: '3' },
      GlueVersion: '5.0',
      WorkerType: 'G.1X',
      NumberOfWorkers: 2,
      Timeout: 60,
      MaxRetries: 0,
      ExecutionProperty: { MaxConcurrentRuns: 1 },
      DefaultArguments: {
        '--job-language': 'python',
        '--enable-glue-datacatalog': 'true',
        '--OUTPUT_PATH': `s3://${bucket}/transforms/recommendations/items/output/`,
        '--enable-lakeformation-fine-grained-access': 'true', // podcasts is a column grant
      },
      Tags: { 'mesh:managed-by': 'mesh/music', 'mesh:domain': 'recommendations' },
    });
    expect(renderTransform(ws, recommendations, 'items').engine).toBe('glue');
  });

  it('writes a PySpark script Python parses', () => {
    const job = renderGlueJob(ws, recommendations, 'items');
    const check = spawnSync('python3', ['-c', 'import ast, sys; ast.parse(sys.stdin.read())'], { input: job.script, encoding: 'utf8' });
    expect(check.error).toBeUndefined();
    expect(check.stderr).toBe('');
    expect(check.status).toBe(0);
  });

  it('generates the Athena query and UNLOAD when the domain chooses athena', () => {
    const athenaDomain = { ...recommendations, transforms: [items('athena')] };
    const query = renderAthenaQuery(ws, athenaDomain, 'items', { workGroup: 'mesh' });
    const bucket = `music-recommendations-${fx.accounts.consumer}`;
    const expectedTrino = expectedSpark.replace('AS STRING', 'AS VARCHAR');
    expect(query.sql).toBe(expectedTrino);
    expect(query.startQueryExecution).toEqual({
      QueryString: expectedTrino,
      QueryExecutionContext: { Catalog: 'AwsDataCatalog' },
      ResultConfiguration: { OutputLocation: `s3://${bucket}/transforms/recommendations/items/output/` },
      WorkGroup: 'mesh',
    });
    expect(query.unloadStatement).toBe(
      `UNLOAD (\n${expectedTrino}\n) TO 's3://${bucket}/transforms/recommendations/items/unload/' WITH (format = 'TEXTFILE', field_delimiter = ',')`,
    );
    expect(renderTransform(ws, athenaDomain, 'items').engine).toBe('athena');
  });

  it('refuses a transform over a product the domain does not subscribe to', () => {
    const bad = { ...recommendations, transforms: [{ ...items('glue'), sql: 'SELECT * FROM users' }] };
    expect(() => renderGlueJob(ws, bad, 'items')).toThrow(
      'Transform items reads users, but recommendations has no table subscription to it.',
    );
  });
});
