// `mesh query` is a sandbox: a domain reads the products it may read, and nothing else. Every escape below is tried
// through the CLI against the music-streaming example and must be refused with nothing written anywhere: no file
// function, no file or URL as a table, no statement but one read-only query, no setting changed, no column outside a
// grant. The legitimate queries of the README tour still work.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DUCKDB_TEMP_PREFIX } from '../../src/catalog/local/duckdb.js';
import { runInit } from '../../src/scaffold/init.js';
import { type CliRun, ensureBuilt, runChild, runInProcess } from '../cli/run-cli.js';
import { promptHost } from '../support/cli-harness.js';

let dir: string;
let localDir: string;
let secretCsv: string;
let otherProductFile: string;

/** Every file and folder under `root`: path → size and content hash (SQLite's shared-memory file: size only). */
function snapshot(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const full = path.join(d, name);
      const rel = path.relative(root, full);
      const stat = statSync(full);
      if (stat.isDirectory()) {
        out[rel] = 'dir';
        walk(full);
      } else {
        const hash = name.endsWith('-shm') ? '' : createHash('sha256').update(readFileSync(full)).digest('hex');
        out[rel] = `${stat.size}:${hash}`;
      }
    }
  };
  walk(root);
  return out;
}

const leftoverTemp = () => readdirSync(localDir).filter((n) => n.startsWith(DUCKDB_TEMP_PREFIX));

interface QueryDoc {
  readonly columns?: { name: string }[];
  readonly rows?: Record<string, unknown>[];
  readonly error?: { code: string; message: string; hint?: string };
}

/** `mesh --json query` in this process; the one JSON document it printed. */
async function query(sql: string, domain = 'recommendations'): Promise<{ run: CliRun; doc: QueryDoc }> {
  const run = await runInProcess(['--cwd', dir, '--json', 'query', '--domain', domain, sql]);
  return { run, doc: JSON.parse(run.stdout) as QueryDoc };
}

/** Runs SQL that must be refused: exit 1, the error code, nothing written in the workspace (or the cwd's .tmp). */
async function expectRefused(sql: string, code: string, domain = 'recommendations'): Promise<string> {
  const before = snapshot(dir);
  const cwdTmp = path.join(process.cwd(), '.tmp');
  const cwdTmpBefore = existsSync(cwdTmp);
  const { run, doc } = await query(sql, domain);
  expect({ sql, code: run.code, error: doc.error?.code }).toEqual({ sql, code: 1, error: code });
  expect(doc.rows).toBeUndefined();
  expect(snapshot(dir)).toEqual(before);
  expect(leftoverTemp()).toEqual([]);
  if (!cwdTmpBefore) expect(existsSync(cwdTmp)).toBe(false);
  return doc.error?.message ?? '';
}

/** The rows of a sample file as objects (the example's CSVs quote nothing). */
function csvRows(file: string): Record<string, string>[] {
  const [header, ...lines] = readFileSync(file, 'utf8').trim().split('\n');
  const names = (header ?? '').split(',');
  return lines.map((line) => Object.fromEntries(line.split(',').map((v, i) => [names[i], v])));
}

const storedFile = (product: string) => {
  const bucket = readdirSync(path.join(localDir, 's3')).find((b) => b.includes(`-${product}-`)) ?? '';
  return path.join(localDir, 's3', bucket, 'products', product, `${product}.csv`);
};

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'mesh-sandbox-'));
  await runInit({ dir, example: 'music-streaming' }, promptHost({ interactive: false }));
  for (const args of [
    ['publish-product', '--yes'],
    ['subscribe', 'songs', '--domain', 'recommendations', '--table'],
    ['subscribe', 'podcasts', '--domain', 'recommendations', '--table'],
    // users without email: the example's column grant
    ['subscribe', 'users', '--domain', 'recommendations', '--table'],
  ]) {
    const run = await runInProcess(['--cwd', dir, ...args]);
    if (run.code !== 0) throw new Error(`mesh ${args.join(' ')} failed:\n${run.stderr}`);
  }
  localDir = path.join(dir, '.mesh', 'local');
  otherProductFile = storedFile('interactions');
  expect(existsSync(otherProductFile)).toBe(true);
  // The finding: DuckDB's default temp folder is `.tmp` in the current folder, and SQL could read and write there.
  mkdirSync(path.join(dir, '.tmp'));
  secretCsv = path.join(dir, '.tmp', 'secret.csv');
  writeFileSync(secretCsv, 'secret\nhunter2\n');
  // The first read of the catalog after publishing creates SQLite's -wal/-shm files; the snapshots start after it.
  expect((await query('SELECT 1 AS one')).doc.rows).toEqual([{ one: 1 }]);
}, 180_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const FILE_FUNCTIONS = ['read_csv', 'read_csv_auto', 'read_text', 'read_blob', 'glob', 'sniff_csv', 'read_parquet', 'read_json'];

describe('file functions are refused, whatever they point at', () => {
  const targets: Record<string, () => string> = {
    "another product's files (no grant)": () => otherProductFile,
    'the state folder': () => path.join(localDir, 'catalog.db'),
    "the query's private temp folder": () => path.join(localDir, `${DUCKDB_TEMP_PREFIX}*`, '*'),
    "the cwd's .tmp folder": () => secretCsv,
    '/etc/passwd': () => '/etc/passwd',
  };
  for (const [label, target] of Object.entries(targets)) {
    it(`on ${label}`, async () => {
      for (const fn of FILE_FUNCTIONS) {
        const message = await expectRefused(`SELECT * FROM ${fn}('${target()}')`, 'AccessDenied');
        expect(message).toContain(`${fn}() is not allowed`);
      }
      // the same file as a table name (DuckDB's replacement scan), also inside a CTE and a subquery
      expect(await expectRefused(`SELECT * FROM '${target()}'`, 'AccessDenied')).toContain('is not a product');
      await expectRefused(`WITH t AS (SELECT * FROM read_text('${target()}')) SELECT count(*) FROM songs, t`, 'AccessDenied');
      await expectRefused(`SELECT (SELECT count(*) FROM '${target()}') AS n`, 'AccessDenied');
    });
  }

  it('refuses a CTE named after a file that reads itself (only a recursive CTE sees its own name)', async () => {
    await expectRefused(`WITH "${secretCsv}" AS (SELECT * FROM "${secretCsv}") SELECT * FROM "${secretCsv}"`, 'AccessDenied');
  });

  it('refuses table functions that run SQL given as text, or read the catalog, settings or secrets', async () => {
    for (const sql of [
      `SELECT * FROM query('SELECT * FROM read_csv(''${secretCsv}'')')`,
      `SELECT * FROM query_table('songs')`,
      'SELECT * FROM duckdb_secrets()',
      'SELECT * FROM duckdb_settings()',
      'SELECT * FROM duckdb_views()',
      `SELECT * FROM parquet_metadata('${otherProductFile}')`,
      'SELECT * FROM information_schema.tables',
      'SELECT * FROM pg_catalog.pg_class',
      "SELECT current_setting('temp_directory')",
    ]) {
      await expectRefused(sql, 'AccessDenied');
    }
  });
});

describe('only one read-only statement runs', () => {
  it('refuses statements that attach, copy, export, install, load or create', async () => {
    const out = path.join(dir, '.tmp', 'out.csv');
    for (const sql of [
      `ATTACH '${path.join(dir, 'evil.db')}' AS evil`,
      `COPY (SELECT * FROM songs) TO '${out}'`,
      `COPY songs FROM '${secretCsv}'`,
      `EXPORT DATABASE '${path.join(dir, 'export')}'`,
      'INSTALL httpfs',
      'LOAD httpfs',
      "CREATE SECRET leak (TYPE s3, KEY_ID 'id', SECRET 'key')",
      'CREATE VIEW v AS SELECT * FROM users',
      'CREATE TABLE t AS SELECT 1',
      'CALL duckdb_settings()',
      'EXPLAIN ANALYZE SELECT * FROM songs',
    ]) {
      await expectRefused(sql, 'QueryRefused');
    }
    expect(existsSync(out)).toBe(false);
  });

  it('refuses http(s) URLs as tables or file arguments', async () => {
    await expectRefused("SELECT * FROM 'https://example.com/data.csv'", 'AccessDenied');
    await expectRefused("SELECT * FROM read_csv('http://127.0.0.1:5000/data.csv')", 'AccessDenied');
  });

  it('refuses changes to settings', async () => {
    for (const sql of [
      'SET enable_external_access = true',
      "SET temp_directory = '.tmp'",
      'SET lock_configuration = false',
      'RESET enable_external_access',
      'RESET threads',
      'PRAGMA threads = 1',
      'PRAGMA enable_profiling',
    ]) {
      await expectRefused(sql, 'QueryRefused');
    }
  });

  it('refuses more than one statement, even when the first is a SELECT', async () => {
    const message = await expectRefused(`SELECT 1; COPY (SELECT * FROM songs) TO '${path.join(dir, '.tmp', 'x.csv')}'`, 'QueryRefused');
    expect(message).toBe('mesh query runs one statement; this SQL holds 2.');
    await expectRefused('SELECT 1; SELECT 2', 'QueryRefused');
    expect(await expectRefused('/* nothing but a comment */', 'QueryRefused')).toBe('The SQL holds no statement.');
  });

  it('names the readable products in the hint', async () => {
    const { doc } = await query('SET threads = 1');
    expect(doc.error?.hint).toBe('Nothing was run. Products recommendations can read: podcasts, songs, users.');
  });
});

describe('a column grant cannot be bypassed', () => {
  const usersFile = () => storedFile('users');

  it('the stored users file holds emails (so the checks below can fail)', () => {
    expect(csvRows(usersFile()).every((r) => String(r.email).includes('@'))).toBe(true);
  });

  it('refuses the column by name', async () => {
    const message = await expectRefused('SELECT email FROM users', 'AccessDenied');
    expect(message).toContain('column "email" is not in its grant');
  });

  it('never shows email through *, COLUMNS(*), CTEs, subqueries, row values, DESCRIBE or SUMMARIZE', async () => {
    const granted = ['user_id', 'country', 'birth_year', 'subscription_tier', 'preferred_genre', 'signup_ts'];
    for (const sql of [
      'SELECT * FROM users',
      'SELECT users.* FROM users',
      'SELECT COLUMNS(*) FROM users',
      'WITH u AS (SELECT * FROM users) SELECT * FROM u',
      'SELECT * FROM (SELECT * FROM users) AS v',
      'SELECT to_json(users) AS row FROM users',
      'SELECT * FROM users NATURAL JOIN users AS again',
      'DESCRIBE users',
      'SUMMARIZE users',
    ]) {
      const { run, doc } = await query(sql);
      expect({ sql, code: run.code }).toEqual({ sql, code: 0 });
      expect(doc.rows?.length).toBeGreaterThan(0);
      expect(run.stdout).not.toMatch(/email|@example/);
      if (sql.startsWith('SELECT *') || sql.startsWith('SELECT COLUMNS')) expect(doc.columns?.map((c) => c.name)).toEqual(granted);
    }
    const { run } = await query("SELECT COLUMNS('.*mail.*') FROM users");
    expect(run.code).toBe(1);
    expect(run.stdout).not.toContain('@example');
  });
});

describe('the README tour still works', () => {
  it('group by over a subscribed product', async () => {
    const { run, doc } = await query('select genre, count(*) n from songs group by 1 order by 2 desc, 1 limit 3');
    expect(run.code).toBe(0);
    const counts = new Map<string, number>();
    for (const row of csvRows(storedFile('songs'))) counts.set(String(row.genre), (counts.get(String(row.genre)) ?? 0) + 1);
    const expected = [...counts]
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .slice(0, 3)
      .map(([genre, n]) => ({ genre, n }));
    expect(doc.rows).toEqual(expected);
  });

  it('a join of two readable products, and a CTE', async () => {
    const songs = csvRows(storedFile('songs'));
    const users = csvRows(storedFile('users'));
    const join = await query('SELECT count(*) AS n FROM songs s JOIN users u ON s.genre = u.preferred_genre');
    expect(join.run.code).toBe(0);
    const pairs = songs.reduce((n, s) => n + users.filter((u) => u.preferred_genre === s.genre).length, 0);
    expect(pairs).toBeGreaterThan(0);
    expect(join.doc.rows).toEqual([{ n: pairs }]);
    const cte = await query(
      'WITH jazz AS (SELECT * FROM songs WHERE genre = $$jazz$$) SELECT count(*) AS n, (SELECT count(*) FROM range(3)) AS r FROM jazz',
    );
    expect(cte.run.code).toBe(0);
    expect(cte.doc.rows).toEqual([{ n: songs.filter((s) => s.genre === 'jazz').length, r: 3 }]);
  });

  it('SHOW TABLES and DESCRIBE list only what the domain can read', async () => {
    const tables = await query('SHOW TABLES');
    expect(tables.doc.rows).toEqual([{ name: 'podcasts' }, { name: 'songs' }, { name: 'users' }]);
    const none = await query('SHOW TABLES', 'analytics');
    expect(none.doc.rows).toEqual([]);
    const described = await query('DESCRIBE users');
    expect(described.doc.rows?.map((r) => r.column_name)).not.toContain('email');
    const pivot = await query("SELECT count(*) AS n FROM (PIVOT songs ON genre IN ('jazz') USING count(*))");
    expect(pivot.run.code).toBe(0);
  });

  it('a domain without a grant is refused with the subscribe command, as before', async () => {
    const { doc } = await query('select count(*) from songs', 'analytics');
    expect(doc.error).toMatchObject({ code: 'AccessDenied', hint: 'mesh subscribe songs --domain analytics --table' });
  });
});

describe('the finding, reproduced with the built CLI run from the workspace folder', () => {
  beforeAll(() => ensureBuilt(), 180_000);

  it('a domain without grants neither reads nor writes the cwd .tmp folder', () => {
    const before = snapshot(dir);
    const read = runChild(['query', '--domain', 'analytics', "select * from read_csv('.tmp/secret.csv')"], dir);
    expect(read.code).toBe(1);
    expect(read.stderr).toContain('error [AccessDenied]');
    expect(read.stdout).not.toContain('hunter2');
    const write = runChild(['query', '--domain', 'analytics', "copy (select 42 as x) to '.tmp/out.csv'"], dir);
    expect(write.code).toBe(1);
    expect(write.stderr).toContain('error [QueryRefused]');
    expect(snapshot(dir)).toEqual(before);
    expect(readdirSync(path.join(dir, '.tmp'))).toEqual(['secret.csv']);
    expect(leftoverTemp()).toEqual([]);
  });

  it('the README query prints its table from the same folder', () => {
    const run = runChild(['query', '--domain', 'recommendations', 'select genre, count(*) from songs group by 1'], dir);
    expect(run.code).toBe(0);
    expect(run.stdout.split('\n')[0]).toMatch(/^genre\s+count_star\(\)$/);
    expect(leftoverTemp()).toEqual([]);
  });
});
