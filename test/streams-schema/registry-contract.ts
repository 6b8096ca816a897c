// The behaviour every SchemaRegistry adapter must have; run by local-registry.test.ts and glue-registry.test.ts.
import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { MeshError } from '../../src/core/errors.js';
import {
  applySchemaChange,
  decodeGlueHeader,
  encodeWithGlueHeader,
  planSchemaChange,
  type SchemaRegistry,
} from '../../src/streams/schema/index.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const v1 = JSON.stringify(
  { type: 'record', name: 'ListenEvent', fields: [{ name: 'userId', type: 'string' }] },
  null,
  2, // pretty-printed on purpose: registries store the normalised text
);
const v2 = JSON.stringify({
  type: 'record',
  name: 'ListenEvent',
  fields: [
    { name: 'userId', type: 'string' },
    { name: 'trackId', type: ['null', 'string'], default: null },
  ],
});
/** Breaks BACKWARD against v2: adds a field without a default. */
const v3Incompatible = JSON.stringify({
  type: 'record',
  name: 'ListenEvent',
  fields: [
    { name: 'userId', type: 'string' },
    { name: 'trackId', type: ['null', 'string'], default: null },
    { name: 'country', type: 'string' },
  ],
});

export interface ContractContext {
  registry(): SchemaRegistry;
  /** A registry name no other test uses. */
  registryName(): string;
}

export function registryContract(ctx: ContractContext): void {
  const schemaName = () => `listen-events-${randomUUID().slice(0, 8)}`;

  it('ensureRegistry creates once, then reports it exists', async () => {
    const name = ctx.registryName();
    expect(await ctx.registry().ensureRegistry(name)).toEqual({ created: true });
    expect(await ctx.registry().ensureRegistry(name)).toEqual({ created: false });
  });

  it('reads nothing for a missing registry or schema', async () => {
    const registry = ctx.registry();
    expect(await registry.describeSchema(`missing-${randomUUID().slice(0, 8)}`, 's')).toBeUndefined();
    expect(await registry.getLatest(`missing-${randomUUID().slice(0, 8)}`, 's')).toBeUndefined();
    const name = ctx.registryName();
    await registry.ensureRegistry(name);
    expect(await registry.describeSchema(name, 'nope')).toBeUndefined();
    expect(await registry.getLatest(name, 'nope')).toBeUndefined();
    expect(await registry.listVersions(name, 'nope')).toEqual([]);
    expect(await registry.getVersionById(randomUUID())).toBeUndefined();
  });

  it('registers versions, idempotently, and lists them oldest first', async () => {
    const registry = ctx.registry();
    const name = ctx.registryName();
    const schema = schemaName();
    await registry.ensureRegistry(name);

    const first = await registry.register(name, schema, v1, 'BACKWARD');
    expect(first).toEqual({ version: 1, versionId: expect.stringMatching(UUID), created: true });
    // Same definition, other whitespace: the existing version.
    expect(await registry.register(name, schema, JSON.stringify(JSON.parse(v1)), 'BACKWARD')).toEqual({
      ...first,
      created: false,
    });

    const second = await registry.register(name, schema, v2, 'BACKWARD');
    expect(second).toEqual({ version: 2, versionId: expect.stringMatching(UUID), created: true });
    expect(second.versionId).not.toBe(first.versionId);
    // Re-registering an older definition returns that older version.
    expect(await registry.register(name, schema, v1, 'BACKWARD')).toEqual({ ...first, created: false });

    const versions = await registry.listVersions(name, schema);
    expect(versions.map((v) => [v.version, v.versionId, v.definition])).toEqual([
      [1, first.versionId, JSON.stringify(JSON.parse(v1))],
      [2, second.versionId, v2],
    ]);
    expect((await registry.getLatest(name, schema))?.versionId).toBe(second.versionId);
    expect(await registry.describeSchema(name, schema)).toMatchObject({ compatibility: 'BACKWARD', latestVersion: 2 });

    // A consumer resolves the id found in a Glue-framed message.
    const framed = encodeWithGlueHeader(first.versionId, Buffer.from('payload'));
    const found = await registry.getVersionById(decodeGlueHeader(framed).schemaVersionId);
    expect(found).toMatchObject({ version: 1, versionId: first.versionId, definition: JSON.stringify(JSON.parse(v1)) });
  });

  it('plans create, noop, new-version and names the breaking field before anything is applied', async () => {
    const registry = ctx.registry();
    const name = ctx.registryName();
    const schema = schemaName();
    await registry.ensureRegistry(name);
    const request = { registryName: name, schemaName: schema, compatibility: 'BACKWARD' };

    expect(await planSchemaChange(registry, { ...request, definition: v1 })).toEqual({
      registryName: name,
      schemaName: schema,
      action: 'create',
      compatibility: 'BACKWARD',
      compatible: true,
      problems: [],
      pending: true,
    });
    await applySchemaChange(registry, { ...request, definition: v1 });
    await applySchemaChange(registry, { ...request, definition: v2 });

    expect(await planSchemaChange(registry, { ...request, definition: v1 })).toMatchObject({
      action: 'noop',
      matchingVersion: 1,
      latestVersion: 2,
      pending: false,
    });
    const bad = await planSchemaChange(registry, { ...request, definition: v3Incompatible });
    expect(bad).toMatchObject({ action: 'new-version', compatible: false, latestVersion: 2, pending: true });
    expect(bad.problems).toEqual([expect.objectContaining({ againstVersion: 2, direction: 'reader-new', field: 'country' })]);
    // Under FORWARD the same change is fine, and the plan says the mode changes.
    expect(await planSchemaChange(registry, { ...request, compatibility: 'FORWARD', definition: v3Incompatible })).toMatchObject({
      action: 'new-version',
      compatible: true,
      problems: [],
      compatibilityChange: { from: 'BACKWARD', to: 'FORWARD' },
    });
  });

  it('apply refuses an incompatible version and the registry keeps its versions', async () => {
    const registry = ctx.registry();
    const name = ctx.registryName();
    const schema = schemaName();
    const request = { registryName: name, schemaName: schema, compatibility: 'BACKWARD_ALL' };
    await applySchemaChange(registry, { ...request, definition: v1 });
    const error = await applySchemaChange(registry, { ...request, definition: v3Incompatible }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MeshError);
    expect((error as MeshError).code).toBe('SchemaIncompatible');
    expect((error as MeshError).message).toMatch(/^The new version of schema .* is not BACKWARD_ALL compatible:\n {2}- country: /);
    expect((await registry.listVersions(name, schema)).map((v) => v.version)).toEqual([1]);
  });

  it('apply changes the compatibility mode and registers under the new one', async () => {
    const registry = ctx.registry();
    const name = ctx.registryName();
    const schema = schemaName();
    await applySchemaChange(registry, { registryName: name, schemaName: schema, definition: v2 });
    expect(await registry.describeSchema(name, schema)).toMatchObject({ compatibility: 'BACKWARD' });
    const result = await applySchemaChange(registry, {
      registryName: name,
      schemaName: schema,
      definition: v3Incompatible,
      compatibility: 'NONE',
    });
    expect(result).toMatchObject({
      version: 2,
      created: true,
      plan: { compatibilityChange: { from: 'BACKWARD', to: 'NONE' } },
    });
    expect(await registry.describeSchema(name, schema)).toMatchObject({ compatibility: 'NONE', latestVersion: 2 });
  });

  it('DISABLED refuses new versions but accepts the registered definition', async () => {
    const registry = ctx.registry();
    const name = ctx.registryName();
    const schema = schemaName();
    await registry.ensureRegistry(name);
    const first = await registry.register(name, schema, v1, 'DISABLED');
    expect(await registry.register(name, schema, v1, 'DISABLED')).toEqual({ ...first, created: false });
    await expect(registry.register(name, schema, v2, 'DISABLED')).rejects.toMatchObject({
      code: 'SchemaVersioningDisabled',
    });
    expect((await registry.listVersions(name, schema)).length).toBe(1);
  });

  it('rejects a definition that is not Avro before calling the registry', async () => {
    const registry = ctx.registry();
    const name = ctx.registryName();
    await registry.ensureRegistry(name);
    await expect(registry.register(name, 'bad', '{"type":"record","name":"X"}', 'BACKWARD')).rejects.toMatchObject({
      code: 'SchemaInvalid',
    });
    expect(await registry.describeSchema(name, 'bad')).toBeUndefined();
  });
}
