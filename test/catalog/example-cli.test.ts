// The music-streaming example (`mesh init --example music-streaming`) on the local target, through the commands a
// user types: publish, subscribe, `mesh catalog`, `mesh describe` and `mesh query`.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogCommand, describeCommand } from '../../src/cli/commands/catalog.command.js';
import { queryCommand } from '../../src/cli/commands/query.command.js';
import { currentContext } from '../../src/cli/context.js';
import { runInit } from '../../src/scaffold/init.js';
import { loadWorkspace } from '../../src/workspace/load.js';
import type { Workspace } from '../../src/workspace/model.js';
import { promptHost } from '../support/cli-harness.js';
import { PUBLISH_ALL, runCatalog, subscribe } from './fixtures.js';

let dir: string;
let workspace: Workspace;

/** Runs one of the catalog commands in-process with --json; returns the JSON document it produced. */
async function mesh(...args: string[]): Promise<unknown> {
  const program = new Command('mesh')
    .option('-C, --cwd <dir>')
    .option('--json')
    .option('--target <target>')
    .option('--profile <p>')
    .option('--region <r>')
    .exitOverride();
  for (const c of [catalogCommand(), describeCommand(), queryCommand()]) program.addCommand(c.exitOverride());
  await program.parseAsync(['node', 'mesh', '--cwd', dir, '--json', ...args]);
  return currentContext()?.output.takeJsonResult().value;
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'mesh-example-'));
  await runInit({ dir, example: 'music-streaming' }, promptHost({ interactive: false }));
  workspace = await loadWorkspace(dir);
  await runCatalog(workspace, PUBLISH_ALL);
  await runCatalog(workspace, subscribe('songs'));
  await runCatalog(workspace, subscribe('podcasts'));
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the example on the local target, through the commands', () => {
  it('mesh catalog lists the published products with owners, ports and subscribers', async () => {
    const doc = (await mesh('catalog')) as {
      products: {
        name: string;
        published: boolean;
        owner: { team: string };
        subscribers: { domain?: string }[];
        ports: { table?: { database: string } };
      }[];
    };
    const published = doc.products.filter((p) => p.published);
    expect(published.map((p) => p.name)).toEqual(['interactions', 'podcasts', 'songs', 'users']);
    const songs = published.find((p) => p.name === 'songs');
    expect(songs?.ports.table?.database).toBe('music_songs');
    expect(songs?.subscribers.map((s) => s.domain)).toEqual(['recommendations']);
    const found = (await mesh('catalog', 'episode')) as { products: { name: string }[] };
    expect(found.products.map((p) => p.name)).toContain('podcasts');
    expect(found.products.map((p) => p.name)).not.toContain('users');
  });

  it('mesh describe shows the schema and the subscribers of one product', async () => {
    const doc = (await mesh('describe', 'songs')) as { product: { columns: { name: string; type: string }[]; owner: { team: string } } };
    expect(doc.product.columns.map((c) => c.name)).toContain('duration_seconds');
    expect(doc.product.owner.team).toBe(workspace.products.find((p) => p.name === 'songs')?.owner.team);
    await expect(mesh('describe', 'song')).rejects.toMatchObject({ code: 'UnknownProduct', hint: 'Did you mean "songs"?' });
  });

  it('mesh query reads both subscribed products in one query and refuses one without a grant', async () => {
    const sql =
      'SELECT s.n AS songs, p.n AS podcasts FROM (SELECT count(*) AS n FROM songs) s CROSS JOIN (SELECT count(*) AS n FROM podcasts) p';
    const doc = (await mesh('query', '--domain', 'recommendations', sql)) as { rows: unknown[] };
    const rowsIn = (name: string) => {
      const file = workspace.products.find((p) => p.name === name)?.sampleData ?? '';
      return readFileSync(file, 'utf8').trim().split('\n').length - 1;
    };
    expect(rowsIn('songs')).toBeGreaterThan(0);
    expect(doc.rows).toEqual([{ songs: rowsIn('songs'), podcasts: rowsIn('podcasts') }]);
    await expect(mesh('query', '--domain', 'recommendations', 'SELECT * FROM interactions')).rejects.toMatchObject({
      code: 'AccessDenied',
      hint: 'mesh subscribe interactions --domain recommendations --table',
    });
  });
});

describe('human output', () => {
  it('mesh describe prints owner, ports, schema and subscribers', async () => {
    const { renderProduct } = await import('../../src/cli/commands/catalog.command.js');
    const { describeProduct } = await import('../../src/catalog/discovery.js');
    const { createOutput } = await import('../../src/io/output.js');
    const text = renderProduct(await describeProduct(workspace, 'local', 'songs'), createOutput());
    const lines = text.split('\n');
    expect(lines[0]).toBe('songs v1.0.0  urn:mesh:music:songs:songs');
    expect(lines).toContain('  published: yes');
    expect(lines.some((l) => l.startsWith('  table:  music_songs.songs  s3://'))).toBe(true);
    expect(lines.some((l) => /^duration_seconds\s+int\s+-\s+/.test(l))).toBe(true);
    expect(lines.at(-1)).toBe('Subscribers: recommendations');
  });
});
