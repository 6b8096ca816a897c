/**
 * `mesh portal` on the aws target (a child process of the built CLI, as a user runs it) over the running example
 * published to moto: fresh accounts, the central Glue catalog and Lake Formation grants, and an MSK cluster whose
 * brokers are the real Kafka broker. The catalog and product pages answer what Glue and Lake Formation hold, the live
 * view reads the topics and consumer groups through MSK, sample rows answer a documented 400 (a local-target
 * feature), and no answer holds a credential.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GetTableCommand, GlueClient } from '@aws-sdk/client-glue';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, ensureBuilt } from '../cli/run-cli.js';
import { mesh } from '../e2e/aws-example-cli.js';
import { contract } from '../e2e/aws-example-files.js';
import { bucketOf, createBucket, createMskCluster, freshExampleAccounts, PRODUCERS, rewriteExample } from '../e2e/aws-example-setup.js';
import { burst, writeJsonLines } from '../e2e/local-listens.js';
import { waitFor } from '../e2e/local-processes.js';
import { accountClients } from '../support/moto.js';
import { ensurePortalBuilt, launchChromium } from './portal-setup.js';

const accounts = freshExampleAccounts();
const topicPrefix = `portal${randomBytes(4).toString('hex')}`;
const TOPIC = `${topicPrefix}.interactions.listens.v1`;
const GROUP = 'mesh.analytics.interactions';
let root = '';
let portal: ChildProcess | undefined;
let portalLog = '';
let url = '';
let browser: Browser | undefined;
const answers: string[] = [];

async function call(pathname: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${url.replace(/\/portal$/, '')}${pathname}`);
  const text = await res.text();
  answers.push(text);
  return { status: res.status, body: JSON.parse(text) as Record<string, unknown> };
}

interface Product {
  name: string;
  published: boolean;
  description: string;
  ports: { table?: { name: string; location: string }; stream?: { topic: string } };
  columns: { name: string; description?: string; pii: boolean }[];
  subscribers: {
    domain: string;
    table?: 'all' | string[];
    stream?: { function: string; group: string; deployment?: string };
    granted: boolean;
  }[];
}

beforeAll(async () => {
  ensureBuilt();
  ensurePortalBuilt();
  root = mkdtempSync(path.join(os.tmpdir(), 'mesh-aws-portal-'));
  const clusterArn = (await createMskCluster(accounts.central, '3.5.1')).arn;
  await mesh(root, 'init', '--example', 'music-streaming');
  rewriteExample(root, { accounts, clusterArn, topicPrefix });
  for (const product of PRODUCERS) await createBucket(accounts[product], bucketOf(contract(root, product).location));
  await mesh(root, 'bootstrap');
  await mesh(root, 'publish-product');
  await mesh(root, 'subscribe', 'users', '--domain', 'recommendations', '--table');
  await mesh(root, 'subscribe', 'songs', '--domain', 'recommendations', '--table');
  await mesh(root, 'subscribe', 'interactions', '--domain', 'analytics', '--stream');

  // The workspace's mesh.yaml says target: aws; the child reaches moto through AWS_ENDPOINT_URL like any AWS CLI.
  const child = spawn(process.execPath, [BIN, 'portal', '--port', '0'], { cwd: root, env: { ...process.env, CI: 'true', NO_COLOR: '1' } });
  portal = child;
  const collect = (c: Buffer) => {
    portalLog += c.toString('utf8');
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  url = await waitFor(
    'the portal URL',
    () => {
      if (child.exitCode !== null) throw new Error(`mesh portal exited with ${child.exitCode}:\n${portalLog}`);
      return /mesh portal on (http:\/\/\S+)/.exec(portalLog)?.[1];
    },
    60_000,
  );
}, 240_000);

afterAll(async () => {
  await browser?.close();
  if (portal && portal.exitCode === null) {
    const exited = new Promise((resolve) => portal?.once('exit', resolve));
    portal.kill('SIGINT');
    await exited;
  }
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('mesh portal --target aws (moto)', () => {
  it('answers the catalog from Glue: every product published, with its table and columns as the central catalog holds them', async () => {
    expect((await call('/portal/api/info')).body).toEqual({ mesh: 'music', target: 'aws', allowWrites: false, live: true });
    const products = (await call('/portal/api/catalog')).body.products as Product[];
    expect(products.map((p) => [p.name, p.published])).toEqual([
      ['interactions', true],
      ['podcasts', true],
      ['songs', true],
      ['users', true],
    ]);
    const glue = new GlueClient(await accountClients(accounts.central));
    try {
      for (const p of products) {
        const [database, table] = (p.ports.table?.name ?? '').split('.') as [string, string];
        const held = (await glue.send(new GetTableCommand({ DatabaseName: database, Name: table }))).Table;
        expect([p.name, p.ports.table?.location]).toEqual([p.name, held?.StorageDescriptor?.Location]);
        expect(p.description).toBe(held?.Description);
        const glueColumns = [...(held?.StorageDescriptor?.Columns ?? []), ...(held?.PartitionKeys ?? [])];
        expect(p.columns.map((c) => [c.name, c.description ?? ''])).toEqual(glueColumns.map((c) => [c.Name, c.Comment ?? '']));
      }
    } finally {
      glue.destroy();
    }
    expect(products.find((p) => p.name === 'users')?.columns.find((c) => c.name === 'email')?.pii).toBe(true);
  });

  it('lists subscribers from the Lake Formation grants and the stream subscriptions, and finds a product by a column', async () => {
    const users = (await call('/portal/api/products/users')).body as unknown as Product;
    const recommendations = users.subscribers.find((s) => s.domain === 'recommendations');
    expect(recommendations?.granted).toBe(true);
    expect(recommendations?.table).not.toContain('email');
    // The table grant is in Lake Formation; the stream port the domain file declares was not deployed (--table).
    expect((await call('/portal/api/products/songs')).body.subscribers).toMatchObject([
      {
        domain: 'recommendations',
        table: 'all',
        granted: true,
        stream: { group: 'mesh.recommendations.songs', deployment: 'not deployed' },
      },
    ]);
    const interactions = (await call('/portal/api/products/interactions')).body as unknown as Product;
    expect(interactions.ports.stream?.topic).toBe(TOPIC);
    // analytics' ingestor is a Lambda function with its event source mapping on the MSK cluster.
    const analytics = interactions.subscribers.find((s) => s.domain === 'analytics');
    expect(analytics?.stream).toMatchObject({ function: 'interactions-ingestor', group: GROUP });
    expect(analytics?.stream?.deployment).toMatch(/^(Enabled|Creating|Enabling)$/);
    expect((await call('/portal/api/search?q=artist')).body.hits).toEqual([{ name: 'songs', domain: 'songs', columns: ['artist'] }]);
  });

  it('reads the topics and the consumer groups through MSK: events produced show as the group’s lag', async () => {
    const before = (await call('/portal/api/live')).body as { topics: { topic: string; end: number }[] };
    expect(before.topics.find((t) => t.topic === TOPIC)?.end).toBe(0);
    const events = burst({ prefix: 'aws-portal', count: 50, seed: 3, from: Math.floor(Date.now() / 1000) - 60 });
    expect((await mesh(root, 'events', 'produce', 'interactions', '--file', writeJsonLines(root, 'p.jsonl', events))).doc).toMatchObject({
      sent: 50,
    });
    // Lambda does not consume in moto: the whole burst is the analytics group's backlog.
    const live = (await call('/portal/api/live')).body as {
      topics: { topic: string; end: number }[];
      groups: { group: string; topic: string; lag: number }[];
      deadLetters: { consumer: string; count: number }[];
      plays: unknown;
      recommendations: unknown;
    };
    expect(live.topics.find((t) => t.topic === TOPIC)?.end).toBe(50);
    expect(live.groups.find((g) => g.group === GROUP && g.topic === TOPIC)?.lag).toBe(50);
    expect(live.deadLetters.find((d) => d.consumer === 'analytics')?.count).toBe(0);
    expect([live.plays, live.recommendations]).toEqual([null, null]);
  });

  it('answers sample rows with a documented 400 on aws, and the product page says why instead of offering them', async () => {
    const sample = await call('/portal/api/products/users/sample?domain=recommendations');
    expect(sample.status).toBe(400);
    expect(sample.body.__type).toBe('SampleRowsLocalOnly');
    expect(sample.body.message).toMatch(/Sample rows are a local-target feature/);
    browser = await launchChromium();
    const page = await browser.newPage();
    await page.goto(`${url}#/product/users`);
    await page.waitForSelector('#subscribers');
    expect(await page.locator('#subscribers tbody tr', { hasText: 'recommendations' }).textContent()).toMatch(/all columns|user_id/);
    expect(await page.locator('#sample-local-only').textContent()).toMatch(/local-target feature/);
    expect(await page.locator('#sample-show').count()).toBe(0);
    expect(await page.locator('#mode').textContent()).toMatch(/aws/);
    await page.goto(`${url}#/product/interactions`);
    await page.waitForSelector('#subscribers');
    expect(await page.locator('#subscribers tbody tr', { hasText: 'analytics' }).textContent()).toMatch(
      /interactions-ingestor \(group mesh\.analytics\.interactions\), (Enabled|Creating|Enabling)/,
    );
  });

  it('puts no credential, role ARN or local path in any answer', async () => {
    for (const pathname of ['/portal/api/catalog', '/portal/api/lineage', '/portal/api/access', '/portal/api/live']) await call(pathname);
    const own = await accountClients(accounts.central);
    expect(answers.length).toBeGreaterThan(8);
    for (const text of answers) {
      expect(text).not.toMatch(/\b(AKIA|ASIA)[A-Z0-9]{12,}\b/);
      expect(text).not.toMatch(/secret|password|session.?token|AWS_|arn:aws:iam/i);
      expect(text).not.toContain(own.credentials.secretAccessKey);
      expect(text).not.toContain(root);
      expect(text).not.toContain(os.homedir());
    }
    expect(portal?.exitCode, portalLog).toBeNull();
  });
});
