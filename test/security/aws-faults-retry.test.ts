// How each AWS client made by AwsClients retries a fault and tells the user: the service, the error, the wait and the
// attempt, per protocol (JSON: Glue; XML: S3; query: STS), within the attempt budget; one line per service per few
// seconds in a storm; no retry at all under MESH_AWS_MAX_ATTEMPTS=1.
import { GetDatabasesCommand, GlueClient } from '@aws-sdk/client-glue';
import { ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AwsClients } from '../../src/aws/clients.js';
import { fromAwsError } from '../../src/aws/errors.js';
import { type RetryNotice, retryReporter } from '../../src/aws/retry.js';
import { describeRetry } from '../../src/cli/render/messages/aws.js';
import { quietOutput } from '../catalog/fixtures.js';
import { cliHostFor } from '../support/cli-harness.js';
import { type FaultProxy, startFaultProxy } from '../support/fault-proxy.js';
import { motoEndpoint } from '../support/moto.js';

const ACCESS = { account: '123456789012', region: 'us-east-1' };
let proxy: FaultProxy;

beforeAll(async () => {
  delete process.env.MESH_AWS_MAX_ATTEMPTS;
  proxy = await startFaultProxy({ target: motoEndpoint() });
});
afterAll(() => proxy.close());

/** Every attempt of one call faulted: what the call throws and what was reported. */
async function allFaulted<C extends { send(c: unknown): Promise<unknown>; destroy(): void }>(
  ctor: new (config: never) => C,
  command: unknown,
  fault: 'throttle' | 'error',
  options: { maxAttempts?: number; env?: NodeJS.ProcessEnv } = {},
) {
  const notices: RetryNotice[] = [];
  const clients = new AwsClients({ env: options.env ?? {}, onRetry: (n) => notices.push(n) });
  const client = await clients.get(ctor as never, ACCESS, {
    endpoint: proxy.url,
    ...(options.maxAttempts ? { maxAttempts: options.maxAttempts } : {}),
  });
  proxy.configure({ [fault]: 1 });
  try {
    const error = await (client as C).send(command).then(
      () => undefined,
      (e: unknown) => e as { name: string; $metadata?: { attempts?: number } },
    );
    return { error, notices, attempts: proxy.stats.requests };
  } finally {
    proxy.configure({});
    clients.destroy();
  }
}

describe('AWS retries are shown and bounded', () => {
  it('Glue (JSON protocol) throttling: retried up to the budget, each retry reported with its wait', async () => {
    const { error, notices, attempts } = await allFaulted(GlueClient, new GetDatabasesCommand({}), 'throttle', { maxAttempts: 4 });
    expect(error?.name).toBe('ThrottlingException');
    expect(error?.$metadata?.attempts).toBe(4);
    expect(attempts).toBe(4);
    expect(notices.map((n) => `${n.service} ${n.kind} ${n.error} ${n.attempt}/${n.maxAttempts}`)).toEqual([
      'Glue throttling ThrottlingException 2/4',
      'Glue throttling ThrottlingException 3/4',
      'Glue throttling ThrottlingException 4/4',
    ]);
    // What the user reads when the budget is spent: a throttle, not a generic failure.
    const shown = fromAwsError(error, 'list databases');
    expect([shown.code, shown.message]).toEqual([
      'Throttled',
      'list databases: AWS is still throttling (ThrottlingException) after 4 attempts.',
    ]);
    // Full jitter under an exponential ceiling: 500 ms, 1 s, 2 s.
    notices.forEach((n, i) => {
      expect(n.delayMs).toBeGreaterThanOrEqual(1);
      expect(n.delayMs).toBeLessThanOrEqual(500 * 2 ** i);
    });
  });

  it('S3 (XML protocol) SlowDown and STS (query protocol) 500s are named as such', async () => {
    const s3 = await allFaulted(S3Client, new ListBucketsCommand({}), 'throttle', { maxAttempts: 2 });
    expect(s3.error?.name).toBe('SlowDown');
    expect(s3.notices.map(describeRetry)).toEqual([
      expect.stringMatching(/^S3 is throttling \(SlowDown\); retrying in \d+ ms \(attempt 2 of 2\)$/),
    ]);
    const sts = await allFaulted(STSClient, new GetCallerIdentityCommand({}), 'error', { maxAttempts: 2 });
    expect(sts.error?.name).toBe('InternalFailure');
    const shown = fromAwsError(sts.error, 'who am I');
    expect(shown.code).toBe('AwsUnavailable');
    expect(shown.message).toMatch(/^who am I: AWS answered 500 \(InternalFailure: .*\) after 2 attempts\.$/);
    expect(sts.notices.map(describeRetry)).toEqual([
      expect.stringMatching(/^STS answered 500 \(InternalFailure\); retrying in \d+ ms \(attempt 2 of 2\)$/),
    ]);
  });

  it('MESH_AWS_MAX_ATTEMPTS=1 (tests fail fast): one attempt, nothing reported', async () => {
    const { error, notices, attempts } = await allFaulted(GlueClient, new GetDatabasesCommand({}), 'throttle', {
      maxAttempts: 10,
      env: { MESH_AWS_MAX_ATTEMPTS: '1' },
    });
    expect(error?.name).toBe('ThrottlingException');
    expect(attempts).toBe(1);
    expect(notices).toEqual([]);
  });

  it('a storm prints one line per service per 3 s, then says how many were held back', () => {
    const output = quietOutput();
    let now = 0;
    const report = retryReporter(cliHostFor(output), 3_000, () => now);
    const notice = (service: string, attempt: number): RetryNotice => ({
      service,
      error: 'ThrottlingException',
      kind: 'throttling',
      delayMs: 1234,
      attempt,
      maxAttempts: 10,
    });
    for (let i = 0; i < 5; i++) {
      now = i * 500;
      report(notice('Lake Formation', 2));
      report(notice('Glue', 2));
    }
    now = 3_100;
    report(notice('Lake Formation', 3));
    expect(output.text().trimEnd().split('\n')).toEqual([
      'Lake Formation is throttling (ThrottlingException); retrying in 1.2 s (attempt 2 of 10)',
      'Glue is throttling (ThrottlingException); retrying in 1.2 s (attempt 2 of 10)',
      'Lake Formation is throttling (ThrottlingException); retrying in 1.2 s (attempt 3 of 10) (+4 more since the last line)',
    ]);
  });
});
