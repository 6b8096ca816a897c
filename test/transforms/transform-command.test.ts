// `mesh transform items --domain recommendations`: the example's items merge (songs + podcasts) run as a user runs
// it — DuckDB on the local target; on aws (against moto) a Glue job (script uploaded, job created, run waited for)
// or an Athena query in the domain's account, per the engine the domain file names.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DeleteJobCommand, GetJobCommand, GlueClient } from '@aws-sdk/client-glue';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AwsClients } from '../../src/aws/clients.js';
import { silentHost } from '../../src/core/messages.js';
import { openState } from '../../src/engine/run.js';
import { createOutput } from '../../src/io/output.js';
import { createTransformsPlane } from '../../src/transforms/plane.js';
import { loadWorkspace } from '../../src/workspace/load.js';
import { runInProcess } from '../cli/run-cli.js';
import { seedAthenaResults } from '../e2e/aws-example-athena.js';
import { createBucket, createMskCluster, freshExampleAccounts, rewriteExample } from '../e2e/aws-example-setup.js';
import { accountClients } from '../support/moto.js';

const dirs: string[] = [];
const discard = { write: () => true } as unknown as NodeJS.WritableStream;
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function example(): Promise<string> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'mesh-transform-'));
  dirs.push(root);
  const init = await runInProcess(['init', '--example', 'music-streaming', '--yes', '--dir', root]);
  expect(init.code, init.stderr).toBe(0);
  return root;
}

const mesh = (root: string, ...args: string[]) => runInProcess([...args, '--cwd', root, '--yes']);

describe('mesh transform on the local target', () => {
  it('refuses before the domain is subscribed, then writes the merged items CSV', async () => {
    const root = await example();
    expect((await mesh(root, 'publish-product')).code).toBe(0);
    const refused = await mesh(root, 'transform', 'items', '--domain', 'recommendations');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('[AccessDenied]');
    for (const p of ['songs', 'podcasts'])
      expect((await mesh(root, 'subscribe', p, '--domain', 'recommendations', '--table')).code).toBe(0);
    const run = await mesh(root, 'transform', 'items', '--domain', 'recommendations', '--json');
    expect(run.code, run.stderr).toBe(0);
    const doc = JSON.parse(run.stdout) as { rowCount: number; output: string; sources: string[] };
    const songs = readFileSync(path.join(root, 'domains/songs/data/songs.csv'), 'utf8').trim().split('\n').length - 1;
    const podcasts = readFileSync(path.join(root, 'domains/podcasts/data/podcasts.csv'), 'utf8').trim().split('\n').length - 1;
    expect(doc.rowCount).toBe(songs + podcasts);
    expect(doc.sources.sort()).toEqual(['podcasts', 'songs']);
    const csv = readFileSync(doc.output, 'utf8').trim().split('\n');
    expect(csv[0]).toContain('content_type');
    expect(csv.filter((l) => l.includes(',podcast,')).length).toBe(podcasts);
  });
});

describe('mesh transform on aws (moto)', () => {
  let root = '';
  let accounts: ReturnType<typeof freshExampleAccounts>;
  let bucket = '';

  beforeAll(async () => {
    root = await example();
    accounts = freshExampleAccounts();
    const cluster = await createMskCluster(accounts.central, '3.5.1');
    rewriteExample(root, { accounts, clusterArn: cluster.arn, topicPrefix: `tx${Date.now().toString(36)}` });
    bucket = `music-recommendations-${accounts.recommendations}`;
    await createBucket(accounts.recommendations, bucket);
    // What a user runs first on new accounts: `mesh transform` on aws is refused by its preflight until then.
    const bootstrap = await mesh(root, 'bootstrap');
    expect(bootstrap.code, bootstrap.stderr).toBe(0);
  }, 60_000);

  it('--dry-run prints the Glue script or the Athena SQL over the resource links, changing nothing', async () => {
    const r = await mesh(root, 'transform', 'items', '--domain', 'recommendations', '--dry-run', '--json');
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as { engine: string; sql: string };
    expect(doc.engine).toBe('athena');
    expect(doc.sql).toContain('mesh_songs.songs');
    expect(doc.sql).toContain('mesh_podcasts.podcasts');
  });

  it('athena: runs the query in the domain account and writes the rows to the declared output', async () => {
    await seedAthenaResults(accounts.recommendations, [
      {
        columns: [
          { name: 'item_id', type: 'varchar' },
          { name: 'content_type', type: 'varchar' },
        ],
        rows: [
          ['s0001', 'song'],
          ['p0001', 'podcast'],
        ],
      },
    ] as never);
    const r = await mesh(root, 'transform', 'items', '--domain', 'recommendations', '--json');
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as { rowCount: number; outputFile: string; outputLocation: string };
    expect(doc.rowCount).toBe(2);
    expect(doc.outputLocation).toBe(`s3://${bucket}/transforms/recommendations/items/output/`);
    expect(readFileSync(doc.outputFile, 'utf8')).toBe('item_id,content_type\ns0001,song\np0001,podcast\n');
  });

  it('glue: uploads the generated script, creates the job once, runs it to SUCCEEDED', async () => {
    const domainFile = path.join(root, 'domains/recommendations/domain.yaml');
    writeFileSync(domainFile, readFileSync(domainFile, 'utf8').replace('engine: athena', 'engine: glue'));
    // The Glue job runs as the domain role: bootstrap lets glue.amazonaws.com assume it (the preflight refuses until then).
    const refused = await mesh(root, 'transform', 'items', '--domain', 'recommendations', '--json');
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('does not trust glue.amazonaws.com');
    const bootstrap = await mesh(root, 'bootstrap');
    expect(bootstrap.code, bootstrap.stderr).toBe(0);
    const first = await mesh(root, 'transform', 'items', '--domain', 'recommendations', '--json');
    expect(first.code, first.stderr).toBe(0);
    const doc = JSON.parse(first.stdout) as { jobName: string; job: string; runState: string; scriptLocation: string };
    expect(doc).toMatchObject({ jobName: 'music-recommendations-items', job: 'created', runState: 'SUCCEEDED' });

    const config = await accountClients(accounts.recommendations);
    const script = await new S3Client(config).send(
      new GetObjectCommand({ Bucket: bucket, Key: 'transforms/recommendations/items/job.py' }),
    );
    const text = await script.Body?.transformToString();
    expect(text).toContain('spark.sql(SQL)');
    expect(text).toContain('mesh_songs.songs');
    const { Job } = await new GlueClient(config).send(new GetJobCommand({ JobName: 'music-recommendations-items' }));
    expect(Job?.Command).toMatchObject({ Name: 'glueetl', ScriptLocation: doc.scriptLocation });
    expect(Job?.Role).toBe(`arn:aws:iam::${accounts.recommendations}:role/mesh-recommendations`);
    expect(Job?.DefaultArguments?.['--OUTPUT_PATH']).toBe(`s3://${bucket}/transforms/recommendations/items/output/`);

    const again = await mesh(root, 'transform', 'items', '--domain', 'recommendations', '--no-run', '--json');
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ job: 'unchanged' });
  });

  it('the transforms plane plans the Glue job: noop in line with the files, create once deleted by hand, and applied', async () => {
    const workspace = await loadWorkspace(root, { target: 'aws' });
    const clients = new AwsClients({ centralAccount: workspace.mesh.central.account });
    const env = {
      workspace,
      target: 'aws' as const,
      output: createOutput({ stdout: discard, stderr: discard }),
      host: silentHost,
      signal: new AbortController().signal,
      state: openState(workspace, 'aws'),
      allowed: new Set<string>(),
      clients,
    };
    const scope = { include: { publish: true, subscriptions: true } };
    try {
      const plane = await createTransformsPlane(env);
      const inLine = await plane.plan(scope, env);
      expect(inLine.changes.map((c) => `${c.action} ${c.type} ${c.ref.id}`)).toEqual(['noop glue-job music-recommendations-items']);

      // moto has no UpdateJob: the drift here is a job deleted by hand
      await new GlueClient(await accountClients(accounts.recommendations)).send(
        new DeleteJobCommand({ JobName: 'music-recommendations-items' }),
      );
      const drifted = await plane.plan(scope, env);
      expect(drifted.changes.map((c) => `${c.action} ${c.type}`)).toEqual(['create glue-job']);
      const change = drifted.changes[0];
      if (!change) throw new Error('no change planned');
      await plane.execute(change, env);
      expect((await plane.plan(scope, env)).changes.map((c) => c.action)).toEqual(['noop']);
      await plane.close?.();
    } finally {
      clients.destroy();
    }
  });
});
