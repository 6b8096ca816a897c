/**
 * `mesh dev` runs every consumer domain's stream handlers, code other teams write, on the machine of whoever runs it.
 * A handler used to start with the shell's whole environment (credential variables emptied): every other secret of the
 * shell (GITHUB_TOKEN, NPM_TOKEN, DATABASE_URL, a proxy with a password, …) reached it, and a handler that worked
 * locally only because of a shell variable broke in Lambda. It now gets a Lambda-like environment: its declared
 * variables, its own domain's Personalize outputs, Lambda's variables, mesh's local endpoints and dummy credentials,
 * and PATH; nothing else of the shell.
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type DevSession, startDev } from '../../src/dev/start-dev.js';
import { DEFAULT_MEMORY_MB, LAMBDA_RUNTIME } from '../../src/streams/functions/aws/lambda-function.js';
import { lambdaFunctionName } from '../../src/streams/functions/function-naming.js';
import type { Domain, Workspace } from '../../src/workspace/model.js';
import { personalizeOutputsFile, writePersonalizeOutputs } from '../../src/workspace/personalize-outputs.js';
import { type Fixture, HANDLER_SOURCE, makeFixture } from '../streams/fixtures.js';
import { publishAndSubscribe } from '../streams/runner-contract.js';

/** Secrets a developer's shell holds, none of them AWS's. */
const SHELL_SECRETS: Record<string, string> = {
  GITHUB_TOKEN: 'ghp_plantedGithubToken000000000000000001',
  NPM_TOKEN: 'npm_plantedNpmToken0000000000000000002',
  DATABASE_URL: 'postgres://admin:planted-db-password@db.internal:5432/prod',
  HTTPS_PROXY: 'http://me:planted-proxy-password@proxy.internal:3128',
  SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/T000/B000/plantedslackhook',
  OPENAI_API_KEY: 'sk-planted-openai-key-0003',
  NODE_OPTIONS: '--max-old-space-size=3071',
  AWS_PROFILE: 'planted-prod-admin',
  AWS_SESSION_TOKEN: 'planted-session-token-0004',
};

/** What a handler may see: Lambda's variables, what runs Node, mesh's local variables, and its declared ones. */
const ALLOWED = new Set([
  '_HANDLER',
  'AWS_EXECUTION_ENV',
  'AWS_LAMBDA_FUNCTION_NAME',
  'AWS_LAMBDA_FUNCTION_VERSION',
  'AWS_LAMBDA_FUNCTION_MEMORY_SIZE',
  'AWS_LAMBDA_INITIALIZATION_TYPE',
  'AWS_LAMBDA_LOG_GROUP_NAME',
  'AWS_LAMBDA_LOG_STREAM_NAME',
  'AWS_REGION',
  'AWS_DEFAULT_REGION',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_EC2_METADATA_DISABLED',
  'LAMBDA_TASK_ROOT',
  'TZ',
  'PATH',
  'HOME',
  'TMPDIR',
  'LANG',
  'NODE_PATH',
  'AWS_ENDPOINT_URL',
  'AWS_ENDPOINT_URL_PERSONALIZE_EVENTS',
  'AWS_ENDPOINT_URL_PERSONALIZE_RUNTIME',
  'AWS_ENDPOINT_URL_FIREHOSE',
  'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED',
  'MESH_TARGET',
  'MESH_LOCAL',
  // declared by the fixture's subscription
  'OUT_FILE',
  'MODE',
]);

const fixtures: Fixture[] = [];
const sessions: DevSession[] = [];
afterEach(async () => {
  for (const s of sessions.splice(0)) await s.stop();
  for (const f of fixtures.splice(0)) f.cleanup();
  vi.unstubAllEnvs();
});

function plant(env: Record<string, string>): void {
  for (const [key, value] of Object.entries(env)) {
    vi.stubEnv(key, value);
  }
}

/** A handler that writes its environment (and the home folder Node reports) to `file` when it is loaded. */
function envDumpingHandler(handlerDir: string, file: string): void {
  mkdirSync(handlerDir, { recursive: true });
  writeFileSync(
    path.join(handlerDir, 'index.js'),
    `require('node:fs').writeFileSync(${JSON.stringify(file)}, JSON.stringify({ env: process.env, home: require('node:os').homedir(), tmp: require('node:os').tmpdir() }));\n${HANDLER_SOURCE}`,
  );
}

interface Dump {
  env: Record<string, string>;
  home: string;
  tmp: string;
}

function readDump(file: string): Promise<Dump> {
  // The runner starts each function process (and loads its handler) before the first record: no record is needed.
  return vi.waitFor(() => JSON.parse(readFileSync(file, 'utf8')) as Dump, { timeout: 20_000, interval: 50 });
}

describe('mesh dev: the environment a handler starts with', () => {
  it("is Lambda's, not the shell's: none of the shell's secrets, a private HOME and TMPDIR, Lambda's variables", async () => {
    const fixture = makeFixture({ streaming: { kind: 'embedded' }, encoding: 'json' });
    fixtures.push(fixture);
    const dump = path.join(fixture.root, 'handler-env.json');
    envDumpingHandler(fixture.consumer.subscriptions[0]?.stream?.handlerDir as string, dump);
    await publishAndSubscribe(fixture);
    plant(SHELL_SECRETS);

    const session = await startDev({ workspace: fixture.workspace, target: 'local', signal: new AbortController().signal, port: 0 });
    sessions.push(session);
    const { env, home, tmp } = await readDump(dump);

    const text = JSON.stringify(env);
    for (const [key, value] of Object.entries(SHELL_SECRETS)) {
      expect([key, text.includes(value)]).toEqual([key, false]);
      expect([key, key in env]).toEqual([key, false]);
    }
    expect(Object.keys(env).filter((key) => !ALLOWED.has(key))).toEqual([]);

    const name = lambdaFunctionName(fixture.workspace.mesh, 'recommendations', 'listens-handler');
    expect(env).toMatchObject({
      AWS_LAMBDA_FUNCTION_NAME: name,
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      // What mesh deploys the function with on aws.
      AWS_EXECUTION_ENV: `AWS_Lambda_${LAMBDA_RUNTIME}`,
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(DEFAULT_MEMORY_MB),
      AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${name}`,
      AWS_REGION: fixture.consumer.access.region,
      AWS_DEFAULT_REGION: fixture.consumer.access.region,
      _HANDLER: 'index.handler',
      TZ: ':UTC',
      AWS_ACCESS_KEY_ID: 'mesh-local',
      AWS_SECRET_ACCESS_KEY: 'mesh-local',
      AWS_ENDPOINT_URL: session.url,
      OUT_FILE: fixture.outFile,
      PATH: process.env.PATH,
    });
    // HOME and TMPDIR are private folders made for the function, not the user's (no ~/.aws, ~/.npmrc, …).
    expect(home).toBe(env.HOME);
    expect(tmp).toBe(env.TMPDIR);
    expect(home).not.toBe(process.env.HOME);
    expect(statSync(home).isDirectory()).toBe(true);
    expect(statSync(home).mode & 0o077).toBe(0);

    // Removed with the function's bundle when mesh dev stops.
    await session.stop();
    expect(existsSync(home)).toBe(false);
  });

  it("hands each function its own domain's Personalize outputs, never another domain's", async () => {
    const fixture = makeFixture({ streaming: { kind: 'embedded' }, encoding: 'json' });
    fixtures.push(fixture);
    const recs = fixture.consumer;
    const recsDump = path.join(fixture.root, 'recs-env.json');
    envDumpingHandler(recs.subscriptions[0]?.stream?.handlerDir as string, recsDump);
    // A second consumer domain (another team) with a handler and a Personalize deployment of its own.
    const otherDir = path.join(fixture.root, 'domains', 'podcast-recs');
    const otherHandler = path.join(otherDir, 'handlers', 'podcast-listens');
    const otherDump = path.join(fixture.root, 'other-env.json');
    envDumpingHandler(otherHandler, otherDump);
    const stream = recs.subscriptions[0]?.stream;
    if (!stream) throw new Error('the fixture has no stream subscription');
    const other: Domain = {
      ...recs,
      name: 'podcast-recs',
      dir: otherDir,
      file: path.join(otherDir, 'domain.yaml'),
      personalizeFile: path.join(otherDir, 'personalize.yaml'),
      subscriptions: [
        {
          product: 'listen-events',
          stream: {
            ...stream,
            function: 'podcast-listens',
            handlerDir: otherHandler,
            environment: {},
            // its own dead-letter topic (DeadLetterTopicNotOwned otherwise)
            deadLetterTopic: stream.deadLetterTopic.replace(/\.dlq\.recommendations$/, '.dlq.podcast-recs'),
          },
        },
      ],
    };
    const workspace: Workspace = {
      ...fixture.workspace,
      domains: [
        ...fixture.workspace.domains.map((d) =>
          d.name === 'recommendations' ? { ...d, personalizeFile: path.join(d.dir, 'personalize.yaml') } : d,
        ),
        other,
      ],
    };
    for (const [domain, trackingId] of [
      ['recommendations', 'recs-tracking-id'],
      ['podcast-recs', 'podcast-tracking-id'],
    ] as const) {
      writePersonalizeOutputs(personalizeOutputsFile(workspace, domain), {
        target: 'local',
        trackingId,
        campaignArn: `arn:aws:personalize:us-east-1:111111111111:campaign/${domain}`,
        campaigns: {},
        datasetGroupArn: `arn:aws:personalize:us-east-1:111111111111:dataset-group/${domain}`,
        filterArns: {},
        updatedAt: new Date(0).toISOString(),
      });
    }
    await publishAndSubscribe({ ...fixture, workspace });

    const session = await startDev({ workspace, target: 'local', signal: new AbortController().signal, port: 0 });
    sessions.push(session);
    expect(session.functions).toHaveLength(2);
    const [recsEnv, otherEnv] = [(await readDump(recsDump)).env, (await readDump(otherDump)).env];
    expect(recsEnv.PERSONALIZE_TRACKING_ID).toBe('recs-tracking-id');
    expect(recsEnv.PERSONALIZE_CAMPAIGN_ARN).toMatch(/campaign\/recommendations$/);
    expect(otherEnv.PERSONALIZE_TRACKING_ID).toBe('podcast-tracking-id');
    expect(otherEnv.PERSONALIZE_CAMPAIGN_ARN).toMatch(/campaign\/podcast-recs$/);
  });
});
