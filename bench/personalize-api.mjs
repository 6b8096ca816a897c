#!/usr/bin/env node
// The local recommendation API of `mesh dev`: latency of a GetRecommendations request over HTTP (raw JSON and through
// the real @aws-sdk/client-personalize-runtime), and of an event's effect (PutEvents through the real
// @aws-sdk/client-personalize-events, then GetRecommendations until the list reflects it). Prints a markdown table.
// Imports from ../dist (npm run bench builds first). Usage: node bench/personalize-api.mjs [--users 2000] [--n 400]
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { PersonalizeEventsClient, PutEventsCommand } from '@aws-sdk/client-personalize-events';
import { GetRecommendationsCommand, PersonalizeRuntimeClient } from '@aws-sdk/client-personalize-runtime';
import { startDevServer } from '../dist/dev/http/server.js';
import { createOutput } from '../dist/io/output.js';
import { readPersonalizeOutputs } from '../dist/personalize/outputs.js';
import { generateMusicDataset, interactionsToCsv, itemsToCsv, usersToCsv } from '../dist/personalize/recommender/index.js';
import { deployPersonalize, trainPersonalize } from '../dist/personalize/service.js';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const USERS = arg('users', 2000);
const N = arg('n', 400);

const schema = (name, fields) =>
  JSON.stringify({ type: 'record', name, namespace: 'com.amazonaws.personalize.schema', fields, version: '1.0' });
const YAML = `datasetGroup: bench
datasets:
  interactions:
    schema: schemas/interactions.avsc
    source: { csv: data/interactions.csv }
    columns: { USER_ID: USER_ID, ITEM_ID: ITEM_ID, TIMESTAMP: TIMESTAMP, EVENT_TYPE: EVENT_TYPE }
  items:
    schema: schemas/items.avsc
    source: { csv: data/items.csv }
    columns: { ITEM_ID: ITEM_ID, CONTENT_TYPE: CONTENT_TYPE, GENRE: GENRE }
solutions:
  personalized: { recipe: user-personalization, autoTraining: false, campaign: { minProvisionedTPS: 1 } }
filters:
  exclude-played: EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("play")
defaultFilter: exclude-played
`;

function workspaceIn(root) {
  const dir = path.join(root, 'domains', 'recs');
  mkdirSync(path.join(dir, 'schemas'), { recursive: true });
  mkdirSync(path.join(dir, 'data'), { recursive: true });
  writeFileSync(
    path.join(dir, 'schemas', 'interactions.avsc'),
    schema('Interactions', [
      { name: 'USER_ID', type: 'string' },
      { name: 'ITEM_ID', type: 'string' },
      { name: 'TIMESTAMP', type: 'long' },
      { name: 'EVENT_TYPE', type: 'string' },
    ]),
  );
  writeFileSync(
    path.join(dir, 'schemas', 'items.avsc'),
    schema('Items', [
      { name: 'ITEM_ID', type: 'string' },
      { name: 'CONTENT_TYPE', type: 'string', categorical: true },
      { name: 'GENRE', type: ['null', 'string'], categorical: true },
    ]),
  );
  const data = generateMusicDataset({ seed: 11, users: USERS, songs: 800, podcasts: 200, eventsPerUser: 25 });
  writeFileSync(path.join(dir, 'data', 'interactions.csv'), interactionsToCsv(data.interactions));
  writeFileSync(path.join(dir, 'data', 'items.csv'), itemsToCsv(data.items));
  writeFileSync(path.join(dir, 'data', 'users.csv'), usersToCsv(data.users));
  writeFileSync(path.join(dir, 'personalize.yaml'), YAML);
  const domain = {
    name: 'recs',
    kind: 'consumer',
    owner: { team: 't', contact: 'c' },
    access: { account: '111122223333', region: 'us-east-1' },
    roleName: 'recs',
    dir,
    file: path.join(dir, 'domain.yaml'),
    subscriptions: [],
    transforms: [],
    personalizeFile: path.join(dir, 'personalize.yaml'),
  };
  const workspace = {
    root,
    meshFile: path.join(root, 'mesh.yaml'),
    domains: [domain],
    products: [],
    mesh: {
      name: 'bench',
      target: 'local',
      central: { account: '999988887777', region: 'us-east-1', dataAccessRoleName: 'x' },
      streaming: { kind: 'embedded' },
      naming: {
        topicPattern: 'mesh.{domain}.{entity}.v{major}',
        databasePattern: '{mesh}_{domain}',
        linkDatabasePattern: 'mesh_{domain}',
        consumerGroupPattern: 'mesh.{consumer}.{product}',
      },
      requiredOwnerFields: [],
      schemaRegistry: 'bench',
      localDir: path.join(root, '.mesh', 'local'),
      aws: { artifactBucketPattern: '{mesh}-{domain}-{account}' },
    },
  };
  return { workspace, data };
}

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
function row(name, samples) {
  const s = [...samples].sort((a, b) => a - b);
  return `| ${name} | ${s.length} | ${quantile(s, 0.5).toFixed(2)} | ${quantile(s, 0.99).toFixed(2)} |`;
}

async function main() {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const root = mkdtempSync(path.join(os.tmpdir(), 'mesh-bench-api-'));
  const silent = new Writable({ write: (_c, _e, cb) => cb() });
  const output = createOutput({ stdout: silent, stderr: silent });
  let server;
  const clients = [];
  try {
    const { workspace, data } = workspaceIn(root);
    const ctx = { workspace, target: 'local', output };
    const t0 = performance.now();
    await trainPersonalize(ctx);
    const trainMs = performance.now() - t0;
    await deployPersonalize(ctx);
    server = await startDevServer({ workspace, port: 0, output });
    const outputs = readPersonalizeOutputs(workspace, 'recs');
    const config = { endpoint: server.url, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } };
    const runtime = new PersonalizeRuntimeClient(config);
    const events = new PersonalizeEventsClient(config);
    clients.push(runtime, events);
    const users = data.users.map((u) => u.userId);
    const user = (i) => users[(i * 7919) % users.length];

    // warm-up: load the model, open the store, JIT
    for (let i = 0; i < 50; i++)
      await runtime.send(new GetRecommendationsCommand({ campaignArn: outputs.campaignArn, userId: user(i), numResults: 25 }));

    const raw = [];
    for (let i = 0; i < N; i++) {
      const t = performance.now();
      const res = await fetch(`${server.url}/recommendations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ campaignArn: outputs.campaignArn, userId: user(i), numResults: 25 }),
      });
      await res.json();
      raw.push(performance.now() - t);
    }
    const sdk = [];
    for (let i = 0; i < N; i++) {
      const t = performance.now();
      await runtime.send(new GetRecommendationsCommand({ campaignArn: outputs.campaignArn, userId: user(i + N), numResults: 25 }));
      sdk.push(performance.now() - t);
    }
    const put = [];
    const effect = [];
    let unchanged = 0;
    const podcasts = data.items.filter((it) => it.props.CONTENT_TYPE === 'podcast').map((it) => it.itemId);
    for (let i = 0; i < Math.min(N, 200); i++) {
      const u = user(i + 2 * N);
      const before = await runtime.send(new GetRecommendationsCommand({ campaignArn: outputs.campaignArn, userId: u, numResults: 25 }));
      const played = before.itemList[0].itemId;
      const t = performance.now();
      await events.send(
        new PutEventsCommand({
          trackingId: outputs.trackingId,
          userId: u,
          sessionId: `s-${i}`,
          eventList: [
            { eventType: 'play', itemId: played, sentAt: new Date() },
            { eventType: 'play', itemId: podcasts[i % podcasts.length], sentAt: new Date(Date.now() + 1) },
          ],
        }),
      );
      put.push(performance.now() - t);
      const after = await runtime.send(new GetRecommendationsCommand({ campaignArn: outputs.campaignArn, userId: u, numResults: 25 }));
      effect.push(performance.now() - t);
      if (after.itemList.some((it) => it.itemId === played)) unchanged++;
    }
    console.log(
      `Local campaign: ${data.interactions.length} interactions, ${data.items.length} items, ${users.length} users (user-personalization; trained in ${(trainMs / 1000).toFixed(1)} s incl. holdout evaluation). Sequential requests over loopback, numResults 25, default filter exclude-played.\n`,
    );
    console.log('| request | n | p50 ms | p99 ms |');
    console.log('|---|---|---|---|');
    console.log(row('GetRecommendations, raw HTTP JSON (fetch)', raw));
    console.log(row('GetRecommendations, @aws-sdk/client-personalize-runtime', sdk));
    console.log(row('PutEvents (2 events), @aws-sdk/client-personalize-events', put));
    console.log(row("event's effect: PutEvents → GetRecommendations reflecting it", effect));
    console.log(`\nThe played item was gone from the next list in ${effect.length - unchanged} of ${effect.length} cases.`);
    if (unchanged > 0) process.exitCode = 1;
  } finally {
    for (const c of clients) c.destroy();
    await server?.close();
    rmSync(root, { recursive: true, force: true });
  }
}

await main();
