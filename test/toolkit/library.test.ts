// mesh as a library: a program imports the package by its name (as a user would, through package.json "exports" to
// dist/toolkit/index.js), lays out the example, plans, applies and subscribes on the local target. The test then
// reads what the local store holds: the SQLite catalog, the object store, and the domain file the subscribe edited.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, ROOT } from '../cli/run-cli.js';

interface LibraryRun {
  created: number;
  planned: { create: number; grant: number } & Record<string, number>;
  applied: number;
  subscribed: { recorded: boolean; file: string; changes: string[] };
  pending: string[];
  rows: { n: number }[];
  messages: string[];
}

let root = '';
let run: LibraryRun;
let stderr = '';

beforeAll(() => {
  ensureBuilt();
  root = mkdtempSync(path.join(os.tmpdir(), 'mesh-toolkit-'));
  const child = spawnSync(process.execPath, [path.join(ROOT, 'test/toolkit/library-user.mjs'), root], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, CI: 'true' },
    timeout: 120_000,
  });
  if (child.status !== 0) throw new Error(`the library program failed (${child.status}):\n${child.stdout}\n${child.stderr}`);
  run = JSON.parse(child.stdout) as LibraryRun;
  stderr = child.stderr;
}, 180_000);

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

function catalog<T>(sql: string): T[] {
  const db = new Database(path.join(root, '.mesh', 'local', 'catalog.db'), { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).all() as T[];
  } finally {
    db.close();
  }
}

describe('the toolkit, imported from the package', () => {
  it('prints nothing itself: its messages went to the host the program gave', () => {
    expect(stderr).toBe('');
    expect(run.messages).toContain('engine.change.done');
  });

  it('plan then apply: every planned change is applied and the central catalog holds each product table', () => {
    expect(run.created).toBeGreaterThan(0);
    expect(run.planned.create).toBeGreaterThan(0);
    expect(run.applied).toBe(run.planned.create + run.planned.grant);
    const tables = catalog<{ database: string; name: string }>(
      "SELECT database, name FROM tables WHERE catalog = '@central' ORDER BY name",
    );
    expect(tables).toEqual([
      { database: 'music_interactions', name: 'interactions' },
      { database: 'music_podcasts', name: 'podcasts' },
      { database: 'music_songs', name: 'songs' },
      { database: 'music_users', name: 'users' },
    ]);
  });

  it('subscribe: the domain file records it, the grant and the resource link are in the store, nothing is left pending', () => {
    const file = path.join(root, 'domains', 'analytics', 'domain.yaml');
    expect(run.subscribed).toMatchObject({ recorded: true, file });
    expect(readFileSync(file, 'utf8')).toMatch(/- product: songs\n\s+table: true/);
    expect(run.subscribed.changes).toContain('lf-grant:@central/domain:analytics/table:music_songs.songs');
    expect(catalog("SELECT principal, resource_key FROM grants WHERE principal = 'domain:analytics'")).toContainEqual({
      principal: 'domain:analytics',
      resource_key: 'table:music_songs.songs',
    });
    expect(catalog("SELECT database, name, target_database, target_table FROM resource_links WHERE catalog = 'analytics'")).toEqual([
      { database: 'mesh_songs', name: 'songs', target_database: 'music_songs', target_table: 'songs' },
    ]);
    expect(run.pending).toEqual([]);
  });

  it("the subscriber's query reads every row the object store holds for the product", () => {
    const s3 = path.join(root, '.mesh', 'local', 's3');
    const bucket = readdirSync(s3).find((b) => b.startsWith('music-songs-'));
    expect(bucket).toBeDefined();
    const csv = readFileSync(path.join(s3, bucket ?? '', 'products', 'songs', 'songs.csv'), 'utf8')
      .trim()
      .split('\n');
    expect(csv.length).toBeGreaterThan(1);
    expect(run.rows).toEqual([{ n: csv.length - 1 }]);
  });
});
