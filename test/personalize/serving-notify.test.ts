/**
 * The dev server checks campaigns.json, outputs.json and the events store again only after a change notification
 * for their directory (src/personalize/local/change-signal.ts). A change made by another writer just before a
 * request, on the same keep-alive connection, must show in that request every time: the notification and the
 * request arrive in the same poll of the event loop, in either order.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventsStore } from '../../src/personalize/local/events-store.js';
import { openPersonalizeProject } from '../../src/personalize/project.js';
import { type ServedFixture, servedFixture } from './served-fixture.js';

let s: ServedFixture;

beforeAll(async () => {
  s = await servedFixture();
});

afterAll(async () => {
  await s?.close();
});

describe('freshness through change notifications', () => {
  it('every write by another connection shows in the very next request (60 in a row, one keep-alive client)', async () => {
    const other = await EventsStore.open(openPersonalizeProject(s.f.workspace, 'recommendations').paths.eventsDb);
    const stale: string[] = [];
    try {
      for (let i = 0; i < 60; i++) {
        const user = s.f.data.users[i % s.f.data.users.length]?.userId as string;
        const first = await s.served(user);
        expect(await s.served(user)).toEqual(first); // kept between requests
        // a synchronous write: committed (and notified) before the next request is sent
        other.putEvents([{ userId: user, sessionId: `s-n${i}`, eventType: 'play', itemId: first[0] as string, sentAt: 1_900_000_000 + i }]);
        if ((await s.served(user)).includes(first[0] as string)) stale.push(`${user} still got ${first[0]}`);
      }
    } finally {
      other.close();
    }
    expect(stale).toEqual([]);
  });

  it('a client in another process that writes and asks again while the server is busy gets the new answer', async () => {
    // The child, on one keep-alive connection: asks (the answer is kept), asks /test/busy (the server answers, then
    // works 30 ms before polling again), writes a play of the first item to events.db itself, asks again at once.
    // Its socket is then ahead of the notification on epoll's ready list: deciding in the socket callback, the
    // server would answer from what it kept.
    let busy = 0;
    s.server.addRoute('GET', '/test/busy', () => {
      setImmediate(() => {
        const end = performance.now() + 30;
        while (performance.now() < end) busy++; // a loaded server, between two polls
      });
      return { body: {} };
    });
    const db = openPersonalizeProject(s.f.workspace, 'recommendations').paths.eventsDb;
    const users = s.f.data.users.slice(20, 30).map((u) => u.userId);
    const child = spawn(process.execPath, ['--input-type=module', '-e', CHILD], {
      cwd: path.resolve(__dirname, '..', '..'),
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (c) => {
      out += c;
    });
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', resolve);
      child.stdin.end(JSON.stringify({ url: s.server.url, db, users }));
    });
    expect(code).toBe(0);
    const results = JSON.parse(out) as { user: string; played: string; after: string[] }[];
    expect(results).toHaveLength(users.length);
    expect(busy).toBeGreaterThan(0);
    expect(results.filter((r) => r.after.includes(r.played))).toEqual([]);
  });
});

/** The other process: plain node, better-sqlite3 from the repository, node:http with one keep-alive socket. */
const CHILD = `
import http from 'node:http';
import { createRequire } from 'node:module';
const require = createRequire(process.cwd() + '/package.json');
const Database = require('better-sqlite3');
let input = '';
for await (const c of process.stdin) input += c;
const { url, db: file, users } = JSON.parse(input);
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const get = (p) => new Promise((resolve, reject) => {
  http.get(url + p, { agent }, (res) => {
    let body = '';
    res.setEncoding('utf8');
    res.on('data', (c) => (body += c));
    res.on('end', () => resolve(JSON.parse(body)));
  }).on('error', reject);
});
const db = new Database(file);
db.pragma('busy_timeout = 5000');
const insert = db.prepare("INSERT INTO events (user_id, session_id, item_id, event_type, sent_at) VALUES (?, 'child', ?, 'play', ?)");
const results = [];
let t = 1950000000;
for (const user of users) {
  const first = await get('/recommendations/' + encodeURIComponent(user) + '?num=10');
  const played = first.itemList[0].itemId;
  await get('/test/busy');
  insert.run(user, played, t++);
  const after = await get('/recommendations/' + encodeURIComponent(user) + '?num=10');
  results.push({ user, played, after: after.itemList.map((i) => i.itemId) });
}
db.close();
agent.destroy();
process.stdout.write(JSON.stringify(results));
`;
