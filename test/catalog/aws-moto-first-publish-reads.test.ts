// A first publish does not read a producer's account for its database links: mesh creates a domain's link after the
// central database it points to, so while that database does not exist the producer's account holds no link of
// mesh's to find (at 50 domains: 50 GetDatabases saved). What this must not cost: a link that is there anyway (left by
// a destroy that stopped half way, or made by hand) is met by the create, compared, and kept when it is the same; one
// that points elsewhere stops the run with a Conflict, and the next run, which reads the account, plans its update.
import { CreateDatabaseCommand, GlueClient } from '@aws-sdk/client-glue';
import { afterEach, describe, expect, it } from 'vitest';
import { AwsCallCounter, CountingAwsClients } from '../../src/catalog/aws/call-counter.js';
import { MeshError } from '../../src/core/errors.js';
import { hasPendingChanges } from '../../src/engine/plan.js';
import { accountClients, freshAccounts } from '../support/moto.js';
import { type Fixture, musicFixture, PUBLISH_ALL, runCatalog } from './fixtures.js';
import { createBucket, databases } from './moto-accounts.js';

process.env.MESH_AWS_MAX_ATTEMPTS = '1';

let fx: Fixture | undefined;
afterEach(() => fx?.cleanup());

async function setUp() {
  const accounts = freshAccounts();
  const bucket = `music-data-${accounts.producer}`;
  await createBucket(accounts.producer, bucket);
  fx = musicFixture({ target: 'aws', accounts, bucket, products: ['songs'], subscriptions: [] });
  const counter = new AwsCallCounter();
  const clients = new CountingAwsClients(counter);
  const calls = (account: string) =>
    counter.calls
      .filter((c) => c.account === account)
      .map((c) => `${c.service}:${c.operation}`)
      .sort();
  return { ...accounts, fx, counter, clients, calls };
}

/** A database link made outside mesh, in the producer's account. */
async function linkByHand(producer: string, name: string, target: { catalog: string; database: string }) {
  const glue = new GlueClient(await accountClients(producer));
  await glue.send(
    new CreateDatabaseCommand({
      CatalogId: producer,
      DatabaseInput: { Name: name, TargetDatabase: { CatalogId: target.catalog, DatabaseName: target.database } },
    }),
  );
  glue.destroy();
}

describe('first publish: no read of the producer account for database links whose target does not exist yet', () => {
  it('reads the producer account only for its bucket; a re-run reads its databases and finds nothing to do', async () => {
    const { central: C, producer: P, fx, counter, clients, calls } = await setUp();
    const first = await runCatalog(fx.workspace, PUBLISH_ALL, { plane: { clients } });
    expect(first.applied).toBe(true);
    expect(calls(P)).toEqual(['glue:CreateDatabase', 's3:GetBucketPolicy', 's3:PutBucketPolicy']);
    expect(await databases(P)).toEqual([`mesh_music -> ${C}:music_music`]);

    counter.reset();
    const again = await runCatalog(fx.workspace, PUBLISH_ALL, { plane: { clients } });
    expect(hasPendingChanges(again.plan)).toBe(false);
    expect(counter.mutating).toEqual([]);
    expect(calls(P)).toEqual(['glue:GetDatabases', 's3:GetBucketPolicy']);
  });

  it('a link that is already there and the same: the create meets it, compares it, and the publish completes', async () => {
    const { central: C, producer: P, fx, counter, clients, calls } = await setUp();
    await linkByHand(P, 'mesh_music', { catalog: C, database: 'music_music' });
    const first = await runCatalog(fx.workspace, PUBLISH_ALL, { plane: { clients } });
    expect(first.applied).toBe(true);
    expect(calls(P)).toEqual(['glue:CreateDatabase', 'glue:GetDatabase', 's3:GetBucketPolicy', 's3:PutBucketPolicy']);
    expect(await databases(P)).toEqual([`mesh_music -> ${C}:music_music`]);

    counter.reset();
    const again = await runCatalog(fx.workspace, PUBLISH_ALL, { plane: { clients } });
    expect(hasPendingChanges(again.plan)).toBe(false);
    expect(counter.mutating).toEqual([]);
  });

  it('a link that points elsewhere: a Conflict, and the next run plans its update and applies it', async () => {
    const { central: C, producer: P, fx, clients } = await setUp();
    await linkByHand(P, 'mesh_music', { catalog: C, database: 'somewhere_else' });
    const error = await runCatalog(fx.workspace, PUBLISH_ALL, { plane: { clients } }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(MeshError);
    expect((error as MeshError).code).toBe('Conflict');
    expect((error as MeshError).message).toContain(`database mesh_music in ${P}`);
    expect(await databases(P)).toEqual([`mesh_music -> ${C}:somewhere_else`]);

    const resumed = await runCatalog(fx.workspace, PUBLISH_ALL, { plane: { clients } });
    const link = resumed.plan.changes.find((c) => c.type === 'resource-link-database');
    expect([link?.action, link?.reason]).toEqual(['update', 'points at another target']);
    expect(resumed.applied).toBe(true);
    expect(await databases(P)).toEqual([`mesh_music -> ${C}:music_music`]);
  });
});
