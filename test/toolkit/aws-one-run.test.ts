// On aws (moto), through the toolkit: one run makes one AwsClients and hands it to everything it does (preflight,
// lock, every plane), so a `publish-product` assumes each account's role once, however many SDK clients it uses.
// And `mesh events produce` / `tail` on MSK honour the global --profile and --region like every other command.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approvingHost, createToolkit } from '../../src/toolkit/index.js';
import { runInProcess } from '../cli/run-cli.js';
import { contract } from '../e2e/aws-example-files.js';
import { bucketOf, createBucket, createMskCluster, freshExampleAccounts, rewriteExample, roleArnIn } from '../e2e/aws-example-setup.js';
import { motoEndpoint } from '../support/moto.js';

process.env.MESH_AWS_MAX_ATTEMPTS = '1';

/** A proxy in front of moto for STS only: it records the RoleArn of every AssumeRole it forwards. */
async function stsRecorder(): Promise<{ url: string; assumed: string[]; close(): Promise<void> }> {
  const assumed: string[] = [];
  const target = new URL(motoEndpoint());
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const form = new URLSearchParams(body.toString('utf8'));
      if (form.get('Action') === 'AssumeRole') assumed.push(form.get('RoleArn') ?? '');
      const upstream = http.request(
        { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host } },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on('error', (error) => res.destroy(error));
      upstream.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, assumed, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

const accounts = freshExampleAccounts();
let root = '';

beforeAll(async () => {
  root = mkdtempSync(path.join(os.tmpdir(), 'mesh-toolkit-aws-'));
  expect((await runInProcess(['init', '--example', 'music-streaming', '--yes', '--dir', root])).code).toBe(0);
  const cluster = await createMskCluster(accounts.central, '3.5.1');
  rewriteExample(root, { accounts, clusterArn: cluster.arn, topicPrefix: `tk${randomBytes(4).toString('hex')}` });
  await createBucket(accounts.songs, bucketOf(contract(root, 'songs').location));
  const bootstrap = await runInProcess(['bootstrap', '--yes', '--json', '-C', root]);
  expect(bootstrap.code, bootstrap.stderr).toBe(0);
}, 180_000);

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('one AwsClients per run', () => {
  it('publish-product (preflight, lock, catalog and streams planes) assumes each role once', async () => {
    const sts = await stsRecorder();
    process.env.AWS_ENDPOINT_URL_STS = sts.url;
    try {
      const result = await createToolkit({ cwd: root, host: approvingHost() }).publishProduct(['songs']);
      expect(result).toMatchObject({ target: 'aws', applied: true });
    } finally {
      delete process.env.AWS_ENDPOINT_URL_STS;
      await sts.close();
    }
    // The central catalog's role (preflight, lock, catalog, registry) and the producer's (its bucket, its grants).
    expect(new Set(sts.assumed)).toEqual(new Set([roleArnIn(accounts.central), roleArnIn(accounts.songs)]));
    expect(sts.assumed).toHaveLength(2);
  });
});

describe('mesh events on MSK honours --profile and --region', () => {
  const eventsFile = () => {
    const file = path.join(root, 'listens.jsonl');
    const listen = { event_id: 'e1', user_id: 'u1', item_id: 'song-1', content_type: 'song', event_type: 'play', session_id: 's1' };
    writeFileSync(file, `${JSON.stringify({ ...listen, timestamp: 1_700_000_000 })}\n`);
    return file;
  };
  const errorOf = (run: { stdout: string }) => (JSON.parse(run.stdout) as { error: { code: string; message: string } }).error;

  it('produce: without flags it reaches the cluster (the topic is not published yet); --region looks elsewhere', async () => {
    const file = eventsFile();
    const plain = await runInProcess(['events', 'produce', 'interactions', '--file', file, '--json', '-C', root]);
    expect(errorOf(plain).code).toBe('ProductNotPublished');
    const elsewhere = await runInProcess([
      'events',
      'produce',
      'interactions',
      '--file',
      file,
      '--json',
      '--region',
      'eu-west-3',
      '-C',
      root,
    ]);
    expect(errorOf(elsewhere)).toMatchObject({ code: 'ClusterNotFound' });
  });

  it('tail: the same, and --profile is the profile the central account signs with (this one does not exist)', async () => {
    const tail = ['events', 'tail', 'interactions', '--exit', '--json', '-C', root];
    expect(errorOf(await runInProcess(tail)).code).toBe('ProductNotPublished');
    expect(errorOf(await runInProcess([...tail, '--region', 'eu-west-3']))).toMatchObject({ code: 'ClusterNotFound' });
    expect(errorOf(await runInProcess([...tail, '--profile', 'mesh-no-such-profile']))).toMatchObject({
      code: 'Credentials',
      message: expect.stringContaining('describe MSK cluster'),
    });
  });
});
