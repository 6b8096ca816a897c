/**
 * Which credentials AwsClients uses for an account: the domain file's profile, then --profile (central account), then
 * MESH_AWS_PROFILE_<account> (set by the CI workflow `mesh init --ci github` writes), else the SDK's default chain.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AwsClients } from '../../src/aws/clients.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'mesh-profiles-'));
const saved = { creds: process.env.AWS_SHARED_CREDENTIALS_FILE, config: process.env.AWS_CONFIG_FILE };

beforeAll(() => {
  const credentials = path.join(dir, 'credentials');
  writeFileSync(
    credentials,
    [
      '[from-file]',
      'aws_access_key_id = AKIDFROMFILE',
      'aws_secret_access_key = x',
      '',
      '[from-env]',
      'aws_access_key_id = AKIDFROMENV',
      'aws_secret_access_key = y',
      '',
    ].join('\n'),
  );
  process.env.AWS_SHARED_CREDENTIALS_FILE = credentials;
  process.env.AWS_CONFIG_FILE = path.join(dir, 'config-none');
});

afterAll(() => {
  for (const [key, value] of [
    ['AWS_SHARED_CREDENTIALS_FILE', saved.creds],
    ['AWS_CONFIG_FILE', saved.config],
  ] as const) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  rmSync(dir, { recursive: true, force: true });
});

async function keyOf(clients: AwsClients, access: { account: string; region: string; profile?: string }): Promise<string | undefined> {
  const provider = await clients.credentialsFor(access);
  return provider ? (await provider()).accessKeyId : undefined;
}

describe('credentials per account', () => {
  const env = { MESH_AWS_PROFILE_222222222222: 'from-env' };

  it('uses MESH_AWS_PROFILE_<account> for an account whose domain file names no profile', async () => {
    expect(await keyOf(new AwsClients({ env }), { account: '222222222222', region: 'us-east-1' })).toBe('AKIDFROMENV');
  });

  it("keeps the domain file's profile first, and the default chain for accounts with no mapping", async () => {
    const clients = new AwsClients({ env });
    expect(await keyOf(clients, { account: '222222222222', region: 'us-east-1', profile: 'from-file' })).toBe('AKIDFROMFILE');
    expect(await keyOf(clients, { account: '333333333333', region: 'us-east-1' })).toBeUndefined();
  });

  it('--profile still decides for the central account', async () => {
    const clients = new AwsClients({
      env: { MESH_AWS_PROFILE_111111111111: 'from-env' },
      profile: 'from-file',
      centralAccount: '111111111111',
    });
    expect(await keyOf(clients, { account: '111111111111', region: 'us-east-1' })).toBe('AKIDFROMFILE');
  });
});

describe('one client per service and account', () => {
  it('callers asking at the same moment get the same client, and destroy() reaches it', async () => {
    const clients = new AwsClients({ env: { MESH_AWS_PROFILE_222222222222: 'from-env' } });
    const access = { account: '222222222222', region: 'us-east-1' };
    const made: { destroyed: boolean }[] = [];
    class FakeClient {
      destroyed = false;
      constructor() {
        made.push(this);
      }
      destroy() {
        this.destroyed = true;
      }
    }
    const [a, b, c] = await Promise.all([
      clients.get(FakeClient, access),
      clients.get(FakeClient, access),
      clients.get(FakeClient, access),
    ]);
    expect(made).toHaveLength(1);
    expect(b).toBe(a);
    expect(c).toBe(a);
    clients.destroy();
    expect(made.every((m) => m.destroyed)).toBe(true);
  });
});
