// The items merge on the local target: DuckDB through the embedded catalog, grants enforced, CSV out.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MeshError } from '../../src/core/errors.js';
import { runTransform } from '../../src/transforms/index.js';
import type { Transform, Workspace } from '../../src/workspace/model.js';
import { type Fixture, musicFixture, PUBLISH_ALL, runCatalog, subscribe } from '../catalog/fixtures.js';

const ITEMS_SQL = `-- songs and podcasts in one items table
SELECT song_id AS item_id, 'song' AS content_type, genre, title
FROM songs
UNION ALL
SELECT podcast_id AS item_id, 'podcast' AS content_type, genre, title
FROM podcasts
ORDER BY item_id;
`;

function withTransforms(workspace: Workspace, transforms: Transform[]): Workspace {
  return {
    ...workspace,
    domains: workspace.domains.map((d) => (d.name === 'recommendations' ? { ...d, transforms } : d)),
  };
}

function transform(name: string, sql: string): Transform {
  return { name, sqlFile: `/dev/null/${name}.sql`, sql, output: `datasets/${name}.csv`, engine: 'athena' };
}

async function failure(promise: Promise<unknown>): Promise<MeshError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(MeshError);
  return error as MeshError;
}

describe('runTransform on the local target', () => {
  let fx: Fixture;
  let ws: Workspace;

  beforeAll(async () => {
    fx = musicFixture({ target: 'local' });
    ws = withTransforms(fx.workspace, [
      transform('items', ITEMS_SQL),
      transform('with-email', 'SELECT podcast_id, host_email FROM podcasts'),
      transform('with-users', 'SELECT user_id FROM users'),
    ]);
    await runCatalog(ws, PUBLISH_ALL);
  });
  afterAll(() => fx.cleanup());

  it('refuses before the domain subscribes: the catalog grants decide', async () => {
    const error = await failure(runTransform(ws, 'recommendations', 'items'));
    expect(error.code).toBe('AccessDenied');
    expect(error.hint).toMatch(/mesh subscribe (songs|podcasts) --domain recommendations --table/);
  });

  it('merges songs and podcasts into the output CSV once subscribed', async () => {
    await runCatalog(ws, subscribe('songs'));
    await runCatalog(ws, subscribe('podcasts'));
    const run = await runTransform(ws, 'recommendations', 'items');

    // a result, not a source: under the local state folder, never in the domain folder
    expect(run.output).toBe(path.join(ws.mesh.localDir, 'transforms', 'recommendations', 'datasets', 'items.csv'));
    expect(run).toMatchObject({ rowCount: 6, columns: ['item_id', 'content_type', 'genre', 'title'], sources: ['songs', 'podcasts'] });
    expect(readFileSync(run.output, 'utf8')).toBe(
      [
        'item_id,content_type,genre,title',
        'p1,podcast,jazz,Jazz Talk',
        'p2,podcast,rock,Rock On',
        'p3,podcast,news,Daily News',
        's1,song,jazz,Blue Train',
        's2,song,jazz,So What',
        's3,song,rock,Roxanne',
        '',
      ].join('\n'),
    );
  });

  it('cannot read a column outside the grant, nor a product the domain does not subscribe to', async () => {
    const email = await failure(runTransform(ws, 'recommendations', 'with-email'));
    expect(email.code).toBe('AccessDenied');
    expect(email.message).toContain('host_email');

    const users = await failure(runTransform(ws, 'recommendations', 'with-users'));
    expect(users.code).toBe('AccessDenied');
    expect(users.message).toBe('Transform with-users reads users, but recommendations has no table subscription to it.');
  });

  it('names the transforms a domain has when asked for another', async () => {
    const error = await failure(runTransform(ws, 'recommendations', 'itmes'));
    expect(error.code).toBe('UnknownTransform');
    expect(error.hint).toBe('Did you mean "items"?');
  });
});
