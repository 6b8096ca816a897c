// DuckDB's temp folder: a private folder per session (unique name, mode 0700), inside the workspace state for
// queries, removed after the run whether it succeeded or failed. Never DuckDB's default `.tmp` in the current folder.
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DUCKDB_TEMP_PREFIX, type OpenDuckDbOptions, openDuckDb } from '../../src/catalog/local/duckdb.js';
import { runQuery } from '../../src/catalog/local/query.js';
import { type Fixture, musicFixture, PUBLISH_ALL, runCatalog, subscribe } from '../catalog/fixtures.js';

interface Opened {
  readonly options: OpenDuckDbOptions | undefined;
  readonly tempDir: string;
  readonly setting: unknown;
  readonly mode: number;
}

const opened = vi.hoisted(() => [] as Opened[]);

// Every session the code under test opens, with DuckDB's own view of its temp folder while it is open.
vi.mock('../../src/catalog/local/duckdb.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../src/catalog/local/duckdb.js')>();
  return {
    ...actual,
    openDuckDb: async (options?: OpenDuckDbOptions) => {
      const session = await actual.openDuckDb(options);
      const reader = await session.connection.runAndReadAll("SELECT current_setting('temp_directory') AS t");
      opened.push({
        options,
        tempDir: session.tempDir,
        setting: reader.getRowObjectsJS()[0]?.t,
        mode: statSync(session.tempDir).mode & 0o777,
      });
      return session;
    },
  };
});

let fx: Fixture;
const cwdTmp = path.join(process.cwd(), '.tmp');
const cwdTmpBefore = existsSync(cwdTmp);

beforeAll(async () => {
  fx = musicFixture({ target: 'local' });
  await runCatalog(fx.workspace, PUBLISH_ALL);
  await runCatalog(fx.workspace, subscribe('songs'));
}, 120_000);
afterAll(() => fx.cleanup());

const sessionsFrom = async (run: () => Promise<unknown>): Promise<Opened[]> => {
  const from = opened.length;
  await run().catch(() => undefined);
  return opened.slice(from);
};

describe('the query session temp folder', () => {
  it('is a fresh 0700 folder inside .mesh/local, set as DuckDB temp_directory, and gone after the query', async () => {
    const localDir = fx.workspace.mesh.localDir;
    const sessions = await sessionsFrom(() => runQuery(fx.workspace, 'recommendations', 'SELECT count(*) AS n FROM songs'));
    expect(sessions).toHaveLength(1);
    const [session] = sessions;
    expect(path.dirname(session?.tempDir ?? '')).toBe(localDir);
    expect(path.basename(session?.tempDir ?? '').startsWith(DUCKDB_TEMP_PREFIX)).toBe(true);
    expect(session?.mode).toBe(0o700);
    expect(session?.setting).toBe(session?.tempDir);
    expect(existsSync(session?.tempDir ?? '')).toBe(false);
    const second = await sessionsFrom(() => runQuery(fx.workspace, 'recommendations', 'SELECT 1'));
    expect(second[0]?.tempDir).not.toBe(session?.tempDir);
  });

  it('is removed when the query is refused or fails', async () => {
    for (const sql of ["SELECT * FROM read_csv('/etc/passwd')", 'SELECT CAST(title AS INTEGER) FROM songs', 'SELECT * FROM users']) {
      await expect(runQuery(fx.workspace, 'recommendations', sql)).rejects.toMatchObject({ name: 'MeshError' });
    }
    expect(readdirSync(fx.workspace.mesh.localDir).filter((n) => n.startsWith(DUCKDB_TEMP_PREFIX))).toEqual([]);
    expect(opened.every((s) => !existsSync(s.tempDir))).toBe(true);
  });

  it('takes DuckDB spills, which go away with the session', async () => {
    const parent = mkdtempSync(path.join(os.tmpdir(), 'mesh-spill-'));
    try {
      const session = await openDuckDb({ tempParent: parent });
      await session.connection.run("SET memory_limit = '16MB'");
      await session.connection.run("CREATE TABLE t AS SELECT range AS i, repeat('x', 100) || range::VARCHAR AS s FROM range(400000)");
      expect(readdirSync(session.tempDir).length).toBeGreaterThan(0);
      session.close();
      expect(readdirSync(parent)).toEqual([]);
    } finally {
      rmSync(parent, { recursive: true, force: true });
    }
  });

  it('publishing checks sample files with a private temp folder too (the OS temp folder), never the cwd .tmp', () => {
    // beforeAll published four products: their sample checks opened sessions without a workspace parent
    const checks = opened.filter((s) => s.options?.tempParent === undefined);
    expect(checks.length).toBeGreaterThan(0);
    for (const s of checks) {
      expect(path.dirname(s.tempDir)).toBe(os.tmpdir());
      expect(s.setting).toBe(s.tempDir);
      expect(existsSync(s.tempDir)).toBe(false);
    }
    if (!cwdTmpBefore) expect(existsSync(cwdTmp)).toBe(false);
  });
});
