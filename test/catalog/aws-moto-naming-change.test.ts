// A change of `naming.databasePattern` (or of the mesh's name, with the default patterns) after a first publish moves
// the central database, while the producer's database link (mesh_<domain>, same name) still points at the old one.
// The plan must read the producer's account and show the link's update, and the apply must make it: a run that
// assumed no link exists before its new target does would plan a create and stop with a Conflict instead.
import { afterEach, describe, expect, it } from 'vitest';
import { AwsCallCounter, CountingAwsClients } from '../../src/catalog/aws/call-counter.js';
import { freshAccounts } from '../support/moto.js';
import { type Fixture, musicFixture, PUBLISH_ALL, runCatalog } from './fixtures.js';
import { createBucket, databases } from './moto-accounts.js';

process.env.MESH_AWS_MAX_ATTEMPTS = '1';

let fx: Fixture | undefined;
afterEach(() => fx?.cleanup());

describe('the central database pattern changed after a first publish', () => {
  it('plans an update of the producer link, applies it, and the next run is a no-op', async () => {
    const accounts = freshAccounts();
    const bucket = `music-data-${accounts.producer}`;
    await createBucket(accounts.producer, bucket);
    fx = musicFixture({ target: 'aws', accounts, bucket, products: ['songs'], subscriptions: [] });
    const clients = new CountingAwsClients(new AwsCallCounter());
    expect((await runCatalog(fx.workspace, PUBLISH_ALL, { plane: { clients } })).applied).toBe(true);
    const { mesh } = fx.workspace;
    fx.workspace = { ...fx.workspace, mesh: { ...mesh, naming: { ...mesh.naming, databasePattern: '{mesh}_{domain}_v2' } } };

    const dry = await runCatalog(fx.workspace, PUBLISH_ALL, { plane: { clients }, dryRun: true });
    const link = dry.plan.changes.find((c) => c.type === 'resource-link-database');
    expect([link?.action, link?.reason]).toEqual(['update', 'points at another target']);

    await runCatalog(fx.workspace, PUBLISH_ALL, { plane: { clients }, allowed: ['--allow-delete', '--allow-breaking'] });
    expect(await databases(accounts.producer)).toEqual([`mesh_music -> ${accounts.central}:music_music_v2`]);
    const again = await runCatalog(fx.workspace, PUBLISH_ALL, { plane: { clients }, dryRun: true });
    expect(again.plan.changes.filter((c) => c.action !== 'noop')).toEqual([]);
  });
});
