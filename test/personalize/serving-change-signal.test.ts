/**
 * The change signal behind the dev server's freshness checks (src/personalize/local/change-signal.ts): a value is
 * computed again after a change in its directory, and only then; a replaced or late directory is watched again;
 * without a watch the value is computed once per event-loop turn. Each change below is made in the check phase
 * that `afterPoll()` resolved in, so the next `afterPoll()` comes after a poll phase that saw its notification
 * (what the server's request path relies on: the request is read in such a poll phase).
 */
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { afterPoll, DirSignal, WatchedValue } from '../../src/personalize/local/change-signal.js';

const cleanup: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanup.splice(0)) c();
});

function setup(create = true): { dir: string; file: string; signal: DirSignal; value: WatchedValue<string>; computed: () => number } {
  const root = mkdtempSync(path.join(os.tmpdir(), 'mesh-signal-'));
  const dir = path.join(root, 'state');
  if (create) mkdirSync(dir);
  const file = path.join(dir, 'campaigns.json');
  if (create) writeFileSync(file, 'v1');
  const signal = new DirSignal(dir);
  let n = 0;
  const value = new WatchedValue(signal, () => {
    n++;
    try {
      return readFileSync(file, 'utf8');
    } catch {
      return 'absent';
    }
  });
  cleanup.push(() => {
    signal.close();
    rmSync(root, { recursive: true, force: true });
  });
  return { dir, file, signal, value, computed: () => n };
}

/** Watches are used on Linux only (inotify); elsewhere every value is computed once per turn, with the same answers. */
const LINUX = process.platform === 'linux';

describe('change signal', () => {
  it('computes again after a write or a rename in the directory, and not while nothing changes', async () => {
    const { file, signal, value, computed } = setup();
    expect(signal.live).toBe(LINUX);
    await afterPoll();
    expect(value.get()).toBe('v1');
    for (let turn = 0; turn < 5; turn++) {
      await afterPoll();
      expect(value.get()).toBe('v1');
    }
    expect(computed()).toBe(LINUX ? 1 : 6);
    writeFileSync(file, 'v2');
    await afterPoll();
    expect(value.get()).toBe('v2');
    // a deploy replaces the file by rename
    writeFileSync(`${file}.tmp`, 'v3');
    renameSync(`${file}.tmp`, file);
    await afterPoll();
    expect(value.get()).toBe('v3');
    const after = computed();
    await afterPoll();
    expect(value.get()).toBe('v3');
    expect(computed()).toBe(LINUX ? after : after + 1);
  });

  it('watches a directory that was removed and made again', async () => {
    const { dir, file, signal, value } = setup();
    await afterPoll();
    expect(value.get()).toBe('v1');
    rmSync(dir, { recursive: true });
    mkdirSync(dir);
    writeFileSync(file, 'v2');
    await afterPoll();
    expect(value.get()).toBe('v2');
    expect(signal.live).toBe(LINUX);
    writeFileSync(file, 'v3'); // seen through the new directory's watch
    await afterPoll();
    expect(value.get()).toBe('v3');
  });

  it('without the directory: computed once per turn, then watched once the directory exists', async () => {
    const { dir, file, signal, value, computed } = setup(false);
    expect(signal.live).toBe(false);
    await afterPoll();
    expect(value.get()).toBe('absent');
    expect(value.get()).toBe('absent');
    expect(computed()).toBe(1);
    await afterPoll();
    expect(value.get()).toBe('absent');
    expect(computed()).toBe(2);
    mkdirSync(dir);
    writeFileSync(file, 'v1');
    await afterPoll();
    expect(value.get()).toBe('v1');
    expect(signal.live).toBe(LINUX);
    writeFileSync(file, 'v2');
    await afterPoll();
    expect(value.get()).toBe('v2');
  });
});
