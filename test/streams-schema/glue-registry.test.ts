// GlueSchemaRegistry against moto (scripts/services.mjs; test/support/global-setup.ts fails the run when moto is
// missing). Each test acts in a fresh random account (moto allows 10 registries per account).
import { randomUUID } from 'node:crypto';
import { GetRegistryCommand, GlueClient } from '@aws-sdk/client-glue';
import { beforeEach, describe, expect, it } from 'vitest';
import { applySchemaChange, type GlueClientLike, GlueSchemaRegistry } from '../../src/streams/schema/index.js';
import { type AccountClientConfig, accountClients, freshAccountId } from '../support/moto.js';
import { registryContract } from './registry-contract.js';

let config: AccountClientConfig;
let registry: GlueSchemaRegistry;

async function inFreshAccount(): Promise<void> {
  config = await accountClients(freshAccountId());
  registry = new GlueSchemaRegistry({ clientConfig: config });
}

const uniqueName = () => `mesh-test-${randomUUID().slice(0, 12)}`;

describe('GlueSchemaRegistry on moto: SchemaRegistry contract', () => {
  beforeEach(inFreshAccount);
  registryContract({ registry: () => registry, registryName: uniqueName });
});

describe('GlueSchemaRegistry on moto: what Glue holds', () => {
  beforeEach(inFreshAccount);
  it('creates the registry and an AVRO schema with the compatibility mode, in the caller account', async () => {
    const glue = new GlueClient(config);
    const name = uniqueName();
    const result = await applySchemaChange(new GlueSchemaRegistry({ client: glue }), {
      registryName: name,
      schemaName: 'songs.plays',
      definition: '{"type":"record","name":"Play","fields":[{"name":"id","type":"string"}]}',
      compatibility: 'FULL_TRANSITIVE',
    });
    expect(result).toMatchObject({ version: 1, created: true, plan: { action: 'create', compatibility: 'FULL_ALL' } });
    const account = (await glue.send(new GetRegistryCommand({ RegistryId: { RegistryName: name } }))).RegistryArn;
    expect(account).toMatch(/^arn:aws:glue:us-east-1:7\d{11}:registry\//);
    const described = await registry.describeSchema(name, 'songs.plays');
    expect(described).toMatchObject({ compatibility: 'FULL_ALL', latestVersion: 1 });
    expect(described?.schemaArn).toMatch(/:schema\/.+\/songs\.plays$/);
    glue.destroy();
  });

  it('fails with a MeshError naming the operation when Glue cannot be reached', async () => {
    const offline = new GlueSchemaRegistry({
      clientConfig: { ...config, endpoint: 'http://127.0.0.1:9', maxAttempts: 1 },
    });
    await expect(offline.ensureRegistry('x')).rejects.toMatchObject({
      code: 'GlueSchemaRegistryFailed',
      message: expect.stringMatching(/^Glue CreateRegistry failed for x: /),
    });
  });
});

/** Real Glue answers PENDING, then AVAILABLE or FAILURE; moto is always AVAILABLE, so this path uses a fake. */
function fakeGlue(statuses: string[]): { client: GlueClientLike; calls: string[] } {
  const calls: string[] = [];
  const versionId = randomUUID();
  const send = async (command: { constructor: { name: string } }): Promise<unknown> => {
    const name = command.constructor.name;
    calls.push(name);
    switch (name) {
      case 'GetSchemaCommand':
        return { Compatibility: 'BACKWARD', LatestSchemaVersion: 1, SchemaArn: 'arn:aws:glue:::schema/r/s' };
      case 'GetSchemaByDefinitionCommand':
        throw Object.assign(new Error('not found'), { name: 'EntityNotFoundException' });
      case 'RegisterSchemaVersionCommand':
        return { SchemaVersionId: versionId, VersionNumber: 2, Status: 'PENDING' };
      case 'GetSchemaVersionCommand':
        return { SchemaVersionId: versionId, VersionNumber: 2, Status: statuses.shift() };
      default:
        throw new Error(`unexpected ${name}`);
    }
  };
  // why: a test double for the one method the adapter calls; its overloads cannot be spelled by a plain function.
  return { client: { send } as unknown as GlueClientLike, calls };
}

describe('GlueSchemaRegistry: waiting for Glue compatibility verdicts', () => {
  const definition = '{"type":"string"}';

  it('waits while PENDING and returns the version once AVAILABLE', async () => {
    const fake = fakeGlue(['PENDING', 'AVAILABLE']);
    const glue = new GlueSchemaRegistry({ client: fake.client, pollIntervalMs: 1 });
    await expect(glue.register('r', 's', definition, 'BACKWARD')).resolves.toMatchObject({ version: 2, created: true });
    expect(fake.calls.filter((c) => c === 'GetSchemaVersionCommand')).toHaveLength(2);
  });

  it('turns FAILURE into SchemaIncompatible', async () => {
    const fake = fakeGlue(['FAILURE']);
    const glue = new GlueSchemaRegistry({ client: fake.client, pollIntervalMs: 1 });
    await expect(glue.register('r', 's', definition, 'BACKWARD')).rejects.toMatchObject({
      code: 'SchemaIncompatible',
      message: expect.stringContaining('status FAILURE'),
    });
  });

  it('gives up after the wait timeout', async () => {
    const fake = fakeGlue(Array.from({ length: 100 }, () => 'PENDING'));
    const glue = new GlueSchemaRegistry({ client: fake.client, pollIntervalMs: 5, waitTimeoutMs: 20 });
    await expect(glue.register('r', 's', definition, 'BACKWARD')).rejects.toMatchObject({
      code: 'GlueSchemaVersionPending',
    });
  });
});
