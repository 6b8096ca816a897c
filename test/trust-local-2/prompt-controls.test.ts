/**
 * A prompt can show text mesh did not write: `mesh unlock` asks before releasing a lock and names its holder (user,
 * host, command), which on aws is an item in the central `mesh-locks` table that every team's runs write. The prompt
 * library prints its message to the terminal as it is, so a holder whose command holds an OSC 52 sequence set the
 * clipboard of whoever ran `mesh unlock` (shown under a pseudo-terminal before the fix). Prompt messages are now
 * terminal-safe like every other line mesh prints: control sequences are shown as visible escapes.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runMesh } from '../support/cli-harness.js';

/** What mesh handed the prompt library: the library writes it to the terminal verbatim. */
const asked = vi.hoisted(() => [] as string[]);
vi.mock('@inquirer/prompts', () => ({
  confirm: async (config: { message: string }) => {
    asked.push(config.message);
    return false;
  },
  input: async (config: { message: string }) => {
    asked.push(config.message);
    return '';
  },
  select: async (config: { message: string }) => {
    asked.push(config.message);
    return '';
  },
}));

const OSC52 = '\u001b]52;c;cm0gLXJmIH4K\u0007'; // clipboard := "rm -rf ~"
const C1_CSI = '\u009b2J'; // an 8-bit CSI: clear the screen
const BIDI = '\u202e'; // right-to-left override

let root: string;

beforeAll(async () => {
  root = mkdtempSync(path.join(os.tmpdir(), 'mesh-trust-prompt-'));
  const init = await runMesh(['init', '--example', 'music-streaming', '-C', root, '--json', '--yes']);
  expect(init.code, init.stderr).toBe(0);
  // A lock left by another run: its holder's words are whatever that run wrote.
  mkdirSync(path.join(root, '.mesh', 'state'), { recursive: true });
  writeFileSync(
    path.join(root, '.mesh', 'state', 'local.lock'),
    JSON.stringify({
      id: 'lock-1',
      user: `ci${BIDI}`,
      host: 'other-host',
      pid: 1,
      command: `mesh apply${OSC52}${C1_CSI}`,
      target: 'local',
      mesh: 'music',
      started: new Date().toISOString(),
    }),
  );
});

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('prompts and terminal control sequences', () => {
  it('mesh unlock asks about the holder with its control sequences shown, never raw', async () => {
    const run = await runMesh(['unlock', 'lock-1', '-C', root], { isTTY: true, env: { ...process.env, CI: '' } });
    expect(asked).toHaveLength(1);
    const message = asked[0] as string;
    expect(message).toContain('Release lock lock-1');
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this test looks for
    expect(message.match(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g)).toBeNull();
    expect(message).toContain('\\u001b]52;c;cm0gLXJmIH4K\\u0007');
    expect(message).toContain('\\u009b2J');
    expect(message).toContain('ci\\u202e');
    // Declined: the lock stays.
    expect(run.code).not.toBe(0);
  });
});
