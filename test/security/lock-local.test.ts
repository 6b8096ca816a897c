// The lock on the local target: real `mesh` processes (the built CLI) on the music-streaming example. A run that finds
// the lock held waits up to --lock-timeout and then fails naming the holder; runs that overlap apply each change
// once; a lock left by a dead process is taken over; `mesh unlock` releases only the lock it names.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { interrupted } from '../../src/core/errors.js';
import { runPlanes } from '../../src/engine/run.js';
import { createOutput } from '../../src/io/output.js';
import { acquireLock, type HeldLock, type LockHolder, localLockFile } from '../../src/lock/index.js';
import { loadWorkspace } from '../../src/workspace/load.js';
import type { Workspace } from '../../src/workspace/model.js';
import { BIN, ensureBuilt, runChild } from '../cli/run-cli.js';
import { cliHostFor } from '../support/cli-harness.js';

const quiet = () => createOutput({ stdout: { write: () => true } as never, stderr: { write: () => true } as never });
const me = `${os.userInfo().username}@${os.hostname()}`;
let dir = '';

/** A fresh example workspace (scaffolded by the built CLI), its model and its lock file. */
function freshWorkspace(name: string): { root: string; lockFile: string; workspace: () => Promise<Workspace> } {
  const root = path.join(dir, name);
  const init = runChild(['init', '--example', 'music-streaming', '--yes', '--dir', root], dir);
  expect(init.code, init.stderr).toBe(0);
  const workspace = () => loadWorkspace(root, {});
  mkdirSync(path.join(root, '.mesh', 'state'), { recursive: true });
  return { root, lockFile: path.join(root, '.mesh', 'state', 'local.lock'), workspace };
}

interface Running {
  readonly child: ChildProcess;
  /** Resolves when stderr has printed a line matching `pattern`. */
  printed(pattern: RegExp): Promise<void>;
  readonly done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

/** `node bin/mesh.cjs <args>` in the background, its output collected. */
function start(args: string[], cwd: string): Running {
  const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, NO_COLOR: '1' } });
  let stdout = '';
  let stderr = '';
  const waiters: { pattern: RegExp; resolve: () => void }[] = [];
  child.stdout.on('data', (c) => {
    stdout += c;
  });
  child.stderr.on('data', (c) => {
    stderr += c;
    for (const w of waiters.filter((w) => w.pattern.test(stderr))) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
  });
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return {
    child,
    done,
    printed: (pattern) =>
      pattern.test(stderr)
        ? Promise.resolve()
        : Promise.race([
            new Promise<void>((resolve) => waiters.push({ pattern, resolve })),
            done.then((r) => {
              throw new Error(`exited (${r.code}) before printing ${pattern}:\n${r.stderr}`);
            }),
          ]),
  };
}

/** Lines that report an applied change (`✓ create glue-table …`). */
const appliedLines = (stderr: string) => stderr.split('\n').filter((l) => l.startsWith('✓ '));

async function holdLock(workspace: Workspace, output = quiet()): Promise<HeldLock> {
  return acquireLock({ workspace, target: 'local', host: cliHostFor(output), command: 'mesh apply --from-the-test' });
}

/** An Output that keeps its stderr lines. */
function recording(): { output: ReturnType<typeof createOutput>; lines: string[] } {
  const lines: string[] = [];
  const sink = { write: (s: string) => lines.push(s.trimEnd()) } as never;
  return { output: createOutput({ stdout: sink, stderr: sink }), lines };
}

beforeAll(() => {
  ensureBuilt();
  dir = mkdtempSync(path.join(os.tmpdir(), 'mesh-lock-'));
}, 180_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the local lock between mesh processes', () => {
  let root = '';
  let lockFile = '';
  let workspace: Workspace;
  let held: HeldLock;

  beforeAll(async () => {
    const ws = freshWorkspace('contended');
    root = ws.root;
    lockFile = ws.lockFile;
    workspace = await ws.workspace();
    expect(localLockFile(workspace)).toBe(lockFile);
  });

  it('a run that finds the lock held fails after --lock-timeout, naming the holder, and changes nothing', async () => {
    held = await holdLock(workspace);
    const holder = JSON.parse(readFileSync(lockFile, 'utf8')) as LockHolder;
    expect(holder).toEqual({
      id: held.holder.id,
      user: os.userInfo().username,
      host: os.hostname(),
      pid: process.pid,
      command: 'mesh apply --from-the-test',
      target: 'local',
      mesh: 'music',
      started: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });

    const began = Date.now();
    const human = runChild(['publish-product', '--lock-timeout', '1s'], root);
    expect(Date.now() - began).toBeGreaterThanOrEqual(1000);
    expect(human.code).toBe(1);
    expect(human.stderr).toContain(`waiting for lock held by ${me} pid ${process.pid} \`mesh apply --from-the-test\` since`);
    expect(human.stderr).toContain(
      `error [LockHeld] The local target of mesh music is locked by ${me} (pid ${process.pid}), running \`mesh apply --from-the-test\` since ${holder.started}; waited 1s.`,
    );
    expect(human.stderr).toContain(`mesh unlock ${holder.id}`);
    expect(appliedLines(human.stderr)).toEqual([]);

    const json = runChild(['publish-product', '--json'], root);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toEqual({
      error: expect.objectContaining({ code: 'LockHeld', details: { holder, lock: lockFile } }),
    });
    // Nothing was applied: the plan still creates everything. A dry run and `mesh plan` take no lock: they run while it is held.
    const dryRun = runChild(['publish-product', '--dry-run', '--json'], root);
    expect(dryRun.code).toBe(0);
    expect(JSON.parse(dryRun.stdout).plan.summary).toMatchObject({ create: 27, grant: 12 });
    expect(runChild(['plan'], root).code).toBe(0);
  });

  it('runs that overlap wait for each other and apply every change once', async () => {
    // Both start while the test holds the lock, so both wait; then the lock is released and they race for it.
    const a = start(['publish-product', '--lock-timeout', '60s', '--json'], root);
    const b = start(['publish-product', '--lock-timeout', '60s', '--json'], root);
    await Promise.all([a.printed(/waiting for lock held by .* pid \d+/), b.printed(/waiting for lock held by .* pid \d+/)]);
    await held.release();
    const [ra, rb] = await Promise.all([a.done, b.done]);
    expect([ra.code, rb.code]).toEqual([0, 0]);
    const docs = [JSON.parse(ra.stdout), JSON.parse(rb.stdout)] as { applied: boolean; plan: { summary: { create: number } } }[];
    expect(docs.map((d) => d.applied).sort()).toEqual([false, true]);
    // 27 creates + 12 grants, applied by one run; the other planned after it and found nothing to do.
    const lines = [...appliedLines(ra.stderr), ...appliedLines(rb.stderr)];
    expect(lines).toHaveLength(39);
    expect(new Set(lines).size).toBe(39);
    expect(lines.filter((l) => l.startsWith('✓ create '))).toHaveLength(27);
    expect(existsSync(lockFile)).toBe(false);
  });

  it("Ctrl-C while waiting stops the run (exit 130) and leaves the holder's lock alone", async () => {
    held = await holdLock(workspace);
    const waiting = start(['subscribe', 'songs', '--domain', 'recommendations', '--lock-timeout', '60s'], root);
    await waiting.printed(/waiting for lock held by/);
    waiting.child.kill('SIGINT');
    const r = await waiting.done;
    expect(r.code).toBe(130);
    expect(r.stderr).toContain('Stopped waiting for the lock; nothing was changed.');
    expect((JSON.parse(readFileSync(lockFile, 'utf8')) as LockHolder).id).toBe(held.holder.id);
    await held.release();
    expect(existsSync(lockFile)).toBe(false);
  });
});

describe('locks left behind', () => {
  it('a lock whose process is gone (same host) is taken over with a warning naming the old holder', async () => {
    const { root, lockFile } = freshWorkspace('stale');
    const gone = spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' });
    const pid = Number(gone.stdout.trim());
    expect(pid).toBeGreaterThan(0);
    expect(() => process.kill(pid, 0)).toThrow(expect.objectContaining({ code: 'ESRCH' }));
    const stale = { id: 'stale-run', user: 'alice', host: os.hostname(), pid, command: 'mesh apply', target: 'local', mesh: 'music' };
    writeFileSync(lockFile, JSON.stringify({ ...stale, started: '2025-01-01T12:01:03.000Z' }));

    const r = runChild(['publish-product'], root);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(
      new RegExp(
        `warning: took over the lock left by alice@${os.hostname()} pid ${pid} \`mesh apply\` since \\d\\d:\\d\\d:\\d\\d \\(lock stale-run\\)`,
      ),
    );
    expect(r.stdout).toContain('Applied 39 change(s).');
    expect(existsSync(lockFile)).toBe(false);
  });

  it('a lock from another host is never judged stale: the run fails with LockHeld', () => {
    const { root, lockFile } = freshWorkspace('other-host');
    const other = {
      id: 'remote-run',
      user: 'bob',
      host: 'build-agent-7',
      pid: 1,
      command: 'mesh apply',
      target: 'local',
      mesh: 'music',
      started: new Date().toISOString(),
    };
    writeFileSync(lockFile, JSON.stringify(other));
    const r = runChild(['publish-product', '--json'], root);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).error).toMatchObject({ code: 'LockHeld', details: { holder: other } });
    expect(JSON.parse(readFileSync(lockFile, 'utf8'))).toEqual(other);

    // Every command that changes the target takes the same lock; subscribe's domain-file edit is rolled back.
    const domainFile = path.join(root, 'domains', 'analytics', 'domain.yaml');
    const domainBefore = readFileSync(domainFile, 'utf8');
    for (const args of [
      ['subscribe', 'songs', '--domain', 'analytics', '--table'],
      ['unsubscribe', 'interactions', '--domain', 'analytics', '--yes'],
      ['apply'],
      ['transform', 'items', '--domain', 'recommendations'],
      ['personalize', 'train', '--domain', 'recommendations'],
      ['personalize', 'deploy', '--domain', 'recommendations'],
      ['personalize', 'rollback', '--domain', 'recommendations'],
    ]) {
      const blocked = runChild([...args, '--json'], root);
      expect({ args, code: blocked.code, error: JSON.parse(blocked.stdout).error?.code }).toEqual({ args, code: 1, error: 'LockHeld' });
    }
    expect(readFileSync(domainFile, 'utf8')).toBe(domainBefore);
  });
});

describe('mesh unlock', () => {
  it('refuses a wrong id, asks before releasing, releases the right one, then finds nothing to unlock', async () => {
    const { root, lockFile, workspace } = freshWorkspace('unlock');
    const recorded = recording();
    const lock = await holdLock(await workspace(), recorded.output);
    const before = readFileSync(lockFile, 'utf8');

    const wrong = runChild(['unlock', 'not-the-id', '--yes', '--json'], root);
    expect(wrong.code).toBe(1);
    expect(JSON.parse(wrong.stdout).error).toMatchObject({
      code: 'LockIdMismatch',
      details: { holder: { id: lock.holder.id, pid: process.pid } },
    });
    expect(readFileSync(lockFile, 'utf8')).toBe(before);

    // No TTY and no --yes: the confirmation cannot be asked, so nothing is released.
    const unconfirmed = runChild(['unlock', lock.holder.id], root);
    expect(unconfirmed.code).toBe(2);
    expect(unconfirmed.stderr).toContain('[MissingFlag]');
    expect(unconfirmed.stderr).toContain('Pass --yes.');
    expect(readFileSync(lockFile, 'utf8')).toBe(before);

    const right = runChild(['unlock', lock.holder.id, '--yes', '--json'], root);
    expect(right.code, right.stderr).toBe(0);
    expect(JSON.parse(right.stdout)).toEqual({ target: 'local', released: true, holder: lock.holder, lock: lockFile });
    expect(existsSync(lockFile)).toBe(false);

    const human = runChild(['unlock', lock.holder.id, '--yes'], root);
    expect(human.code).toBe(1);
    expect(human.stderr).toContain('error [NotLocked] Nothing to unlock: the local target of mesh music is not locked.');
    // The run that held it finds it gone when it ends, and says so.
    await lock.release();
    expect(recorded.lines).toEqual([`warning: lock ${lock.holder.id} was no longer held by this run when it ended (mesh unlock?).`]);
  });
});

describe('the lock around plan-and-apply (module API)', () => {
  it('is released when the run fails and when it is interrupted', async () => {
    const { lockFile, workspace: load } = freshWorkspace('failures');
    const workspace = await load();
    const base = {
      workspace,
      target: 'local' as const,
      output: quiet(),
      scope: { include: { publish: true, subscriptions: false } },
      lock: { timeoutMs: 0 },
      // Straight to the lock (no unlocked probe plan first), so the planes below fail and wait under it.
      probe: false,
    };
    const sawLock: boolean[] = [];
    const failing = runPlanes({
      ...base,
      signal: new AbortController().signal,
      factories: [
        async () => {
          sawLock.push(existsSync(lockFile));
          throw new Error('observe failed');
        },
      ],
    });
    await expect(failing).rejects.toThrow('observe failed');
    expect(sawLock).toEqual([true]);
    expect(existsSync(lockFile)).toBe(false);

    const ctrlC = new AbortController();
    const interruptedRun = runPlanes({
      ...base,
      signal: ctrlC.signal,
      factories: [
        async (env) =>
          new Promise((_, reject) => {
            sawLock.push(existsSync(lockFile));
            env.signal.addEventListener('abort', () => reject(interrupted()));
          }),
      ],
    });
    await expect.poll(() => sawLock.length).toBe(2);
    expect(existsSync(lockFile)).toBe(true);
    ctrlC.abort();
    await expect(interruptedRun).rejects.toMatchObject({ code: 'Interrupted' });
    expect(existsSync(lockFile)).toBe(false);
  });
});
