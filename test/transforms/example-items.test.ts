// The running example's items merge: scaffolded with `mesh init --example music-streaming`, published and
// subscribed on the local target, run by DuckDB; and the same transform rendered for aws.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runInit } from '../../src/scaffold/init.js';
import { renderGlueJob, renderTransform, runTransform } from '../../src/transforms/index.js';
import { loadWorkspace } from '../../src/workspace/load.js';
import type { Workspace } from '../../src/workspace/model.js';
import { PUBLISH_ALL, runCatalog, subscribe } from '../catalog/fixtures.js';
import { promptHost } from '../support/cli-harness.js';

function csvRows(file: string): string[][] {
  // The sample data has no quoted commas in the columns compared here (ids and the first fields).
  return readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((line) => line.split(','));
}

describe('the example items transform', () => {
  let dir: string;
  let ws: Workspace;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'mesh-example-items-'));
    await runInit({ dir, example: 'music-streaming' }, promptHost({ interactive: false, log: () => {} }));
    ws = await loadWorkspace(dir);
    await runCatalog(ws, PUBLISH_ALL);
    await runCatalog(ws, subscribe('songs'));
    await runCatalog(ws, subscribe('podcasts'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('merges every song and podcast episode into datasets/items.csv with its content type', async () => {
    const run = await runTransform(ws, 'recommendations', 'items');
    const songs = ws.products.find((p) => p.name === 'songs');
    const podcasts = ws.products.find((p) => p.name === 'podcasts');
    const songIds = csvRows(songs?.sampleData ?? '')
      .slice(1)
      .map((r) => r[0]);
    const episodeIds = csvRows(podcasts?.sampleData ?? '')
      .slice(1)
      .map((r) => r[0]);

    expect(run.output).toBe(path.join(ws.mesh.localDir, 'transforms', 'recommendations', 'datasets', 'items.csv'));
    expect(existsSync(path.join(dir, 'domains', 'recommendations', 'datasets'))).toBe(false);
    expect(run.sources).toEqual(['songs', 'podcasts']);
    expect(run.columns.slice(0, 4)).toEqual(['item_id', 'content_type', 'genre', 'created_at']);
    expect(run.rowCount).toBe(songIds.length + episodeIds.length);
    const rows = csvRows(run.output).slice(1);
    const byType = (type: string) => rows.filter((r) => r[1] === type).map((r) => r[0]);
    expect(byType('song').sort()).toEqual([...songIds].sort());
    expect(byType('podcast').sort()).toEqual([...episodeIds].sort());
    expect(rows.every((r) => /^-?\d+$/.test(r[3] ?? ''))).toBe(true);
    console.log(
      `items transform: ${run.rowCount} items (${songIds.length} songs, ${episodeIds.length} episodes) in ${run.elapsedMs.toFixed(0)} ms`,
    );
  });

  it('renders the same SQL for aws over the recommendations account resource links', () => {
    const domain = ws.domains.find((d) => d.name === 'recommendations');
    if (!domain) throw new Error('no recommendations domain');
    const job = renderGlueJob(ws, domain, 'items');
    expect(job.tables.map((t) => `${t.sqlName} -> ${t.database}.${t.table}`)).toEqual([
      'songs -> mesh_songs.songs',
      'podcasts -> mesh_podcasts.podcasts',
    ]);
    // The SQL as written, only the product names now resource links.
    const original = (domain.transforms[0]?.sql ?? '').replace(/;\s*$/, '');
    expect(job.sql).toBe(
      original.replace('FROM songs\n', 'FROM mesh_songs.songs\n').replace(/FROM podcasts(\s*)$/, 'FROM mesh_podcasts.podcasts$1'),
    );
    expect(job.sql).not.toBe(original);
    // The domain chose its engine in the domain file.
    expect(renderTransform(ws, domain, 'items').engine).toBe(domain.transforms[0]?.engine);
  });
});
