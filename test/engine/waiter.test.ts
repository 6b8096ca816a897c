import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { type JobStatus, waitFor } from '../../src/core/waiter.js';
import { createOutput } from '../../src/io/output.js';
import { cliHostFor } from '../support/cli-harness.js';

function sink(): { stream: Writable; text: () => string } {
  let buf = '';
  const stream = new Writable({
    write(chunk, _enc, cb) {
      buf += String(chunk);
      cb();
    },
  });
  return { stream, text: () => buf };
}

describe('waitFor', () => {
  it('polls with growing delays until done, printing status changes', async () => {
    const statuses: JobStatus[] = [
      { status: 'CREATE PENDING', done: false, failed: false },
      { status: 'CREATE IN_PROGRESS', done: false, failed: false },
      { status: 'CREATE IN_PROGRESS', done: false, failed: false },
      { status: 'ACTIVE', done: true, failed: false },
    ];
    const delays: number[] = [];
    const err = sink();
    const output = createOutput({ stderr: err.stream, stdout: sink().stream });
    const result = await waitFor({
      label: 'import job users',
      poll: async () => statuses.shift() ?? { status: 'ACTIVE', done: true, failed: false },
      host: cliHostFor(output),
      initialDelayMs: 1000,
      factor: 2,
      sleep: async (ms) => {
        delays.push(ms);
      },
    });
    expect(result.status).toBe('ACTIVE');
    expect(delays).toHaveLength(3);
    expect(delays[1]! / delays[0]!).toBeGreaterThan(1.2);
    expect(err.text()).toContain('import job users: CREATE PENDING');
    expect(err.text()).toContain('import job users: ACTIVE');
  });

  it('fails with the reason and stops on abort with the resume hint', async () => {
    const output = createOutput({ stderr: sink().stream, stdout: sink().stream });
    await expect(
      waitFor({
        label: 'solution version',
        poll: async () => ({ status: 'CREATE FAILED', done: false, failed: true, reason: 'not enough data' }),
        host: cliHostFor(output),
        sleep: async () => {},
      }),
    ).rejects.toMatchObject({ code: 'JobFailed', message: expect.stringContaining('not enough data') });
    const controller = new AbortController();
    let polls = 0;
    await expect(
      waitFor({
        label: 'campaign',
        host: cliHostFor(output),
        signal: controller.signal,
        resumeHint: 'Run `mesh personalize status` to resume.',
        poll: async () => {
          polls++;
          controller.abort();
          return { status: 'CREATE IN_PROGRESS', done: false, failed: false };
        },
        sleep: async () => {},
      }),
    ).rejects.toMatchObject({ code: 'Interrupted', exitCode: 130, hint: 'Run `mesh personalize status` to resume.' });
    expect(polls).toBe(1);
  });
});
