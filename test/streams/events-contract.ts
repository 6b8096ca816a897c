// `mesh events produce` / `mesh events tail` (the library functions the commands call) against a stream backend.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { produceEvents } from '../../src/streams/events/produce.js';
import { type TailedEvent, tailEvents } from '../../src/streams/events/tail.js';
import type { Streaming } from '../../src/workspace/model.js';
import { type Fixture, jsonLines, listenEvent, makeFixture } from './fixtures.js';
import { publishAndSubscribe } from './runner-contract.js';

async function collect(iterable: AsyncIterable<TailedEvent>): Promise<TailedEvent[]> {
  const out: TailedEvent[] = [];
  for await (const e of iterable) out.push(e);
  return out;
}

export function eventsContract(backend: string, streaming: () => Streaming, encoding: 'avro' | 'json'): void {
  describe(`events produce and tail on ${backend} (${encoding})`, () => {
    let fixture: Fixture;
    const signal = new AbortController().signal;
    const tail = (options: { fromBeginning?: boolean; group?: string; maxEvents?: number; stopAtEnd?: boolean; signal?: AbortSignal }) =>
      collect(tailEvents({ workspace: fixture.workspace, target: 'local', product: 'listen-events', signal, ...options }));
    const produce = (text: string, skipInvalid = false) =>
      produceEvents({ workspace: fixture.workspace, target: 'local', product: 'listen-events', text, source: 'events.jsonl', skipInvalid });

    beforeAll(async () => {
      fixture = makeFixture({ streaming: streaming(), encoding, partitions: 3 });
      await publishAndSubscribe(fixture);
    });
    afterAll(() => fixture.cleanup());

    const sent = [
      listenEvent('u1', 1),
      listenEvent('u2', 2, 'skip'),
      listenEvent('u1', 3, 'like'),
      listenEvent('u3', 4),
      listenEvent('u1', 5),
    ];

    it('produces valid events keyed by the key field and reports the partition/offset ranges', async () => {
      const result = await produce(jsonLines(sent));
      expect(result).toMatchObject({ product: 'listen-events', topic: fixture.product.stream?.topic, encoding, sent: 5, invalid: [] });
      expect(result.partitions.reduce((n, p) => n + p.count, 0)).toBe(5);
      for (const p of result.partitions) expect(p.lastOffset - p.firstOffset + 1).toBe(p.count);
    });

    it('tails from the beginning to the end of the stream, decoded, one key on one partition in order', async () => {
      const events = await tail({ fromBeginning: true, stopAtEnd: true });
      expect(events).toHaveLength(5);
      expect(events.map((e) => e.value).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))).toEqual(
        [...sent].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
      );
      const u1 = events.filter((e) => e.key === 'u1');
      expect(new Set(u1.map((e) => e.partition)).size).toBe(1);
      expect(u1.map((e) => (e.value as { itemId: string }).itemId)).toEqual(['song-1', 'song-3', 'song-5']);
      expect(events[0]?.timestamp).toMatch(/^\d{4}-\d\d-\d\dT/);
    });

    it('reports invalid lines with their line numbers and sends nothing', async () => {
      const text = `${JSON.stringify(listenEvent('u9', 9))}\n{not json\n${JSON.stringify({ userId: 'u9', itemId: 'x', eventType: 'dance', timestamp: 1 })}\n`;
      await expect(produce(text)).rejects.toMatchObject({
        code: 'EventsInvalid',
        exitCode: 2,
        message: expect.stringMatching(
          /2 of 3 event\(s\) in events\.jsonl do not match[\s\S]*line 2: not valid JSON[\s\S]*line 3: eventType/,
        ),
      });
      expect(await tail({ fromBeginning: true, stopAtEnd: true })).toHaveLength(5);
      const skipped = await produce(text, true);
      expect(skipped.sent).toBe(1);
      expect(skipped.invalid.map((i) => i.line)).toEqual([2, 3]);
      expect(await tail({ fromBeginning: true, stopAtEnd: true })).toHaveLength(6);
    });

    it('stops after -c events', async () => {
      expect(await tail({ fromBeginning: true, maxEvents: 2 })).toHaveLength(2);
    });

    it('follows new events until Ctrl-C', async () => {
      const controller = new AbortController();
      const seen: TailedEvent[] = [];
      let started!: () => void;
      const positioned = new Promise<void>((resolve) => {
        started = resolve;
      });
      const following = (async () => {
        for await (const e of tailEvents({
          workspace: fixture.workspace,
          target: 'local',
          product: 'listen-events',
          signal: controller.signal,
          onStarted: started,
        })) {
          seen.push(e);
          if (seen.length === 2) controller.abort();
        }
      })();
      // Produced once the tail has pinned where it starts (a failed tail rejects `following` and ends the race).
      await Promise.race([positioned, following]);
      await produce(jsonLines([listenEvent('live', 1), listenEvent('live', 2)]));
      await following;
      expect(seen.map((e) => [e.key, (e.value as { itemId?: unknown }).itemId])).toEqual([
        ['live', 'song-1'],
        ['live', 'song-2'],
      ]);
    });

    it('with --group, resumes where the group stopped', async () => {
      const total = (await tail({ fromBeginning: true, stopAtEnd: true })).length;
      const group = `${fixture.workspace.mesh.name}.cli-tail`;
      expect(await tail({ fromBeginning: true, group, maxEvents: 3 })).toHaveLength(3);
      expect(await tail({ fromBeginning: true, group, stopAtEnd: true })).toHaveLength(total - 3);
      expect(await tail({ fromBeginning: true, group, stopAtEnd: true })).toHaveLength(0);
    });

    it('says to publish first when the topic does not exist', async () => {
      const other = makeFixture({ streaming: streaming(), encoding });
      try {
        await expect(
          produceEvents({ workspace: other.workspace, target: 'local', product: 'listen-events', text: jsonLines([listenEvent('u', 1)]) }),
        ).rejects.toMatchObject({ code: 'ProductNotPublished', hint: 'Publish it first: mesh publish-product listen-events' });
      } finally {
        other.cleanup();
      }
    });
  });
}
