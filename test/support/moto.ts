// Helpers for tests against the moto server started by scripts/services.mjs.
//
// Isolation: test files run in parallel (2 workers) against ONE moto, and other vitest runs may
// share it too, so no test file may reset moto. Each test file takes its own accounts from
// freshAccounts() (random 12-digit ids) and acts in them through accountClients(); moto keeps
// every account's resources apart. resetMoto() exists for tools and one-off scripts only.
import { randomInt } from 'node:crypto';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { testServices } from './env.js';

/** Fixed ids for a single scenario, e.g. in docs or a one-off script. Test files use freshAccounts(). */
export const PRODUCER_ACCOUNT = '111111111111';
export const CENTRAL_ACCOUNT = '222222222222';
export const CONSUMER_ACCOUNT = '333333333333';

/** Role assumed in each account; moto does not need it to exist. */
export const TEST_ROLE_NAME = 'mesh-test';

/** Static credentials, the shape every SDK v3 client accepts. */
export interface TestCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** Config for any AWS SDK v3 client that acts in one moto account. */
export interface AccountClientConfig {
  credentials: TestCredentials;
  region: string;
  endpoint: string;
  forcePathStyle: true;
  maxAttempts: 1;
}

export interface TestAccounts {
  producer: string;
  central: string;
  consumer: string;
}

export function motoEndpoint(): string {
  return testServices().awsEndpoint;
}

/** Wipes all moto state (every account). Never call it from a test file: parallel files share moto. */
export async function resetMoto(): Promise<void> {
  const res = await fetch(`${motoEndpoint()}/moto-api/reset`, { method: 'POST' });
  if (!res.ok) throw new Error(`moto reset answered HTTP ${res.status}`);
}

/** A random 12-digit account id, starting with 7 so it never equals moto's default or the fixed ids above. */
export function freshAccountId(): string {
  return `7${String(randomInt(0, 100_000_000_000)).padStart(11, '0')}`;
}

/** Three distinct, unused accounts for one test file (or one test). */
export function freshAccounts(): TestAccounts {
  const ids = new Set<string>();
  while (ids.size < 3) ids.add(freshAccountId());
  const [producer, central, consumer] = [...ids] as [string, string, string];
  return { producer, central, consumer };
}

const cache = new Map<string, Promise<AccountClientConfig>>();

/**
 * Credentials that act in `accountId` (STS AssumeRole of arn:aws:iam::<accountId>:role/mesh-test
 * from moto's default account), ready to spread into any SDK v3 client constructor.
 */
export function accountClients(accountId: string): Promise<AccountClientConfig> {
  if (!/^\d{12}$/.test(accountId)) throw new Error(`not a 12-digit AWS account id: ${accountId}`);
  const known = cache.get(accountId);
  if (known) return known;
  const created = assumeInto(accountId);
  cache.set(accountId, created);
  created.catch(() => cache.delete(accountId));
  return created;
}

async function assumeInto(accountId: string): Promise<AccountClientConfig> {
  const { awsEndpoint, region } = testServices();
  const sts = new STSClient({
    region,
    endpoint: awsEndpoint,
    maxAttempts: 1,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  });
  const out = await sts.send(
    new AssumeRoleCommand({
      RoleArn: `arn:aws:iam::${accountId}:role/${TEST_ROLE_NAME}`,
      RoleSessionName: `mesh-test-${accountId}`,
    }),
  );
  sts.destroy();
  const c = out.Credentials;
  if (!c?.AccessKeyId || !c.SecretAccessKey) throw new Error(`moto AssumeRole into ${accountId} returned no credentials`);
  return {
    credentials: { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken },
    region,
    endpoint: awsEndpoint,
    forcePathStyle: true,
    maxAttempts: 1,
  };
}
