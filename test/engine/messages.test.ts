// The engine and a plane tell the host everything as typed messages and print nothing: a recording host sees each
// change start and end, a plane's wait as progress, and the one question (apply removals?) as a request.
import { describe, expect, it } from 'vitest';
import type { IoMessage } from '../../src/core/messages.js';
import { waitFor } from '../../src/core/waiter.js';
import { type Change, mergePlans } from '../../src/engine/plan.js';
import type { PlaneFactory } from '../../src/engine/plane.js';
import { runPlanes } from '../../src/engine/run.js';
import { musicFixture } from '../catalog/fixtures.js';
import { capturedOutput, recordingHost } from '../support/cli-harness.js';

/** A plane with one change planned (`action`); executing it waits on a job that is done at the second poll. */
function onePlane(action: 'create' | 'delete', executed: string[]): PlaneFactory {
  return async (env) => ({
    planes: ['catalog'],
    async plan() {
      const change = {
        key: 'glue-database:test_db',
        type: 'glue-database',
        action,
        ref: { plane: 'catalog', type: 'glue-database', id: 'test_db', label: 'test_db' },
        reason: 'the test plans it',
        dependsOn: [],
        ...(action === 'delete' ? { before: {}, requiresFlag: '--allow-delete' } : { after: {} }),
      } as unknown as Change;
      return mergePlans({ changes: [change], summary: { create: 0, update: 0, replace: 0, grant: 0, revoke: 0, delete: 0, noop: 0 } });
    },
    async execute(change) {
      const polls = ['CREATING', 'ACTIVE'];
      await waitFor({
        label: `database ${change.ref.id}`,
        host: env.host,
        poll: async () => {
          const status = polls.shift() ?? 'ACTIVE';
          return { status, done: status === 'ACTIVE', failed: false };
        },
        sleep: async () => {},
      });
      executed.push(change.key);
      return undefined;
    },
  });
}

function run(action: 'create' | 'delete', host: ReturnType<typeof recordingHost>, executed: string[] = []) {
  const fixture = musicFixture({ target: 'local' });
  const output = capturedOutput({ verbose: true });
  const result = runPlanes({
    workspace: fixture.workspace,
    target: 'local',
    host,
    signal: new AbortController().signal,
    scope: { include: { publish: true, subscriptions: false } },
    factories: [onePlane(action, executed)],
    allowed: new Set(['--allow-delete']),
    confirm: 'removals',
  }).finally(() => fixture.cleanup());
  return { result, output };
}

describe('typed messages from the engine and a plane', () => {
  it('each change starts and ends as a message; the wait inside it is progress; nothing is printed', async () => {
    const host = recordingHost();
    const { result, output } = run('create', host);
    expect((await result).applied).toBe(true);
    expect(host.codes()).toEqual(['engine.change.start', 'progress.start', 'progress.update', 'progress.end', 'engine.change.done']);
    const done = host.messages.find((m) => m.code === 'engine.change.done') as Extract<IoMessage, { code: 'engine.change.done' }>;
    expect(done).toEqual({
      code: 'engine.change.done',
      level: 'info',
      data: { plane: 'catalog', action: 'create', type: 'glue-database', id: 'test_db', label: 'test_db' },
    });
    const progress = host.messages.filter((m) => m.code.startsWith('progress.')).map((m) => m.data);
    expect(progress.map((d) => (d as { text?: string }).text)).toEqual([
      'database test_db: checking…',
      expect.stringMatching(/^database test_db: CREATING \(\d+s\)$/),
      expect.stringMatching(/^database test_db: ACTIVE \(\d+s\)$/),
    ]);
    expect(host.messages.find((m) => m.code === 'progress.end')?.data).toMatchObject({ ok: true });
    expect(new Set(progress.map((d) => (d as { id: string }).id)).size).toBe(1);
    // no request: the plan removes nothing
    expect(host.requests).toEqual([]);
    expect(output.stdout()).toBe('');
    expect(output.stderr()).toBe('');
  });

  it('a plan that removes something is a request to the host; the answer no applies nothing', async () => {
    const refusing = recordingHost({ 'engine.apply.confirm': false });
    const executed: string[] = [];
    const { result } = run('delete', refusing, executed);
    await expect(result).rejects.toMatchObject({ code: 'Aborted' });
    expect(refusing.requests).toEqual([
      {
        code: 'engine.apply.confirm',
        data: { target: 'local', reason: 'removals', summary: expect.objectContaining({ delete: 1 }) },
        defaultAnswer: false,
      },
    ]);
    expect(executed).toEqual([]);
    expect(refusing.codes()).toEqual([]);

    const approving = recordingHost({ 'engine.apply.confirm': true });
    const applied: string[] = [];
    expect((await run('delete', approving, applied).result).applied).toBe(true);
    expect(applied).toEqual(['glue-database:test_db']);
    expect(approving.codes()).toContain('engine.change.done');
  });
});
