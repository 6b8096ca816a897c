// The preflight's and doctor's checks run concurrently (at most 8 at a time), and their results, so the failures a
// preflight reports, keep the checks' order whichever answers first.
import { describe, expect, it } from 'vitest';
import { type Check, type CheckResult, runChecks } from '../../src/doctor/checks.js';

describe('runChecks', () => {
  it('runs at most 8 checks at once and returns the results in the order of the checks', async () => {
    let running = 0;
    let most = 0;
    const gates: (() => void)[] = [];
    const checks: Check[] = Array.from({ length: 20 }, (_, i) => async (): Promise<CheckResult> => {
      running++;
      most = Math.max(most, running);
      await new Promise<void>((resolve) => gates.push(resolve));
      running--;
      return { name: `check ${i}`, ok: i % 3 !== 0, status: i % 3 !== 0 ? 'ok' : 'failed', detail: `detail ${i}` };
    });
    const done = runChecks(checks);
    // Answer the waiting checks last-started first, until all have answered.
    for (let answered = 0; answered < checks.length; answered++) {
      await expect.poll(() => gates.length).toBeGreaterThan(0);
      gates.pop()?.();
    }
    const results = await done;
    expect(most).toBe(8);
    expect(results.map((r) => r.name)).toEqual(checks.map((_, i) => `check ${i}`));
    expect(results.filter((r) => !r.ok).map((r) => r.name)).toEqual([
      'check 0',
      'check 3',
      'check 6',
      'check 9',
      'check 12',
      'check 15',
      'check 18',
    ]);
  });
});
