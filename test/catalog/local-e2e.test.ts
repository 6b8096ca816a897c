// The local target end to end: publish four products, subscribe, query through the catalog, unsubscribe.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCatalog } from '../../src/catalog/discovery.js';
import { runQuery } from '../../src/catalog/local/query.js';
import { MeshError } from '../../src/core/errors.js';
import { hasPendingChanges } from '../../src/engine/plan.js';
import { type Fixture, musicFixture, PUBLISH_ALL, runCatalog, subscribe, unsubscribe } from './fixtures.js';

let fx: Fixture;

async function denied(promise: Promise<unknown>): Promise<MeshError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(MeshError);
  return error as MeshError;
}

beforeAll(() => {
  fx = musicFixture({ target: 'local' });
});
afterAll(() => fx.cleanup());

describe('local target: publish, subscribe, query, unsubscribe', () => {
  it('publishes the four products into the embedded catalog and the object store', async () => {
    const { plan, applied } = await runCatalog(fx.workspace, PUBLISH_ALL);
    expect(applied).toBe(true);
    const created = plan.changes.filter((c) => c.action === 'create' && c.ref.type === 'glue-table').map((c) => c.ref.label);
    expect(created.sort()).toEqual([
      'music_listeners.interactions @central',
      'music_listeners.users @central',
      'music_music.songs @central',
      'music_podcasts.podcasts @central',
    ]);
    const stored = path.join(fx.workspace.mesh.localDir, 's3', 'music-data', 'music', 'songs', 'songs.csv');
    expect(readFileSync(stored, 'utf8')).toContain('Blue Train');
    const entries = await readCatalog(fx.workspace, 'local');
    expect(entries.filter((e) => e.published).map((e) => e.name)).toEqual(['interactions', 'podcasts', 'songs', 'users']);
    const songs = entries.find((e) => e.name === 'songs');
    expect(songs?.owner.team).toBe('music-team');
    expect(songs?.columns.map((c) => `${c.name}:${c.type}`)).toEqual([
      'song_id:string',
      'title:string',
      'artist:string',
      'genre:string',
      'duration_seconds:int',
    ]);
    expect(entries.find((e) => e.name === 'podcasts')?.columns.find((c) => c.name === 'host_email')?.pii).toBe(true);
  });

  it('plans nothing when published again', async () => {
    const { plan, applied } = await runCatalog(fx.workspace, PUBLISH_ALL);
    expect(hasPendingChanges(plan)).toBe(false);
    expect(applied).toBe(false);
  });

  it('refuses a query before the consumer subscribes, naming the product and the command', async () => {
    const error = await denied(runQuery(fx.workspace, 'recommendations', 'SELECT count(*) FROM songs'));
    expect(error.code).toBe('AccessDenied');
    expect(error.message).toContain('songs');
    expect(error.hint).toBe('mesh subscribe songs --domain recommendations --table');
  });

  it('lets a producer query its own products', async () => {
    const result = await runQuery(fx.workspace, 'music', 'SELECT song_id, duration_seconds FROM songs ORDER BY song_id');
    expect(result.rows).toEqual([
      { song_id: 's1', duration_seconds: 640 },
      { song_id: 's2', duration_seconds: 545 },
      { song_id: 's3', duration_seconds: 192 },
    ]);
  });

  it('subscribes recommendations to songs and podcasts, and a join of both works', async () => {
    await runCatalog(fx.workspace, subscribe('songs'));
    const { plan } = await runCatalog(fx.workspace, subscribe('podcasts'));
    const grants = plan.changes.filter((c) => c.action === 'grant').map((c) => c.ref.label);
    expect(grants).toContain('SELECT on music_podcasts.podcasts(genre,podcast_id,title) → recommendations');
    expect(grants).toContain('DESCRIBE on music_podcasts.podcasts → recommendations');
    const result = await runQuery(
      fx.workspace,
      'recommendations',
      'SELECT s.title AS song, p.title AS podcast, s.genre FROM songs s JOIN podcasts p ON s.genre = p.genre ORDER BY song, podcast',
    );
    expect(result.columns.map((c) => c.name)).toEqual(['song', 'podcast', 'genre']);
    expect(result.rows).toEqual([
      { song: 'Blue Train', podcast: 'Jazz Talk', genre: 'jazz' },
      { song: 'Roxanne', podcast: 'Rock On', genre: 'rock' },
      { song: 'So What', podcast: 'Jazz Talk', genre: 'jazz' },
    ]);
    const podcasts = (await readCatalog(fx.workspace, 'local')).find((e) => e.name === 'podcasts');
    expect(podcasts?.subscribers).toEqual([
      { domain: 'recommendations', principal: 'domain:recommendations', columns: ['genre', 'podcast_id', 'title'] },
    ]);
  });

  it('keeps columns outside the grant out of reach, and files out of reach', async () => {
    const hidden = await denied(runQuery(fx.workspace, 'recommendations', 'SELECT host_email FROM podcasts'));
    expect(hidden.code).toBe('AccessDenied');
    expect(hidden.message).toBe(
      'recommendations may not read podcasts: column "host_email" is not in its grant (columns: genre, podcast_id, title).',
    );
    expect(hidden.hint).toContain('Add "host_email" to the columns of the podcasts subscription in');
    const users = await denied(runQuery(fx.workspace, 'recommendations', 'SELECT * FROM users'));
    expect(users.code).toBe('AccessDenied');
    const file = path.join(fx.workspace.mesh.localDir, 's3', 'music-data', 'listeners', 'users', 'users.csv');
    const direct = await denied(runQuery(fx.workspace, 'recommendations', `SELECT * FROM read_csv_auto('${file}')`));
    expect(direct.code).toBe('AccessDenied');
  });

  it('unsubscribes: the grant goes, and the query is refused again', async () => {
    const { plan } = await runCatalog(fx.workspace, unsubscribe('songs'), { allowed: ['--allow-delete'] });
    const removed = plan.changes.filter((c) => c.action !== 'noop').map((c) => `${c.action} ${c.ref.label}`);
    expect(removed.sort()).toEqual([
      'delete mesh_music @recommendations',
      'delete mesh_music.songs → music_music.songs @recommendations',
      'revoke DESCRIBE on database music_music → recommendations',
      'revoke DESCRIBE,SELECT on music_music.songs → recommendations',
    ]);
    const error = await denied(runQuery(fx.workspace, 'recommendations', 'SELECT * FROM songs JOIN podcasts USING (genre)'));
    expect(error.code).toBe('AccessDenied');
    expect(error.hint).toBe('mesh subscribe songs --domain recommendations --table');
    const still = await runQuery(fx.workspace, 'recommendations', 'SELECT count(*) AS n FROM podcasts');
    expect(still.rows).toEqual([{ n: 3 }]);
  });

  it('refuses a sample file whose columns do not match the contract, naming the column', async () => {
    const songs = fx.workspace.products.find((p) => p.name === 'songs');
    if (!songs?.sampleData) throw new Error('fixture without songs');
    const bad = path.join(fx.root, 'songs-bad.csv');
    writeFileSync(bad, 'song_id,title,artist,genre,length\ns1,a,b,jazz,10\n');
    const broken = { ...fx.workspace, products: fx.workspace.products.map((p) => (p.name === 'songs' ? { ...p, sampleData: bad } : p)) };
    const error = await denied(runCatalog(broken, { products: ['songs'], include: { publish: true, subscriptions: false } }));
    expect(error.code).toBe('SampleDataMismatch');
    expect(error.message).toContain('column "duration_seconds" of the contract is missing from the file');
    expect(error.message).toContain('column "length" is in the file but not in the contract');
    writeFileSync(bad, 'song_id,title,artist,genre,duration_seconds\ns1,a,b,jazz,long\n');
    const typed = await denied(runCatalog(broken, { products: ['songs'], include: { publish: true, subscriptions: false } }));
    expect(typed.message).toContain('column "duration_seconds" is int in the contract, but 1 value(s) in the file are not (e.g. "long")');
    const stored = path.join(fx.workspace.mesh.localDir, 's3', 'music-data', 'music', 'songs', 'songs.csv');
    expect(readFileSync(stored, 'utf8')).toContain('Blue Train');
  });

  it('marks a retyped column as breaking and applies it only with --allow-breaking', async () => {
    const retyped = {
      ...fx.workspace,
      products: fx.workspace.products.map((p) =>
        p.name === 'podcasts'
          ? { ...p, columns: p.columns.map((c) => (c.name === 'episodes' ? { ...c, type: 'bigint' as const } : c)) }
          : p,
      ),
    };
    const { plan } = await runCatalog(retyped, PUBLISH_ALL, { dryRun: true });
    const change = plan.changes.find((c) => c.ref.type === 'glue-table' && c.action === 'update');
    expect(change?.breaking).toBe(true);
    expect(change?.requiresFlag).toBe('--allow-breaking');
    expect(change?.reason).toBe('column episodes retyped int → bigint — breaks subscribers: recommendations');
    const blocked = await denied(runCatalog(retyped, PUBLISH_ALL));
    expect(blocked.code).toBe('ChangeNeedsFlag');
    await runCatalog(retyped, PUBLISH_ALL, { allowed: ['--allow-breaking'] });
    const entry = (await readCatalog(retyped, 'local')).find((e) => e.name === 'podcasts');
    expect(entry?.columns.find((c) => c.name === 'episodes')?.type).toBe('bigint');
    fx.workspace = retyped;
  });

  it('unpublishes a product with subscribers only with --allow-delete and --acknowledge-subscribers', async () => {
    const without = { ...fx.workspace, products: fx.workspace.products.filter((p) => p.name !== 'podcasts') };
    const { plan } = await runCatalog(without, PUBLISH_ALL, { dryRun: true });
    const removals = plan.changes
      .filter((c) => c.action === 'delete' || c.action === 'revoke')
      .map((c) => [c.action, c.ref.label, c.requiresFlag ?? null]);
    expect(removals).toEqual(
      expect.arrayContaining([
        ['delete', 'music_podcasts.podcasts @central', '--allow-delete'],
        ['revoke', 'SELECT on music_podcasts.podcasts(genre,podcast_id,title) → recommendations', '--acknowledge-subscribers'],
        ['revoke', 'DESCRIBE on music_podcasts.podcasts → recommendations', '--acknowledge-subscribers'],
        ['revoke', 'ALTER,DELETE,DESCRIBE,INSERT,SELECT on music_podcasts.podcasts → podcasts', null],
      ]),
    );
    expect(plan.changes.find((c) => c.action === 'delete' && c.ref.type === 'glue-table')?.reason).toBe(
      'podcasts is no longer in the files; subscribers: recommendations',
    );
    const blocked = await denied(runCatalog(without, PUBLISH_ALL, { allowed: ['--allow-delete'] }));
    expect(blocked.code).toBe('ChangeNeedsFlag');
    expect(blocked.hint).toContain('--acknowledge-subscribers');
    expect((await readCatalog(without, 'local')).some((e) => e.name === 'podcasts')).toBe(true);
    await runCatalog(without, PUBLISH_ALL, { allowed: ['--allow-delete', '--acknowledge-subscribers'] });
    const entries = await readCatalog(without, 'local');
    expect(entries.map((e) => e.name)).toEqual(['interactions', 'songs', 'users']);
    const gone = await denied(runQuery(without, 'recommendations', 'SELECT * FROM podcasts'));
    expect(gone.code).toBe('QueryFailed');
    expect(existsSync(path.join(fx.workspace.mesh.localDir, 'catalog.db'))).toBe(true);
  });
});
