// publish-product's stream part on the local target (embedded log + local schema registry), through the engine:
// what the plan says, what the log holds after apply, and the guarded changes.
import { afterAll, describe, expect, it } from 'vitest';
import type { Plan } from '../../src/engine/plan.js';
import { runPlanes } from '../../src/engine/run.js';
import { createStreamsPlane } from '../../src/streams/plane.js';
import { LocalSchemaRegistry } from '../../src/streams/schema/index.js';
import { openEmbeddedLog } from '../../src/streams/transport/index.js';
import type { Workspace } from '../../src/workspace/model.js';
import { LISTEN_SCHEMA, makeFixture, withPort } from './fixtures.js';

const fixture = makeFixture();
afterAll(() => fixture.cleanup());

function publish(workspace: Workspace, options: { allowed?: string[]; dryRun?: boolean } = {}) {
  return runPlanes({
    workspace,
    target: 'local',
    signal: new AbortController().signal,
    scope: { include: { publish: true, subscriptions: false } },
    factories: [createStreamsPlane],
    allowed: new Set(options.allowed ?? []),
    dryRun: options.dryRun,
  });
}

const summaryOf = (plan: Plan) => plan.changes.map((c) => `${c.action} ${c.ref.type} ${c.ref.id}`);

describe('publishing a stream port locally', () => {
  const topic = fixture.product.stream?.topic ?? '';
  const registry = fixture.workspace.mesh.schemaRegistry;

  it('creates the topic with its partitions and configs, and registers the schema', async () => {
    const { plan, applied } = await publish(fixture.workspace);
    expect(applied).toBe(true);
    expect(summaryOf(plan)).toEqual([`create topic ${topic}`, `create schema ${registry}/${topic}`]);
    const log = await openEmbeddedLog(fixture.workspace.mesh.localDir);
    try {
      expect(await log.describeTopic(topic)).toEqual({
        name: topic,
        partitions: 3,
        replicationFactor: 1,
        configs: { 'cleanup.policy': 'delete', 'retention.ms': String(24 * 3_600_000) },
      });
    } finally {
      await log.close();
    }
    const schemas = await LocalSchemaRegistry.open(fixture.workspace.mesh.localDir);
    try {
      expect(await schemas.describeSchema(registry, topic)).toMatchObject({ compatibility: 'BACKWARD', latestVersion: 1 });
    } finally {
      schemas.close();
    }
  });

  it('plans nothing when run again', async () => {
    const { plan, applied } = await publish(fixture.workspace);
    expect(applied).toBe(false);
    expect(plan.changes.map((c) => c.action)).toEqual(['noop', 'noop']);
  });

  it('adds partitions as an update', async () => {
    const { plan } = await publish(withPort(fixture, { partitions: 5, retentionHours: 48 }));
    const change = plan.changes.find((c) => c.ref.type === 'topic');
    expect(change).toMatchObject({ action: 'update', reason: `partitions 3 → 5, retention.ms ${24 * 3_600_000} → ${48 * 3_600_000}` });
    const log = await openEmbeddedLog(fixture.workspace.mesh.localDir);
    try {
      expect((await log.describeTopic(topic))?.partitions).toBe(5);
    } finally {
      await log.close();
    }
  });

  it('refuses fewer partitions in the plan', async () => {
    await expect(publish(withPort(fixture, { partitions: 2, retentionHours: 48 }))).rejects.toMatchObject({
      code: 'PartitionDecrease',
      exitCode: 2,
    });
  });

  it('plans a replication-factor change as a replace that needs --allow-replace and --allow-delete', async () => {
    const ws = withPort(fixture, { partitions: 5, retentionHours: 48, replicationFactor: 2 });
    const { plan } = await publish(ws, { dryRun: true });
    expect(plan.changes.find((c) => c.ref.type === 'topic')).toMatchObject({ action: 'replace', requiresFlag: '--allow-replace' });
    await expect(publish(ws)).rejects.toMatchObject({ code: 'ChangeNeedsFlag' });
    await expect(publish(ws, { allowed: ['--allow-replace'] })).rejects.toMatchObject({
      code: 'ChangeNeedsFlag',
      hint: expect.stringContaining('--allow-delete'),
    });
    await publish(ws, { allowed: ['--allow-replace', '--allow-delete'] });
    const log = await openEmbeddedLog(fixture.workspace.mesh.localDir);
    try {
      expect((await log.describeTopic(topic))?.replicationFactor).toBe(2);
    } finally {
      await log.close();
    }
    await publish(withPort(fixture, { partitions: 5, retentionHours: 48 }), { allowed: ['--allow-replace', '--allow-delete'] });
  });

  it('adds a compatible schema version, and names the field that breaks compatibility', async () => {
    const base = withPort(fixture, { partitions: 5, retentionHours: 48 });
    const withDefault = { ...LISTEN_SCHEMA, fields: [...LISTEN_SCHEMA.fields, { name: 'device', type: 'string', default: 'web' }] };
    const compatible = {
      ...base,
      products: base.products.map((p) => ({ ...p, stream: p.stream && { ...p.stream, eventSchema: JSON.stringify(withDefault) } })),
    };
    const { plan } = await publish(compatible);
    expect(plan.changes.find((c) => c.ref.type === 'schema')).toMatchObject({
      action: 'update',
      reason: 'new version 2, BACKWARD compatible',
    });

    const breaking = { ...LISTEN_SCHEMA, fields: [...withDefault.fields, { name: 'sessionId', type: 'string' }] };
    const incompatible = {
      ...base,
      products: base.products.map((p) => ({ ...p, stream: p.stream && { ...p.stream, eventSchema: JSON.stringify(breaking) } })),
    };
    const dry = await publish(incompatible, { dryRun: true });
    const change = dry.plan.changes.find((c) => c.ref.type === 'schema');
    expect(change).toMatchObject({ action: 'update', breaking: true, requiresFlag: '--allow-breaking' });
    expect(change?.reason).toMatch(/breaks BACKWARD compatibility at sessionId/);
    await expect(publish(incompatible)).rejects.toMatchObject({ code: 'ChangeNeedsFlag' });

    const forced = await publish(incompatible, { allowed: ['--allow-breaking'] });
    expect(forced.result?.attributes[change?.key ?? '']).toMatchObject({ version: 3, forced: true });
    const schemas = await LocalSchemaRegistry.open(fixture.workspace.mesh.localDir);
    try {
      expect(await schemas.describeSchema(fixture.workspace.mesh.schemaRegistry, topic)).toMatchObject({
        compatibility: 'BACKWARD',
        latestVersion: 3,
      });
    } finally {
      schemas.close();
    }
  });

  it('refuses a new version outright under DISABLED', async () => {
    const base = withPort(fixture, { partitions: 5, retentionHours: 48, compatibility: 'DISABLED' });
    const changed = {
      ...base,
      products: base.products.map((p) => ({
        ...p,
        stream: p.stream && {
          ...p.stream,
          eventSchema: JSON.stringify({ ...LISTEN_SCHEMA, doc: 'x', fields: LISTEN_SCHEMA.fields.slice(0, 3) }),
        },
      })),
    };
    await expect(publish(changed, { allowed: ['--allow-breaking'] })).rejects.toMatchObject({
      code: 'SchemaVersioningDisabled',
      exitCode: 2,
    });
  });
});
