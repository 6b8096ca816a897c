/**
 * The `mesh dev` / `mesh portal` HTTP server and web pages of other sites. The server listens on 127.0.0.1, but any
 * page the user visits can still send requests to it from the browser:
 *  - a cross-site POST that needs no CORS preflight (`fetch(url, {method: 'POST', mode: 'no-cors', body: blob})`
 *    sends no Content-Type) must change nothing: Personalize events, items and users, Firehose records, access
 *    requests written to domain files;
 *  - a page whose own domain name is rebound to 127.0.0.1 (DNS rebinding) talks to the server as "same origin" and
 *    could read every answer (the catalog, sample rows, recommendations): a Host that is not a loopback name is refused.
 * Programs (the AWS SDK in the handlers, curl) send no Origin and a loopback Host, and are served as before.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevServer } from '../../src/dev/http/server.js';
import { EventsStore } from '../../src/personalize/local/events-store.js';
import { personalizePaths } from '../../src/personalize/project.js';
import { type DevFixture, errorOf, type RawResponse, rawRequest, startDevFixture } from '../security/dev-server-fixture.js';

let dev: DevFixture;
let port: number;

beforeAll(async () => {
  dev = await startDevFixture();
  port = dev.server.port;
});

afterAll(async () => {
  await dev?.close();
});

/** A valid PutEvents for this user, as JSON text. */
function putEvents(userId: string): string {
  return JSON.stringify({
    trackingId: dev.outputs.trackingId,
    userId,
    sessionId: `s-${userId}`,
    eventList: [{ eventType: 'play', sentAt: 1_700_000_000, itemId: 'song-00001' }],
  });
}

async function storedEventsOf(userId: string): Promise<number> {
  const store = await EventsStore.open(personalizePaths(dev.f.workspace, 'recommendations').eventsDb);
  try {
    return store.userEvents(userId).length;
  } finally {
    store.close();
  }
}

/** What a browser sends with `fetch(url, { method: 'POST', mode: 'no-cors', body: new Blob([json]) })` from `origin`. */
function fromPage(origin: string, site = 'cross-site'): Record<string, string> {
  return { host: `127.0.0.1:${port}`, origin, 'sec-fetch-site': site, 'sec-fetch-mode': 'no-cors' };
}

function expectRefused(res: RawResponse, pattern: RegExp): void {
  expect(res.status).toBe(403);
  expect(res.headers['x-amzn-errortype']).toBe('AccessDeniedException');
  expect(errorOf(res).message).toMatch(pattern);
}

describe('a POST from a page of another site', () => {
  const origins: [string, string, string][] = [
    ['a web site', 'http://evil.example', 'cross-site'],
    ['another local server', 'http://localhost:3000', 'same-site'],
    ['a sandboxed frame or a file', 'null', 'cross-site'],
    ['the same host on another port', 'http://127.0.0.1:1', 'same-site'],
  ];
  for (const [what, origin, site] of origins) {
    it(`is refused and stores nothing: ${what}`, async () => {
      const user = `csrf-${what.replace(/\W+/g, '-')}`;
      const res = await rawRequest(dev.server.url, 'POST', '/events', putEvents(user), fromPage(origin, site));
      expectRefused(res, /another site/);
      expect(await storedEventsOf(user)).toBe(0);
    });
  }

  it('changes no other store either: items, users, Firehose records', async () => {
    const before = (await rawRequest(dev.server.url, 'GET', '/analytics/summary')).text;
    const items = JSON.stringify({ datasetArn: dev.outputs.itemsDatasetArn, items: [{ itemId: 'csrf-item' }] });
    const users = JSON.stringify({ datasetArn: dev.outputs.usersDatasetArn, users: [{ userId: 'csrf-user' }] });
    const record = JSON.stringify({
      DeliveryStreamName: 'music-listens',
      Record: { Data: Buffer.from('{"userId":"x"}\n').toString('base64') },
    });
    for (const [route, body] of [
      ['/items', items],
      ['/users', users],
      ['/firehose', record],
    ] as const) {
      expectRefused(await rawRequest(dev.server.url, 'POST', route, body, fromPage('http://evil.example')), /another site/);
    }
    const store = await EventsStore.open(personalizePaths(dev.f.workspace, 'recommendations').eventsDb);
    try {
      expect(store.itemsAfter().map((i) => i.record.itemId)).not.toContain('csrf-item');
      expect(store.usersAfter().map((u) => u.record.userId)).not.toContain('csrf-user');
    } finally {
      store.close();
    }
    expect((await rawRequest(dev.server.url, 'GET', '/analytics/summary')).text).toBe(before);
  });
});

describe('requests the server serves as before', () => {
  it('a program (the AWS SDK, curl): no Origin', async () => {
    const res = await rawRequest(dev.server.url, 'POST', '/events', putEvents('sdk-user'), { 'content-type': 'application/json' });
    expect(res.status).toBe(200);
    expect(await storedEventsOf('sdk-user')).toBe(1);
  });

  it("the server's own pages: Origin is the server itself, by address or as localhost", async () => {
    for (const [user, host] of [
      ['own-page-ip', `127.0.0.1:${port}`],
      ['own-page-localhost', `localhost:${port}`],
    ]) {
      const res = await rawRequest(dev.server.url, 'POST', '/events', putEvents(user as string), {
        host: host as string,
        origin: `http://${host}`,
        'sec-fetch-site': 'same-origin',
        'content-type': 'application/json',
      });
      expect([user, res.status]).toEqual([user, 200]);
      expect(await storedEventsOf(user as string)).toBe(1);
    }
  });

  it('GET from any loopback name: 127.0.0.1, localhost, [::1], *.localhost', async () => {
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, `app.localhost:${port}`, `LOCALHOST:${port}`]) {
      const res = await rawRequest(dev.server.url, 'GET', '/healthz', undefined, { host });
      expect([host, res.status]).toEqual([host, 200]);
    }
  });
});

describe('DNS rebinding: a Host that is not a loopback name', () => {
  it('is refused on every route, reading nothing', async () => {
    const hosts = [
      `evil.example:${port}`,
      'evil.example',
      `127.0.0.1.nip.io:${port}`,
      `localhost.evil.example:${port}`,
      `10.0.0.7:${port}`,
    ];
    for (const host of hosts) {
      for (const route of ['/healthz', '/recommendations/user-0001', '/analytics/summary', '/portal/api/catalog']) {
        const res = await rawRequest(dev.server.url, 'GET', route, undefined, { host });
        expect([host, route, res.status]).toEqual([host, route, 403]);
        expect(errorOf(res).message).toMatch(/not this server's address/);
        expect(res.text).not.toContain('song-');
      }
    }
  });
});

describe('a server bound to another address (mesh portal --host 0.0.0.0)', () => {
  it("answers any Host (it is reached by the machine's name), and still refuses a POST from another site", async () => {
    const server = await startDevServer({ workspace: dev.f.workspace, host: '0.0.0.0', port: 0, personalize: false });
    try {
      server.addRoute('POST', '/write', () => ({ body: { written: true } }));
      const base = `http://127.0.0.1:${server.port}`;
      expect((await rawRequest(base, 'GET', '/healthz', undefined, { host: `build-box.corp.example:${server.port}` })).status).toBe(200);
      const own = `build-box.corp.example:${server.port}`;
      expect((await rawRequest(base, 'POST', '/write', '{}', { host: own, origin: `http://${own}` })).status).toBe(200);
      // behind a TLS-terminating proxy that keeps the Host header
      expect((await rawRequest(base, 'POST', '/write', '{}', { host: own, origin: `https://${own}` })).status).toBe(200);
      expectRefused(await rawRequest(base, 'POST', '/write', '{}', { host: own, origin: 'http://evil.example' }), /another site/);
    } finally {
      await server.close();
    }
  });
});
