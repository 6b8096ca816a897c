// `mesh events produce` killed with SIGKILL in the middle of a big file, then run again (with --resume, and plainly):
// every event is on the topic exactly once, on the embedded log and on the Kafka broker. Runs the CLI from dist/.
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { lineHashId } from '../../src/streams/events/event-lines.js';
import { kafkaBrokers } from '../support/kafka.js';
import { listenLine, type ProduceWorkspace, produceWorkspace, readTopic, runMesh, spawnMesh, writeListens } from './produce-cli.js';

const EVENTS = 50_000;
const PROGRESS = /^acknowledged (\d+) of (\d+) \(line (\d+)(, \d+ duplicate\(s\) skipped)?\)$/;
const workspaces: ProduceWorkspace[] = [];
afterAll(() => {
  for (const ws of workspaces) rmSync(ws.root, { recursive: true, force: true });
});

interface ProduceDoc {
  sent: number;
  duplicates: number;
  total: number;
  acknowledged: number;
  lastAcknowledgedLine: number;
  resumedAfterLine?: number;
}

/** Starts a produce of the whole file, waits for its first progress line, kills it; returns what it had said. */
async function killMidway(ws: ProduceWorkspace, file: string): Promise<{ acknowledged: number; line: number }> {
  const child = spawnMesh(ws.root, ['events', 'produce', 'interactions', '--file', file]);
  const said = await child.waitForLine(PROGRESS);
  child.process.kill('SIGKILL');
  const exit = await child.exited;
  expect(exit.signal).toBe('SIGKILL');
  const [, acknowledged, total, line] = PROGRESS.exec(said) ?? [];
  expect(Number(total)).toBe(EVENTS);
  return { acknowledged: Number(acknowledged), line: Number(line) };
}

function expectExactlyOnce(stored: Array<{ id: string | undefined; value: string }>, expectedIds: Set<string>): void {
  expect(stored).toHaveLength(EVENTS);
  expect(new Set(stored.map((s) => s.value)).size).toBe(EVENTS);
  const ids = stored.map((s) => s.id ?? '');
  expect(new Set(ids).size).toBe(EVENTS);
  expect(ids.filter((id) => !expectedIds.has(id))).toEqual([]);
}

describe('events produce after kill -9, on the embedded log (eventId: event_id)', () => {
  it('keeps what was acknowledged; --resume stores the rest and a plain re-run stores nothing twice', async () => {
    const ws = await produceWorkspace({ eventIdField: true });
    workspaces.push(ws);
    const file = writeListens(ws.root, 'listens.jsonl', EVENTS);

    const killed = await killMidway(ws, file);
    const afterKill = await readTopic(ws);
    expect(afterKill.length).toBeGreaterThanOrEqual(killed.acknowledged);
    expect(afterKill.length).toBeLessThan(EVENTS);
    expect(new Set(afterKill.map((s) => s.id)).size).toBe(afterKill.length);

    const resumed = await runMesh(ws.root, ['--json', 'events', 'produce', 'interactions', '--file', file, '--resume']);
    expect([resumed.code, resumed.stderr]).toEqual([0, '']);
    const resumedDoc = JSON.parse(resumed.stdout) as ProduceDoc;
    expect(resumedDoc.resumedAfterLine).toBeGreaterThanOrEqual(killed.line);
    expect(resumedDoc).toMatchObject({
      sent: EVENTS - afterKill.length,
      total: EVENTS,
      acknowledged: EVENTS,
      lastAcknowledgedLine: EVENTS,
    });
    // What the killed run stored after its last journaled batch is caught by the log's event id index.
    expect(resumedDoc.duplicates).toBe(afterKill.length - (resumedDoc.resumedAfterLine ?? 0));

    const again = await runMesh(ws.root, ['--json', 'events', 'produce', 'interactions', '--file', file]);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('A previous run of');
    expect(JSON.parse(again.stdout)).toMatchObject({ sent: 0, duplicates: EVENTS, acknowledged: EVENTS, lastAcknowledgedLine: EVENTS });

    const human = await runMesh(ws.root, ['events', 'produce', 'interactions', '--file', file, '--restart']);
    expect(human.code).toBe(0);
    expect(human.stdout).toBe(`Sent 0 event(s) to ${ws.topic} (${EVENTS} duplicate(s) skipped: already stored).\n`);

    expectExactlyOnce(await readTopic(ws), new Set(Array.from({ length: EVENTS }, (_, i) => `e${i}`)));
  });
});

describe('events produce after kill -9, on the Kafka broker (ids: hashes of the lines)', () => {
  it('refuses a plain re-run, --resume stores the rest, and every event is on the topic once', async () => {
    const ws = await produceWorkspace({ brokers: kafkaBrokers() });
    workspaces.push(ws);
    const file = writeListens(ws.root, 'listens.jsonl', EVENTS);

    const killed = await killMidway(ws, file);
    const afterKill = await readTopic(ws);
    expect(afterKill.length).toBeGreaterThanOrEqual(killed.acknowledged);
    expect(afterKill.length).toBeLessThan(EVENTS);

    const plain = await runMesh(ws.root, ['events', 'produce', 'interactions', '--file', file]);
    expect(plain.code).toBe(2);
    expect(plain.stderr).toMatch(/\[ProduceAlreadyStarted\] A previous run of .*listens\.jsonl stopped at line \d+;/);
    expect(plain.stderr).toContain('--resume');
    expect(await readTopic(ws)).toHaveLength(afterKill.length);

    const resumed = await runMesh(ws.root, ['--json', 'events', 'produce', 'interactions', '--file', file, '--resume']);
    expect([resumed.code, resumed.stderr]).toEqual([0, '']);
    const doc = JSON.parse(resumed.stdout) as ProduceDoc;
    expect(doc).toMatchObject({ sent: EVENTS - afterKill.length, acknowledged: EVENTS, lastAcknowledgedLine: EVENTS });
    expect(doc.resumedAfterLine).toBeGreaterThanOrEqual(killed.line);

    const done = await runMesh(ws.root, ['events', 'produce', 'interactions', '--file', file]);
    expect(done.code).toBe(2);
    expect(done.stderr).toContain(`sent all of it (${EVENTS} event(s))`);

    expectExactlyOnce(await readTopic(ws), new Set(Array.from({ length: EVENTS }, (_, i) => lineHashId(listenLine(i)))));
  });
});
