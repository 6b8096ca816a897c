import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_SCHEMA_DB_FILE, LocalSchemaRegistry } from '../../src/streams/schema/index.js';
import { registryContract } from './registry-contract.js';

let dir: string;
let registry: LocalSchemaRegistry;
let counter = 0;

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'mesh-schemas-'));
  registry = await LocalSchemaRegistry.open(path.join(dir, '.mesh', 'local'));
});

afterAll(async () => {
  registry.close();
  await fs.rm(dir, { recursive: true, force: true });
});

describe('LocalSchemaRegistry: SchemaRegistry contract', () => {
  registryContract({ registry: () => registry, registryName: () => `local-registry-${++counter}` });
});

describe('LocalSchemaRegistry: storage', () => {
  it('keeps registries, schemas and versions in <dir>/schemas.db across reopen', async () => {
    const folder = path.join(dir, 'reopen');
    const first = await LocalSchemaRegistry.open(folder);
    expect(first.file).toBe(path.join(folder, LOCAL_SCHEMA_DB_FILE));
    await first.ensureRegistry('mesh');
    const v1 = await first.register('mesh', 'songs.plays', '{"type":"record","name":"Play","fields":[]}', 'FULL');
    first.close();

    const again = await LocalSchemaRegistry.open(folder);
    expect(await again.ensureRegistry('mesh')).toEqual({ created: false });
    expect(await again.getLatest('mesh', 'songs.plays')).toMatchObject({ version: 1, versionId: v1.versionId });
    expect(await again.describeSchema('mesh', 'songs.plays')).toEqual({
      compatibility: 'FULL',
      latestVersion: 1,
      schemaArn: 'local:mesh/songs.plays',
    });
    again.close();
  });

  it('refuses a version that breaks the compatibility mode, as real Glue does, even without a plan', async () => {
    await registry.ensureRegistry('strict');
    await registry.register('strict', 's', '{"type":"record","name":"R","fields":[{"name":"a","type":"int"}]}', 'FORWARD');
    await expect(
      registry.register('strict', 's', '{"type":"record","name":"R","fields":[{"name":"a","type":"long"}]}', 'FORWARD'),
    ).rejects.toMatchObject({
      code: 'SchemaIncompatible',
      message: expect.stringContaining('- a: type changed from int to long'),
    });
    expect((await registry.listVersions('strict', 's')).length).toBe(1);
  });

  it('register into a missing registry fails with a hint', async () => {
    await expect(registry.register('nowhere', 's', '{"type":"string"}', 'NONE')).rejects.toMatchObject({
      code: 'SchemaRegistryNotFound',
      hint: expect.stringContaining('ensureRegistry'),
    });
  });

  it('says which file it cannot open', async () => {
    const file = path.join(dir, 'a-file');
    await fs.writeFile(file, 'x');
    await expect(LocalSchemaRegistry.open(file)).rejects.toMatchObject({
      code: 'LocalStoreUnavailable',
      message: expect.stringContaining(path.join(file, LOCAL_SCHEMA_DB_FILE)),
    });
  });
});
