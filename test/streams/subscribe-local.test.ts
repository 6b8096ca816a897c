// subscribe / unsubscribe --stream on the local target: the dead-letter topic, the consumer group registered on the
// embedded log, the function recorded in the local state, and the guarded changes.
import { appendFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Plan } from '../../src/engine/plan.js';
import { openState, runPlanes } from '../../src/engine/run.js';
import { produceEvents } from '../../src/streams/events/produce.js';
import { createStreamsPlane } from '../../src/streams/plane.js';
import { openEmbeddedLog } from '../../src/streams/transport/index.js';
import type { Workspace } from '../../src/workspace/model.js';
import { jsonLines, listenEvent, makeFixture, withSubscription } from './fixtures.js';

const fixture = makeFixture({ subscription: { startingPosition: 'LATEST' } });
const scopeEntry = { product: 'listen-events', domain: 'recommendations', stream: true, table: false };
afterAll(() => fixture.cleanup());

function run(workspace: Workspace, kind: 'publish' | 'subscribe' | 'unsubscribe', allowed: string[] = [], dryRun = false) {
  return runPlanes({
    workspace,
    target: 'local',
    signal: new AbortController().signal,
    scope:
      kind === 'publish'
        ? { include: { publish: true, subscriptions: false } }
        : kind === 'subscribe'
          ? { subscriptions: [scopeEntry], include: { publish: false, subscriptions: true } }
          : { removals: [scopeEntry], include: { publish: false, subscriptions: true } },
    factories: [createStreamsPlane],
    allowed: new Set(allowed),
    dryRun,
  });
}
const lines = (plan: Plan) => plan.changes.map((c) => `${c.action} ${c.ref.type}`);
const group = `${fixture.workspace.mesh.name}.recommendations.listen-events`;
const topic = fixture.product.stream?.topic ?? '';

beforeAll(async () => {
  await run(fixture.workspace, 'publish');
  await produceEvents({
    workspace: fixture.workspace,
    target: 'local',
    product: 'listen-events',
    text: jsonLines([listenEvent('u1', 1), listenEvent('u2', 2)]),
  });
});

describe('a stream subscription on the local target', () => {
  it('says to publish first when the product topic does not exist', async () => {
    const other = makeFixture();
    try {
      await expect(run(other.workspace, 'subscribe')).rejects.toMatchObject({
        code: 'ProductNotPublished',
        hint: 'Publish it first: mesh publish-product listen-events',
      });
    } finally {
      other.cleanup();
    }
  });

  it('creates the dead-letter topic, registers the group at its starting position and records the function', async () => {
    const { plan } = await run(fixture.workspace, 'subscribe');
    expect(lines(plan)).toEqual(['create consumer-group', 'create topic', 'create function']);
    const log = await openEmbeddedLog(fixture.workspace.mesh.localDir);
    try {
      expect(await log.describeTopic(`${topic}.dlq.recommendations`)).toMatchObject({
        partitions: 3,
        configs: { 'retention.ms': String(24 * 3_600_000) },
      });
      const ends = await log.endOffsets(topic);
      const committed = await log.committedOffsets(group, topic);
      expect(committed).toEqual(ends.map((e) => ({ partition: e.partition, offset: e.end })));
      expect(committed.reduce((n, c) => n + c.offset, 0)).toBe(2);
    } finally {
      await log.close();
    }
    const recorded = openState(fixture.workspace, 'local').get(`function:local/recommendations/listens-handler`);
    expect(recorded?.attributes?.spec).toMatchObject({
      handler: 'index.handler',
      subscriptions: [{ product: 'listen-events', group, startingPosition: 'LATEST' }],
    });
  });

  it('plans nothing when run again, and an update when the handler code changes', async () => {
    expect(lines((await run(fixture.workspace, 'subscribe')).plan)).toEqual(['noop consumer-group', 'noop topic', 'noop function']);
    appendFileSync(path.join(fixture.consumer.subscriptions[0]?.stream?.handlerDir ?? '', 'index.js'), '\n// changed\n');
    const { plan } = await run(fixture.workspace, 'subscribe');
    expect(plan.changes.find((c) => c.ref.type === 'function')).toMatchObject({ action: 'update', reason: 'handler code changed' });
  });

  it('reports a handler that does not build when subscribing', async () => {
    const handlerDir = fixture.consumer.subscriptions[0]?.stream?.handlerDir ?? '';
    writeFileSync(path.join(handlerDir, 'broken.js'), 'exports.handler = async () => {\n  return (;\n};\n');
    await expect(run(withSubscription(fixture, { handler: 'broken.handler' }), 'subscribe')).rejects.toMatchObject({
      code: 'HandlerBuildFailed',
    });
  });

  it('treats a new starting position as a replace that resets the group', async () => {
    const ws = withSubscription(fixture, { startingPosition: 'TRIM_HORIZON' });
    const dry = await run(ws, 'subscribe', [], true);
    expect(dry.plan.changes.find((c) => c.ref.type === 'consumer-group')).toMatchObject({
      action: 'replace',
      requiresFlag: '--allow-replace',
    });
    await expect(run(ws, 'subscribe')).rejects.toMatchObject({ code: 'ChangeNeedsFlag' });
    await run(ws, 'subscribe', ['--allow-replace']);
    const log = await openEmbeddedLog(fixture.workspace.mesh.localDir);
    try {
      expect((await log.committedOffsets(group, topic)).every((c) => c.offset === 0)).toBe(true);
    } finally {
      await log.close();
    }
  });

  it('unsubscribing removes the function record (the group offsets and dead letters stay)', async () => {
    const { plan } = await run(fixture.workspace, 'unsubscribe', ['--allow-delete']);
    expect(lines(plan)).toEqual(['delete function']);
    expect(openState(fixture.workspace, 'local').get('function:local/recommendations/listens-handler')).toBeUndefined();
  });
});
