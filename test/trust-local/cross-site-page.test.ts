/**
 * `mesh portal --allow-writes` in a real browser (headless Chromium) against a web page of another site the user
 * happens to visit while the portal runs. The page cannot read the portal's answers, but without a check it could
 * still write: `fetch(portal, { method: 'POST', mode: 'no-cors', body: blob })` needs no CORS preflight and sends no
 * Content-Type, and the portal would write an access request into a domain file. And a page whose domain name
 * resolves to 127.0.0.1 (DNS rebinding, here Chromium's host resolver rules) must not be served the catalog.
 */

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PortalServer, startPortal } from '../../src/portal/serve.js';
import { loadWorkspace } from '../../src/workspace/load.js';
import { mesh } from '../e2e/local-example-setup.js';
import { ensurePortalBuilt } from '../portal/portal-setup.js';
import { findChromium } from '../support/chromium.js';

let root: string;
let portal: PortalServer;
let attacker: Server;
let attackerPort: number;
let browser: Browser;

/** The attacker's page: one no-cors POST to the portal, then the title says it was sent (the answer is opaque). */
function attackPage(target: string): string {
  const body = JSON.stringify({ product: 'users', domain: 'analytics', purpose: 'exfiltration' });
  return `<!doctype html><title>loading</title><script>
fetch(${JSON.stringify(target)}, { method: 'POST', mode: 'no-cors', body: new Blob([${JSON.stringify(body)}]) })
  .then(() => { document.title = 'sent'; }, (e) => { document.title = 'failed ' + e; });
</script>`;
}

beforeAll(async () => {
  ensurePortalBuilt();
  root = mkdtempSync(path.join(os.tmpdir(), 'mesh-trust-portal-'));
  await mesh(root, 'init', '--example', 'music-streaming');
  portal = await startPortal({ workspace: await loadWorkspace(root), target: 'local', port: 0, allowWrites: true, live: false });
  const target = `${portal.url}/api/access/request`;
  attacker = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(attackPage(target));
  });
  await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
  attackerPort = (attacker.address() as AddressInfo).port;
  const { executablePath, env } = findChromium();
  browser = await chromium.launch({
    executablePath,
    headless: true,
    env: { ...process.env, ...env, LANG: 'en_US.UTF-8', LC_ALL: 'en_US.UTF-8' } as Record<string, string>,
    // evil.test is a web site whose name resolves to this machine (what DNS rebinding achieves)
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu', '--host-resolver-rules=MAP evil.test 127.0.0.1'],
  });
});

afterAll(async () => {
  await browser?.close();
  await portal?.close();
  await new Promise<void>((resolve) => (attacker ? attacker.close(() => resolve()) : resolve()));
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('the portal and pages of other sites, in Chromium', () => {
  it('a page of another site cannot write an access request into a domain file', async () => {
    const file = path.join(root, 'domains', 'analytics', 'domain.yaml');
    const before = readFileSync(file, 'utf8');
    const page = await browser.newPage();
    try {
      await page.goto(`http://evil.test:${attackerPort}/`);
      await page.waitForFunction("document.title !== 'loading'");
      expect(await page.title()).toBe('sent');
    } finally {
      await page.close();
    }
    expect(readFileSync(file, 'utf8')).toBe(before);
    expect(readFileSync(file, 'utf8')).not.toContain('exfiltration');
  });

  it('a page whose name resolves to 127.0.0.1 is not served the catalog (DNS rebinding)', async () => {
    const port = new URL(portal.url).port;
    const page = await browser.newPage();
    try {
      const res = await page.goto(`http://evil.test:${port}/portal/api/catalog`);
      expect(res?.status()).toBe(403);
      const text = (await res?.text()) ?? '';
      expect(text).toContain("not this server's address");
      expect(text).not.toContain('"products"');
    } finally {
      await page.close();
    }
    // The same browser on the portal's own address is served.
    const own = await browser.newPage();
    try {
      const res = await own.goto(`${portal.url}/api/catalog`);
      expect(res?.status()).toBe(200);
      expect(await res?.text()).toContain('"products"');
    } finally {
      await own.close();
    }
  });
});
