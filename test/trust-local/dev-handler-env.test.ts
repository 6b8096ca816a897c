/**
 * `mesh dev` runs each stream handler with dummy local credentials, never the user's: whatever AWS credentials,
 * session token, profile or credential source the shell that runs `mesh dev` holds, the handler's process sees none
 * of it (a handler that logs its environment, as handlers do when debugged, must not print the user's token).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type DevSession, startDev } from '../../src/dev/start-dev.js';
import { type Fixture, HANDLER_SOURCE, makeFixture } from '../streams/fixtures.js';
import { publishAndSubscribe } from '../streams/runner-contract.js';

/** What the user's shell holds: real-looking credentials and every other way the SDK's chain finds some. */
const USER_ENV: Record<string, string> = {
  AWS_ACCESS_KEY_ID: 'ASIAUSERKEY000000001',
  AWS_SECRET_ACCESS_KEY: 'user-secret-access-key-0d9f',
  AWS_SESSION_TOKEN: 'user-session-token-7f3a',
  AWS_SECURITY_TOKEN: 'user-security-token-11c2',
  AWS_PROFILE: 'prod-admin',
  AWS_DEFAULT_PROFILE: 'prod-admin',
  AWS_ROLE_ARN: 'arn:aws:iam::999999999999:role/prod-admin',
  AWS_WEB_IDENTITY_TOKEN_FILE: '/var/run/secrets/token',
  AWS_CONTAINER_CREDENTIALS_FULL_URI: 'http://169.254.170.23/v1/credentials',
  AWS_CONTAINER_AUTHORIZATION_TOKEN: 'user-container-token-55ab',
  AWS_BEARER_TOKEN_BEDROCK: 'user-bearer-token-9e1d',
  MESH_AWS_PROFILE_111111111111: 'prod-admin',
};

const fixtures: Fixture[] = [];
const sessions: DevSession[] = [];
afterEach(async () => {
  for (const s of sessions.splice(0)) await s.stop();
  for (const f of fixtures.splice(0)) f.cleanup();
  vi.unstubAllEnvs();
});

describe('mesh dev: the environment of a handler', () => {
  it("holds the dummy local credentials, and none of the user's credentials, tokens or profiles", async () => {
    const fixture = makeFixture({ streaming: { kind: 'embedded' }, encoding: 'json' });
    fixtures.push(fixture);
    // The handler writes its whole environment when it is loaded (the runner starts it before the first record).
    const envFile = path.join(fixture.root, 'handler-env.json');
    const handlerFile = path.join(fixture.root, 'domains', 'recommendations', 'handlers', 'listens', 'index.js');
    writeFileSync(
      handlerFile,
      `require('node:fs').writeFileSync(${JSON.stringify(envFile)}, JSON.stringify(process.env));\n${HANDLER_SOURCE}`,
    );
    await publishAndSubscribe(fixture);
    for (const [key, value] of Object.entries(USER_ENV)) {
      vi.stubEnv(key, value);
    }
    const session = await startDev({ workspace: fixture.workspace, target: 'local', signal: new AbortController().signal, port: 0 });
    sessions.push(session);
    expect(session.functions).toHaveLength(1);
    const env = await vi.waitFor(() => JSON.parse(readFileSync(envFile, 'utf8')) as Record<string, string>, {
      timeout: 20_000,
      interval: 50,
    });

    expect(env.AWS_ACCESS_KEY_ID).toBe('mesh-local');
    expect(env.AWS_SECRET_ACCESS_KEY).toBe('mesh-local');
    expect(env.AWS_ENDPOINT_URL).toBe(session.url);
    const text = JSON.stringify(env);
    for (const [key, value] of Object.entries(USER_ENV)) {
      expect([key, text.includes(value)]).toEqual([key, false]);
      if (key !== 'AWS_ACCESS_KEY_ID' && key !== 'AWS_SECRET_ACCESS_KEY') expect([key, env[key] ?? '']).toEqual([key, '']);
    }
    // Everything else of the shell still reaches the handler (PATH, HOME: a handler may spawn tools).
    expect(env.PATH).toBe(process.env.PATH);
  });
});
