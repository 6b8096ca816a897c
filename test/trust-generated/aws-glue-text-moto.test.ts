// Free text from a contract reaches Glue as written: the product's description as the table's Description (at most
// 2,048 characters), a column's description as its Comment (at most 255, no line breaks) and the domain's description
// as the database's. A longer text, or a column description written over several lines (a YAML `|` block), broke
// Glue's model and the publish failed half-way at CreateTable. mesh now sends what Glue takes: line breaks in a
// comment become spaces and a text over the limit is cut, ending in "…". (Every request here is checked against
// Glue's service model by the integration setup, so a request Glue would refuse fails the test.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Workspace } from '../../src/workspace/model.js';
import { type Fixture, musicFixture, runCatalog } from '../catalog/fixtures.js';
import { createBucket, databases, tables } from '../catalog/moto-accounts.js';
import { freshAccounts } from '../support/moto.js';

process.env.MESH_AWS_MAX_ATTEMPTS = '1';

const accounts = freshAccounts();
const bucket = `music-data-${accounts.producer}`;
const LONG = `${'The songs of the catalogue, one row per recording. '.repeat(60)}`; // 3,060 characters
const MULTILINE = 'Duration in seconds,\nas the label delivered it.\r\nRounded down.\tNever negative.\n';
let fx: Fixture;

beforeAll(async () => {
  await createBucket(accounts.producer, bucket);
  fx = musicFixture({ target: 'aws', accounts, bucket, products: ['songs'] });
  const ws: Workspace = fx.workspace;
  fx.workspace = {
    ...ws,
    domains: ws.domains.map((d) => (d.name === 'music' ? { ...d, description: LONG } : d)),
    products: ws.products.map((p) => ({
      ...p,
      description: LONG,
      columns: p.columns.map((c) =>
        c.name === 'duration_seconds' ? { ...c, description: MULTILINE } : c.name === 'title' ? { ...c, description: 'x'.repeat(300) } : c,
      ),
    })),
  };
});
afterAll(() => fx.cleanup());

describe('free text from the files in Glue', () => {
  it('publishes a long description and a multi-line column description as Glue takes them', async () => {
    const { applied } = await runCatalog(fx.workspace, { products: ['songs'], include: { publish: true, subscriptions: false } });
    expect(applied).toBe(true);
    const [songs] = await tables(accounts.central, 'music_music');
    expect(songs?.Description).toHaveLength(2048);
    expect(songs?.Description?.endsWith('…')).toBe(true);
    expect(LONG.startsWith(songs?.Description?.slice(0, -1) ?? '?')).toBe(true);
    const comments = Object.fromEntries((songs?.StorageDescriptor?.Columns ?? []).map((c) => [c.Name, c.Comment]));
    expect(comments.duration_seconds).toBe('Duration in seconds, as the label delivered it. Rounded down.\tNever negative.');
    expect(comments.title).toBe(`${'x'.repeat(254)}…`);
    expect(await databases(accounts.central)).toContain('music_music');
  });

  it('a second publish changes nothing (what Glue holds is what mesh wants)', async () => {
    const { plan } = await runCatalog(
      fx.workspace,
      { products: ['songs'], include: { publish: true, subscriptions: false } },
      { dryRun: true },
    );
    expect(plan.changes.filter((c) => c.action !== 'noop').map((c) => `${c.action} ${c.key}`)).toEqual([]);
  });
});
