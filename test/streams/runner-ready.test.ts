// The local function runner starts warm: `ready` resolves once the function's process has loaded the handler and
// the poller holds its position, so the first batch does not wait for a fork (the stutter at the start of
// `mesh dev`). And a batch over several partitions is committed on all of them.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { produceEvents } from '../../src/streams/events/produce.js';
import { type FunctionRunner, type RunnerEvent, startFunctionRunner } from '../../src/streams/local-runner/runner.js';
import { type Fixture, HANDLER_SOURCE, jsonLines, listenEvent, makeFixture } from './fixtures.js';
import { committed, invocations, publishAndSubscribe, runnerWatch } from './runner-contract.js';

const fixtures: Fixture[] = [];
const runners: FunctionRunner[] = [];
afterEach(async () => {
  await Promise.all(runners.splice(0).map((r) => r.stop()));
  for (const f of fixtures.splice(0)) f.cleanup();
});

describe('the local function runner, ready', () => {
  it('starts the function process before the first record, and says when it is ready', async () => {
    const fixture = makeFixture({ streaming: { kind: 'embedded' }, encoding: 'json', partitions: 3 });
    fixtures.push(fixture);
    // The handler notes each time it is loaded (each process start), beside the invocations.
    const loads = `${fixture.outFile}.loads`;
    const handlerFile = path.join(fixture.root, 'domains', 'recommendations', 'handlers', 'listens', 'index.js');
    writeFileSync(handlerFile, `require('node:fs').appendFileSync(${JSON.stringify(loads)}, process.pid + '\\n');\n${HANDLER_SOURCE}`);
    await publishAndSubscribe(fixture);

    const watch = runnerWatch();
    const events: RunnerEvent['type'][] = [];
    const runner = await startFunctionRunner({
      workspace: fixture.workspace,
      target: 'local',
      signal: new AbortController().signal,
      pollWaitMs: 100,
      onEvent: (event) => {
        events.push(event.type);
        watch.onEvent(event);
      },
    });
    runners.push(runner);
    await runner.ready;
    expect(events).toEqual(['ready']);
    expect(existsSync(loads)).toBe(true);
    const pids = readFileSync(loads, 'utf8').trim().split('\n');
    expect(pids).toHaveLength(1);

    const sent = ['u1', 'u2', 'u3', 'u4', 'u5', 'u6'].map((u, i) => listenEvent(u, i));
    await produceEvents({ workspace: fixture.workspace, target: 'local', product: 'listen-events', text: jsonLines(sent) });
    await watch.until('every event committed', () => (runner.stats().subscriptions[0]?.committed ?? 0) >= sent.length);
    await runner.stop();

    // The warm process served the batches: the handler was loaded once, by the process started before the events.
    expect(readFileSync(loads, 'utf8').trim().split('\n')).toEqual(pids);
    expect(new Set(invocations(fixture).map((c) => String((c as unknown as { pid: number }).pid)))).toEqual(new Set(pids));
    // Every partition that received events is committed up to its end.
    const { committed: offsets, ends } = await committed(fixture);
    expect(Object.keys(ends).filter((p) => (ends[Number(p)] ?? 0) > 0).length).toBeGreaterThan(1);
    for (const [partition, end] of Object.entries(ends)) if (end > 0) expect(offsets[Number(partition)]).toBe(end);
  });
});
