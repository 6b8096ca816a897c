// Lake Formation allows at most 1,000 values per LF-Tag key; moto does not enforce it, so this checks mesh's own
// refusal on moto: the central account's `product` key already holds 997 values no product in the files uses any
// more, and `mesh bootstrap` would add the fixture's 4 products (1,001). Its plan is refused before any change: 0
// mutating calls on the wire (through a proxy in front of moto: every client's calls), the key as it was.
import { CreateLFTagCommand, LakeFormationClient, UpdateLFTagCommand } from '@aws-sdk/client-lakeformation';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AwsClients } from '../../src/aws/clients.js';
import { runBootstrap } from '../../src/bootstrap/run.js';
import { MeshError } from '../../src/core/errors.js';
import { type Fixture, musicFixture } from '../catalog/fixtures.js';
import { accountClients, freshAccounts, motoEndpoint } from '../support/moto.js';
import { lfTagKeys, lockTable, roleNames } from './accounts.js';
import { startWireCounter, type WireCounter } from './wire-counter.js';

process.env.MESH_AWS_MAX_ATTEMPTS = '1';

const accounts = freshAccounts();
const C = accounts.central;
const stale = Array.from({ length: 997 }, (_, i) => `retired-${String(i).padStart(4, '0')}`);
let fx: Fixture;
let wire: WireCounter;

beforeAll(async () => {
  fx = musicFixture({ target: 'aws', accounts, bucket: `music-data-${accounts.producer}` });
  // The key as an older mesh left it: values are never removed (50 per call, as Lake Formation takes them).
  const lf = new LakeFormationClient(await accountClients(C));
  await lf.send(new CreateLFTagCommand({ CatalogId: C, TagKey: 'product', TagValues: stale.slice(0, 50) }));
  for (let i = 50; i < stale.length; i += 50) {
    await lf.send(new UpdateLFTagCommand({ CatalogId: C, TagKey: 'product', TagValuesToAdd: stale.slice(i, i + 50) }));
  }
  lf.destroy();
  wire = await startWireCounter(motoEndpoint());
}, 60_000);
afterAll(async () => {
  process.env.AWS_ENDPOINT_URL = motoEndpoint();
  await wire?.close();
  fx?.cleanup();
});

describe('mesh bootstrap past 1,000 values of an LF-Tag key (aws, moto)', () => {
  it('is refused while planning, with the key and the count: 0 mutating calls on the wire, the key unchanged', async () => {
    expect((await lfTagKeys(C)).product).toHaveLength(997);
    // Every client mesh makes from here on talks through the counting proxy.
    process.env.AWS_ENDPOINT_URL = wire.url;
    const clients = new AwsClients({ centralAccount: C });
    let error: unknown;
    try {
      error = await runBootstrap({ workspace: fx.workspace, target: 'aws', signal: new AbortController().signal, clients }).catch(
        (e: unknown) => e,
      );
    } finally {
      clients.destroy();
      process.env.AWS_ENDPOINT_URL = motoEndpoint();
    }
    expect(error).toBeInstanceOf(MeshError);
    expect((error as MeshError).code).toBe('LfTagValueLimit');
    expect((error as MeshError).message).toContain(`The LF-Tag key "product" in ${C} would hold 1001 values (997 on it now, 4 to add)`);
    expect((error as MeshError).hint).toContain('997 of the values on it belong to no product in the files');
    expect(wire.calls.some((c) => c.service === 'lakeformation')).toBe(true);
    expect(wire.mutating()).toEqual([]);
    expect(await lfTagKeys(C)).toEqual({ product: stale });
    expect(await roleNames(C)).toEqual([]);
    expect(await lockTable(C)).toBeUndefined();
  });
});
