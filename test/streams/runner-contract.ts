// The local function runner's behaviour, run against a given stream backend (embedded log or the Kafka broker):
// the MSK event shape, retries with backoff, the dead-letter topic, partial batch responses, resume after restart.
import { existsSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { runPlanes } from '../../src/engine/run.js';
import { lineHashId } from '../../src/streams/events/event-lines.js';
import { produceEvents } from '../../src/streams/events/produce.js';
import { type FunctionRunner, type RunnerEvent, startFunctionRunner } from '../../src/streams/local-runner/runner.js';
import { createStreamsPlane } from '../../src/streams/plane.js';
import { openStreamConnection } from '../../src/streams/topics/stream-connection.js';
import type { ConsumedRecord } from '../../src/streams/transport/index.js';
import type { Streaming, StreamSubscription } from '../../src/workspace/model.js';
import { type Fixture, jsonLines, listenEvent, makeFixture } from './fixtures.js';

interface Invocation {
  event: {
    eventSource: string;
    eventSourceArn: string;
    bootstrapServers: string;
    records: Record<string, { offset: number; partition: number; key?: string; value: string; headers: Record<string, number[]>[] }[]>;
  };
  fn: string;
}

export function invocations(fixture: Fixture): Invocation[] {
  if (!existsSync(fixture.outFile)) return [];
  return readFileSync(fixture.outFile, 'utf8')
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Invocation);
}

/**
 * A runner's events as promises: pass `onEvent` to the runner; `until(what, done)` resolves once `done()` holds,
 * checked now and after each event the runner reports (no polling). The timeout only bounds a runner that never
 * gets there, so the failure names what was awaited.
 */
export function runnerWatch(): {
  onEvent: (event: RunnerEvent) => void;
  until(what: string, done: () => boolean, timeoutMs?: number): Promise<void>;
} {
  const waiting = new Set<() => void>();
  return {
    onEvent: () => {
      for (const check of [...waiting]) check();
    },
    until: (what, done, timeoutMs = 20_000) =>
      done()
        ? Promise.resolve()
        : new Promise<void>((resolve, reject) => {
            const check = () => {
              if (!done()) return;
              clearTimeout(bound);
              waiting.delete(check);
              resolve();
            };
            const bound = setTimeout(() => {
              waiting.delete(check);
              reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
            }, timeoutMs);
            waiting.add(check);
          }),
  };
}

/** Publishes the product and applies the consumer's stream subscription (consumer group, dead-letter topic, function). */
export async function publishAndSubscribe(fixture: Fixture): Promise<void> {
  await runPlanes({
    workspace: fixture.workspace,
    target: 'local',
    signal: new AbortController().signal,
    scope: { include: { publish: true, subscriptions: true } },
    factories: [createStreamsPlane],
  });
}

export async function readTopic(fixture: Fixture, topic: string): Promise<ConsumedRecord[]> {
  const { transport } = await openStreamConnection({ workspace: fixture.workspace, target: 'local' });
  try {
    const out: ConsumedRecord[] = [];
    for await (const r of transport.tail({ topic, from: 'beginning', stopAtEnd: true })) out.push(r);
    return out;
  } finally {
    await transport.close();
  }
}

export async function committed(fixture: Fixture): Promise<{ committed: Record<number, number>; ends: Record<number, number> }> {
  const { transport } = await openStreamConnection({ workspace: fixture.workspace, target: 'local' });
  const topic = fixture.product.stream?.topic ?? '';
  try {
    const group = `${fixture.workspace.mesh.name}.recommendations.listen-events`;
    const c = await transport.committedOffsets(group, topic);
    const e = await transport.endOffsets(topic);
    return {
      committed: Object.fromEntries(c.map((x) => [x.partition, x.offset])),
      ends: Object.fromEntries(e.map((x) => [x.partition, x.end])),
    };
  } finally {
    await transport.close();
  }
}

export function runnerContract(backend: string, streaming: () => Streaming): void {
  describe(`the local function runner on ${backend}`, () => {
    const fixtures: Fixture[] = [];
    const runners: FunctionRunner[] = [];
    afterEach(async () => {
      await Promise.all(runners.splice(0).map((r) => r.stop()));
      for (const f of fixtures.splice(0)) f.cleanup();
    });

    async function setUp(subscription: Partial<StreamSubscription>, mode: string, partitions = 1): Promise<Fixture> {
      const fixture = makeFixture({ streaming: streaming(), encoding: 'json', partitions, subscription, mode });
      fixtures.push(fixture);
      await publishAndSubscribe(fixture);
      return fixture;
    }

    type Started = FunctionRunner & {
      until: ReturnType<typeof runnerWatch>['until'];
      /** The offset committed last in each partition, as the runner reported it. */
      readonly commits: Map<number, number>;
    };
    async function start(fixture: Fixture): Promise<Started> {
      const watch = runnerWatch();
      const commits = new Map<number, number>();
      const runner = await startFunctionRunner({
        workspace: fixture.workspace,
        target: 'local',
        signal: new AbortController().signal,
        retryBackoff: { initialMs: 20, maxMs: 100 },
        pollWaitMs: 100,
        onEvent: (event) => {
          if (event.type === 'committed') commits.set(event.partition, event.offset);
          watch.onEvent(event);
        },
      });
      runners.push(runner);
      return Object.assign(runner, { until: watch.until, commits });
    }

    const produce = (fixture: Fixture, events: unknown[]) =>
      produceEvents({ workspace: fixture.workspace, target: 'local', product: 'listen-events', text: jsonLines(events) });

    it('delivers the MSK event shape; a batch that fails twice is retried and then committed', async () => {
      const fixture = await setUp({ maximumRetryAttempts: 3 }, 'fail-twice');
      await produce(fixture, [listenEvent('u1', 1), listenEvent('u1', 2), listenEvent('u1', 3)]);
      const runner = await start(fixture);
      await runner.until('a successful invocation', () => (runner.stats().subscriptions[0]?.succeeded ?? 0) >= 1);
      await runner.stop();
      const calls = invocations(fixture);
      expect(calls).toHaveLength(3);
      const topic = fixture.product.stream?.topic ?? '';
      for (const call of calls) {
        expect(call.event.eventSource).toBe('aws:kafka');
        expect(call.event.eventSourceArn).toMatch(/^arn:aws:kafka:us-east-1:\d{12}:cluster\//);
        expect(Object.keys(call.event.records)).toEqual([`${topic}-0`]);
        const records = call.event.records[`${topic}-0`] ?? [];
        expect(records.map((r) => r.offset)).toEqual([0, 1, 2]);
        expect(records[0]).toMatchObject({ topic, partition: 0, timestampType: 'CREATE_TIME', key: Buffer.from('u1').toString('base64') });
        expect(JSON.parse(Buffer.from(records[0]?.value ?? '', 'base64').toString())).toMatchObject({ userId: 'u1', itemId: 'song-1' });
        // mesh's headers, as the MSK event lists them: the content type and the event id (a hash of the line).
        const eventId = lineHashId(JSON.stringify(listenEvent('u1', 1)));
        expect(records[0]?.headers).toEqual([
          { 'content-type': [...Buffer.from('application/json')] },
          { 'mesh-event-id': [...Buffer.from(eventId)] },
        ]);
      }
      expect(calls[0]?.fn).toBe(`${fixture.workspace.mesh.name}-recommendations-listens-handler`);
      expect(runner.stats().subscriptions[0]).toMatchObject({
        invocations: 3,
        failed: 2,
        retries: 2,
        succeeded: 1,
        committed: 3,
        deadLettered: 0,
      });
      expect(await committed(fixture)).toEqual({ committed: { 0: 3 }, ends: { 0: 3 } });
    });

    it('sends a poison message to the dead-letter topic after the retries, and goes on', async () => {
      const fixture = await setUp({ maximumRetryAttempts: 2, batchSize: 1 }, 'poison');
      await produce(fixture, [listenEvent('u1', 1), listenEvent('poison', 2), listenEvent('u2', 3)]);
      const runner = await start(fixture);
      await runner.until('all three committed', () => (runner.stats().subscriptions[0]?.committed ?? 0) >= 3);
      await runner.stop();
      const poisonCalls = invocations(fixture).filter((c) =>
        Object.values(c.event.records)
          .flat()
          .some((r) => r.offset === 1),
      );
      expect(poisonCalls).toHaveLength(3);
      const dlq = await readTopic(fixture, fixture.consumer.subscriptions[0]?.stream?.deadLetterTopic ?? '');
      expect(dlq).toHaveLength(1);
      const [dead] = dlq;
      expect(dead?.key?.toString()).toBe('poison');
      expect(JSON.parse(dead?.value?.toString() ?? '{}')).toMatchObject({ userId: 'poison' });
      const header = (name: string) => dead?.headers[name]?.toString();
      expect(header('mesh-dlq-error-type')).toBe('TypeError');
      expect(header('mesh-dlq-error-message')).toBe('cannot handle poison');
      expect([header('mesh-dlq-source-topic'), header('mesh-dlq-source-partition'), header('mesh-dlq-source-offset')]).toEqual([
        fixture.product.stream?.topic,
        '0',
        '1',
      ]);
      expect(header('mesh-dlq-attempts')).toBe('3');
      expect(header('content-type')).toBe('application/json');
      expect(await committed(fixture)).toEqual({ committed: { 0: 3 }, ends: { 0: 3 } });
    });

    it('honours batchItemFailures: commits up to the first failed record, dead-letters only the reported one', async () => {
      const fixture = await setUp({ maximumRetryAttempts: 1 }, 'partial');
      await produce(fixture, [listenEvent('a', 1), listenEvent('poison', 2), listenEvent('b', 3)]);
      const runner = await start(fixture);
      await runner.until('all three committed', () => (runner.stats().subscriptions[0]?.committed ?? 0) >= 3);
      await runner.stop();
      const offsets = invocations(fixture).map((c) =>
        Object.values(c.event.records)
          .flat()
          .map((r) => r.offset),
      );
      expect(offsets).toEqual([
        [0, 1, 2],
        [1, 2],
      ]);
      const dlq = await readTopic(fixture, fixture.consumer.subscriptions[0]?.stream?.deadLetterTopic ?? '');
      expect(dlq.map((r) => r.headers['mesh-dlq-source-offset']?.toString())).toEqual(['1']);
      expect(await committed(fixture)).toEqual({ committed: { 0: 3 }, ends: { 0: 3 } });
    });

    it('resumes from the committed offsets after a restart: nothing lost, order kept per key', async () => {
      const fixture = await setUp({ batchSize: 4 }, 'ok', 2);
      const keys = ['k1', 'k2', 'k3'];
      await produce(
        fixture,
        Array.from({ length: 24 }, (_, i) => listenEvent(keys[i % 3] ?? 'k', i)),
      );
      const first = await start(fixture);
      await first.until('some progress', () => (first.stats().subscriptions[0]?.committed ?? 0) >= 4);
      await first.stop();
      const before = await committed(fixture);
      const seenBefore = invocations(fixture).length;
      await produce(
        fixture,
        Array.from({ length: 12 }, (_, i) => listenEvent(keys[i % 3] ?? 'k', 100 + i)),
      );
      const { ends } = await committed(fixture);
      const second = await start(fixture);
      await second.until('everything committed', () =>
        Object.entries(ends).every(([p, end]) => (second.commits.get(Number(p)) ?? before.committed[Number(p)]) === end),
      );
      await second.stop();
      expect(await committed(fixture)).toEqual({ committed: ends, ends });
      const calls = invocations(fixture);
      for (const call of calls.slice(seenBefore)) {
        for (const [key, records] of Object.entries(call.event.records)) {
          const partition = Number(key.slice(key.lastIndexOf('-') + 1));
          expect(records[0]?.offset ?? 0).toBeGreaterThanOrEqual(before.committed[partition] ?? 0);
        }
      }
      const values = calls
        .flatMap((c) => Object.values(c.event.records).flat())
        .map((r) => JSON.parse(Buffer.from(r.value, 'base64').toString()) as { userId: string; itemId: string });
      expect(new Set(values.map((v) => v.itemId)).size).toBe(36);
      for (const key of keys) {
        const order = values.filter((v) => v.userId === key).map((v) => Number(v.itemId.slice(5)));
        const firstSeen = order.filter((n, i) => order.indexOf(n) === i);
        expect(firstSeen).toEqual([...firstSeen].sort((a, b) => a - b));
      }
    });
  });
}
