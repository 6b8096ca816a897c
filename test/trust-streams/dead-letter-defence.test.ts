// A subscription's dead-letter topic must be the consumer's own (`<name>.dlq.<consumer>`) and no product's topic.
// Validation checks it (test/trust-generated/dead-letter-topics.test.ts); the streams plane trusted whatever the model
// held, so a workspace that skipped validation (a library user, a saved model) got a function whose failed records
// went into another product's topic, or into another consumer's dead letters. Now the streams plane refuses it where
// it resolves subscriptions: plans, and `mesh dev`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlanScope } from '../../src/engine/plane.js';
import { openState, runPlanes } from '../../src/engine/run.js';
import { startFunctionRunner } from '../../src/streams/local-runner/runner.js';
import { createStreamsPlane } from '../../src/streams/plane.js';
import type { Workspace } from '../../src/workspace/model.js';
import { makeFixture, withSubscription } from '../streams/fixtures.js';

const fixture = makeFixture();
const topic = fixture.product.stream?.topic ?? '';
const SUBSCRIBE: PlanScope = {
  subscriptions: [{ product: 'listen-events', domain: 'recommendations', stream: true, table: false }],
  include: { publish: false, subscriptions: true },
};
const FULL: PlanScope = { include: { publish: false, subscriptions: true } };

const run = (workspace: Workspace, scope: PlanScope) =>
  runPlanes({ workspace, target: 'local', signal: new AbortController().signal, scope, factories: [createStreamsPlane] });

beforeAll(async () => {
  expect((await run(fixture.workspace, { include: { publish: true, subscriptions: false } })).applied).toBe(true);
});
afterAll(() => fixture.cleanup());

describe('a dead-letter topic the consumer does not own, in a workspace that skipped validation', () => {
  it.each([
    ['the product topic it reads', topic, `Dead-letter topic "${topic}" of recommendations is a product's stream`],
    ["another consumer's dead letters", `${topic}.dlq.analytics`, `Dead-letter topic "${topic}.dlq.analytics" is not recommendations's`],
    ['a name that only contains the suffix', `${topic}.dlq.recommendations.x`, "is not recommendations's"],
  ])('is refused when it is %s: subscribe, a full plan and `mesh dev`', async (_, deadLetterTopic, message) => {
    const ws = withSubscription(fixture, { deadLetterTopic });
    for (const scope of [SUBSCRIBE, FULL]) {
      await expect(run(ws, scope)).rejects.toMatchObject({ code: 'DeadLetterTopicNotOwned', message: expect.stringContaining(message) });
    }
    await expect(startFunctionRunner({ workspace: ws, target: 'local', signal: new AbortController().signal })).rejects.toMatchObject({
      code: 'DeadLetterTopicNotOwned',
    });
    expect(
      openState(ws, 'local')
        .all()
        .filter((e) => e.key.startsWith('function:') || e.key.startsWith('consumer-group:')),
    ).toEqual([]);
  });

  it('an own name (<name>.dlq.<consumer>) is accepted', async () => {
    const { applied } = await run(withSubscription(fixture, { deadLetterTopic: `retries.dlq.recommendations` }), SUBSCRIBE);
    expect(applied).toBe(true);
    const spec = openState(fixture.workspace, 'local').get('function:local/recommendations/listens-handler')?.attributes?.spec as {
      subscriptions: { deadLetterTopic: string }[];
    };
    expect(spec.subscriptions.map((s) => s.deadLetterTopic)).toEqual(['retries.dlq.recommendations']);
  });
});
