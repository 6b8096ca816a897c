// `mesh events produce` onto a full disk: the embedded log lives on a 3 MB tmpfs (mounted here: the test runs as root,
// as CI does; a refused mount fails the test). The run stops with DiskFull (exit 1, the path named, never "a bug"),
// the log stays readable, and after space is freed (a remount with more room) --resume stores the rest exactly once.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type ProduceWorkspace, produceWorkspace, readTopic, runMesh, writeListens } from './produce-cli.js';

const EVENTS = 30_000;
let mounted: string | undefined;
let ws: ProduceWorkspace | undefined;

function mountTmpfs(dir: string, size: string): void {
  mkdirSync(dir, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'pipe' });
  } catch (error) {
    const why = (error as { stderr?: Buffer }).stderr?.toString().trim() || String(error);
    throw new Error(`This test needs a small file system: \`mount -t tmpfs\` failed (${why}). Run it as root (CI does).`);
  }
  mounted = dir;
}

afterAll(() => {
  if (mounted) execFileSync('umount', [mounted]);
  if (ws) rmSync(ws.root, { recursive: true, force: true });
});

describe('events produce on a full disk', () => {
  it('stops with DiskFull naming the path, keeps the log readable, and --resume stores the rest once', async () => {
    ws = await produceWorkspace({ eventIdField: true, beforePublish: (root) => mountTmpfs(path.join(root, '.mesh', 'local'), '3m') });
    const file = writeListens(ws.root, 'listens.jsonl', EVENTS);

    const full = await runMesh(ws.root, ['events', 'produce', 'interactions', '--file', file]);
    expect(full.code).toBe(1);
    expect(full.stderr).not.toContain('bug in mesh');
    const dbFile = path.join(ws.localDir, 'streams.db');
    expect(full.stderr).toContain(`[DiskFull] The disk is full: could not write ${dbFile} (about`);
    const said = /(\d+) of 30000 event\(s\) of \S+ are acknowledged, through line (\d+); run it again with --resume/.exec(full.stderr);
    expect(said).not.toBeNull();
    const acknowledged = Number(said?.[1]);
    expect(acknowledged).toBeGreaterThan(0);
    expect(acknowledged).toBeLessThan(EVENTS);

    // The failed batch rolled back: the log holds exactly what was acknowledged, and reads fine.
    const stored = await readTopic(ws);
    expect(stored).toHaveLength(acknowledged);

    const json = await runMesh(ws.root, ['--json', 'events', 'produce', 'interactions', '--file', file, '--resume']);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({
      error: { code: 'DiskFull', details: { path: dbFile, lastAcknowledgedLine: acknowledged, bytesNeeded: expect.any(Number) } },
    });

    execFileSync('mount', ['-o', 'remount,size=64m', ws.localDir]);
    const resumed = await runMesh(ws.root, ['--json', 'events', 'produce', 'interactions', '--file', file, '--resume']);
    expect([resumed.code, resumed.stderr]).toEqual([0, '']);
    expect(JSON.parse(resumed.stdout)).toMatchObject({
      sent: EVENTS - acknowledged,
      duplicates: 0,
      resumedAfterLine: acknowledged,
      lastAcknowledgedLine: EVENTS,
    });
    const all = await readTopic(ws);
    expect(all).toHaveLength(EVENTS);
    expect(new Set(all.map((s) => s.id)).size).toBe(EVENTS);
  });
});
