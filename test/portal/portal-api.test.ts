/**
 * The portal's JSON API over the example (`startPortal`, in this process): search, product pages, sample rows
 * through the query grants, 4xx on bad input, read-only without allowWrites, and no secret or local path in answers.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PortalServer, startPortal } from '../../src/portal/serve.js';
import { loadWorkspace } from '../../src/workspace/load.js';
import { ensurePortalBuilt, setUpPortalExample } from './portal-setup.js';

let root: string;
let readOnly: PortalServer;
let writable: PortalServer;

const base = (s: PortalServer) => s.url.replace(/\/portal$/, '');

async function call(
  s: PortalServer,
  pathname: string,
  init?: RequestInit,
): Promise<{ status: number; body: Record<string, unknown>; text: string }> {
  const res = await fetch(`${base(s)}${pathname}`, init);
  const text = await res.text();
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {}
  return { status: res.status, body, text };
}

const post = (body: string, contentType = 'application/json'): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': contentType },
  body,
});

beforeAll(async () => {
  ensurePortalBuilt();
  root = mkdtempSync(path.join(os.tmpdir(), 'mesh-portal-api-'));
  await setUpPortalExample(root, { stream: false });
  const workspace = await loadWorkspace(root);
  readOnly = await startPortal({ workspace, target: 'local', port: 0 });
  writable = await startPortal({ workspace, target: 'local', port: 0, allowWrites: true });
});

afterAll(async () => {
  await readOnly?.close();
  await writable?.close();
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('portal API', () => {
  it('binds 127.0.0.1 and serves the front end and the catalog', async () => {
    expect(readOnly.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/portal$/);
    const page = await call(readOnly, '/portal');
    expect(page.status).toBe(200);
    expect(page.text).toContain('<script src="/portal/app.js">');
    expect((await call(readOnly, '/portal/app.js')).status).toBe(200);
    const info = await call(readOnly, '/portal/api/info');
    expect(info.body).toEqual({ mesh: 'music', target: 'local', allowWrites: false, live: true });
    const catalog = await call(readOnly, '/portal/api/catalog');
    expect((catalog.body.products as { name: string }[]).map((p) => p.name)).toEqual(['interactions', 'podcasts', 'songs', 'users']);
  });

  it('searches by column name and filters', async () => {
    const byColumn = await call(readOnly, '/portal/api/search?q=artist');
    expect(byColumn.body.hits).toEqual([{ name: 'songs', domain: 'songs', columns: ['artist'] }]);
    const filtered = await call(readOnly, '/portal/api/search?q=&domain=users');
    expect((filtered.body.hits as { name: string }[]).map((h) => h.name)).toEqual(['users']);
    const none = await call(readOnly, '/portal/api/search?q=artist&plane=nothing');
    expect(none.body.total).toBe(0);
  });

  it('answers a product with its contract and subscribers', async () => {
    const songs = await call(readOnly, '/portal/api/products/songs');
    expect(songs.status).toBe(200);
    expect(
      (songs.body.subscribers as { domain: string; table: string; granted: boolean }[]).map((s) => [s.domain, s.table, s.granted]),
    ).toEqual([['recommendations', 'all', true]]);
    const users = await call(readOnly, '/portal/api/products/users');
    const email = (users.body.columns as { name: string; pii: boolean }[]).find((c) => c.name === 'email');
    expect(email?.pii).toBe(true);
  });

  it('reads sample rows through the grants: columns a domain may not read are hidden, no grant is 403', async () => {
    const users = await call(readOnly, '/portal/api/products/users/sample?domain=recommendations&limit=5');
    expect(users.status).toBe(200);
    expect(users.body.hidden).toEqual(['email']);
    expect(users.body.columns).not.toContain('email');
    expect((users.body.rows as unknown[]).length).toBe(5);
    expect(JSON.stringify(users.body.rows)).not.toContain('@');
    const denied = await call(readOnly, '/portal/api/products/songs/sample?domain=analytics');
    expect(denied.status).toBe(403);
    expect(denied.body.message).toMatch(/analytics may not read songs/);
  });

  it('answers bad requests 4xx, never 5xx', async () => {
    const cases: [string, RequestInit | undefined, number][] = [
      ['/portal/api/products/nope', undefined, 404],
      ['/portal/api/products/songs/sample', undefined, 400],
      ['/portal/api/products/songs/sample?domain=nope', undefined, 404],
      ['/portal/api/products/songs/sample?domain=songs&limit=abc', undefined, 400],
      ['/portal/api/products/songs/sample?domain=songs&limit=1000', undefined, 400],
      [`/portal/api/search?q=${'x'.repeat(300)}`, undefined, 400],
      ['/portal/api/search?limit=-1', undefined, 400],
      ['/portal/api/live/items', undefined, 400],
      ['/portal/api/live/items?ids=a%20b', undefined, 400],
      ['/portal/api/nothing', undefined, 404],
      ['/portal/api/catalog', { method: 'DELETE' }, 405],
      ['/portal/%E0%A4%A', undefined, 404],
    ];
    for (const [pathname, init, status] of cases)
      expect([pathname, (await call(readOnly, pathname, init)).status]).toEqual([pathname, status]);
    const writes: [string, string, number][] = [
      ['not json', 'application/json', 400],
      ['[1,2]', 'application/json', 400],
      ['{"product": 3, "domain": "analytics"}', 'application/json', 400],
      ['{"product": "users", "domain": "analytics"}', 'application/json', 400],
      ['{"product": "nope", "domain": "analytics", "purpose": "x"}', 'application/json', 404],
      ['{"product": "users", "domain": "analytics", "purpose": "x", "columns": ["nope"]}', 'application/json', 404],
      ['{"product": "users", "domain": "users", "purpose": "x"}', 'application/json', 400],
      ['{"product": "users", "domain": "recommendations", "purpose": "x"}', 'application/json', 409],
      ['{"product": "users", "domain": "analytics", "purpose": "x"}', 'text/plain', 400],
    ];
    for (const [body, type, status] of writes) {
      expect([body, (await call(writable, '/portal/api/access/request', post(body, type))).status]).toEqual([body, status]);
    }
  });

  it('is read-only without allowWrites: a request is refused and no file changes', async () => {
    const file = path.join(root, 'domains', 'analytics', 'domain.yaml');
    const before = readFileSync(file, 'utf8');
    const res = await call(
      readOnly,
      '/portal/api/access/request',
      post(JSON.stringify({ product: 'users', domain: 'analytics', purpose: 'churn' })),
    );
    expect(res.status).toBe(403);
    expect(res.body.__type).toBe('ReadOnly');
    expect(readFileSync(file, 'utf8')).toBe(before);
  });

  it('lists the contract versions from git, marking a dropped column as breaking', async () => {
    const file = path.join(root, 'domains', 'songs', 'products', 'songs.odcs.yaml');
    const run = (...args: string[]) => {
      const r = spawnSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', ...args], { cwd: root, encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
    };
    expect((await call(readOnly, '/portal/api/products/songs/history')).body.history).toEqual([]);
    run('init', '-q');
    run('add', '.');
    run('commit', '-q', '-m', 'the example');
    const text = readFileSync(file, 'utf8');
    const dropped = text.replace(/\n {6}- name: explicit\n(?: {8}.*\n)+/, '\n').replace('version: 1.0.0', 'version: 2.0.0');
    expect(dropped).not.toBe(text);
    writeFileSync(file, dropped);
    run('commit', '-q', '-am', 'songs: drop explicit');
    const history = (await call(readOnly, '/portal/api/products/songs/history')).body.history as Record<string, unknown>[];
    expect(history.map((e) => [e.subject, e.version, e.breaking])).toEqual([
      ['songs: drop explicit', '2.0.0', ['dropped explicit']],
      ['the example', '1.0.0', []],
    ]);
    writeFileSync(file, text);
  });

  it('answers the live view 503 while the streams cannot be reached, and keeps serving the catalog', async () => {
    const workspace = await loadWorkspace(root);
    // Nothing listens on port 1: the broker is down.
    const down = { ...workspace, mesh: { ...workspace.mesh, streaming: { kind: 'kafka' as const, brokers: ['127.0.0.1:1'] } } };
    const portal = await startPortal({ workspace: down, target: 'local', port: 0 });
    try {
      const live = await call(portal, '/portal/api/live');
      expect([live.status, live.body.__type]).toEqual([503, 'LiveUnavailable']);
      expect(live.body.message).toMatch(/could not be read/);
      expect((await call(portal, '/portal/api/catalog')).status).toBe(200);
    } finally {
      await portal.close();
    }
  });

  it('puts no secret and no local path in its answers', async () => {
    for (const pathname of [
      '/portal/api/catalog',
      '/portal/api/products/users',
      '/portal/api/lineage',
      '/portal/api/access',
      '/portal/api/live',
    ]) {
      const { text } = await call(readOnly, pathname);
      expect(text).not.toContain(root);
      expect(text).not.toContain(os.homedir());
      expect(text).not.toMatch(/secret|password|AWS_|arn:aws:iam/i);
    }
  });
});

describe('a portal other machines can reach (--host 0.0.0.0)', () => {
  it('serves the catalog but no sample rows: its readers pick the domain they read as', async () => {
    const workspace = await loadWorkspace(root);
    const shared = await startPortal({ workspace, target: 'local', port: 0, host: '0.0.0.0' });
    try {
      const port = new URL(shared.url).port;
      const at = (p: string) => fetch(`http://127.0.0.1:${port}${p}`).then(async (r) => ({ status: r.status, text: await r.text() }));
      expect((await at('/portal/api/catalog')).status).toBe(200);
      const sample = await at('/portal/api/products/users/sample?domain=users&limit=5');
      expect(sample.status).toBe(403);
      expect(sample.text).toContain('Sample rows are shown only by a portal on this machine');
      expect(sample.text).not.toContain('@');
    } finally {
      await shared.close();
    }
    // The same request on 127.0.0.1 answers rows: the refusal is the address's, not the product's.
    expect((await call(readOnly, '/portal/api/products/users/sample?domain=users&limit=5')).status).toBe(200);
  });

  it('refuses --allow-writes there, before listening', async () => {
    const workspace = await loadWorkspace(root);
    const error = await startPortal({ workspace, target: 'local', port: 0, host: '0.0.0.0', allowWrites: true }).then(
      (s) => s.close().then(() => undefined),
      (e: unknown) => e as { code?: string; message?: string },
    );
    expect(error?.code).toBe('UsageError');
    expect(error?.message).toContain('--allow-writes needs a portal on this machine only');
  });
});
