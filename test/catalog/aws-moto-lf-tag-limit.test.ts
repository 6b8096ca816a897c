// Lake Formation allows at most 1,000 values per LF-Tag key; moto does not enforce it, so this checks mesh's own
// refusal on moto: the central account's `product` key already holds 997 values no product in the files uses any
// more, and publishing the fixture's 4 products would make it 1,001. The plan is refused before any change: no
// mutating AWS call, the key and the catalog as they were.
import { CreateLFTagCommand, LakeFormationClient, UpdateLFTagCommand } from '@aws-sdk/client-lakeformation';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AwsCallCounter, CountingAwsClients } from '../../src/catalog/aws/call-counter.js';
import { MeshError } from '../../src/core/errors.js';
import { accountClients, freshAccounts } from '../support/moto.js';
import { type Fixture, musicFixture, PUBLISH_ALL, runCatalog } from './fixtures.js';
import { createBucket, databases, lfTags, locations } from './moto-accounts.js';

process.env.MESH_AWS_MAX_ATTEMPTS = '1';

const accounts = freshAccounts();
const C = accounts.central;
const bucket = `music-data-${accounts.producer}`;
const counter = new AwsCallCounter();
const clients = new CountingAwsClients(counter);
const stale = Array.from({ length: 997 }, (_, i) => `retired-${String(i).padStart(4, '0')}`);
let fx: Fixture;

beforeAll(async () => {
  await createBucket(accounts.producer, bucket);
  fx = musicFixture({ target: 'aws', accounts, bucket });
  // The key as an older mesh left it: values are never removed (50 per call, as Lake Formation takes them).
  const lf = new LakeFormationClient(await accountClients(C));
  await lf.send(new CreateLFTagCommand({ CatalogId: C, TagKey: 'product', TagValues: stale.slice(0, 50) }));
  for (let i = 50; i < stale.length; i += 50) {
    await lf.send(new UpdateLFTagCommand({ CatalogId: C, TagKey: 'product', TagValuesToAdd: stale.slice(i, i + 50) }));
  }
  lf.destroy();
});
afterAll(() => {
  clients.destroy();
  fx.cleanup();
});

describe('publishing past 1,000 values of an LF-Tag key (aws, moto)', () => {
  it('is refused while planning, with the key and the count, and nothing is changed', async () => {
    expect((await lfTags(C)).product).toHaveLength(997);
    counter.reset();
    const error = await runCatalog(fx.workspace, PUBLISH_ALL, { plane: { clients } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MeshError);
    expect((error as MeshError).code).toBe('LfTagValueLimit');
    expect((error as MeshError).message).toContain(`The LF-Tag key "product" in ${C} would hold 1001 values (997 on it now, 4 to add)`);
    expect((error as MeshError).hint).toContain('997 of the values on it belong to no product in the files');
    expect(counter.total).toBeGreaterThan(0);
    expect(counter.mutating).toEqual([]);
    expect((await lfTags(C)).product).toEqual(stale);
    expect(await databases(C)).toEqual([]);
    expect(await locations(C)).toEqual([]);
  });
});
