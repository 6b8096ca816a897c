// MSK IAM cannot be exercised against the plain local broker, so the token itself is checked: it must be the
// base64url of a SigV4-presigned kafka-cluster:Connect URL for the region, signed with the given credentials.
import { describe, expect, it, vi } from 'vitest';
import { createKafkaTransport } from '../../src/streams/transport/kafka-transport.js';
import { mskIamConnection, mskIamTokenProvider } from '../../src/streams/transport/msk-iam-auth.js';

const fakeCredentials = async () => ({
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
  sessionToken: 'session-token-example',
});

function decode(token: string): URL {
  expect(token).toMatch(/^[A-Za-z0-9_-]+$/); // base64url, no padding
  return new URL(Buffer.from(token, 'base64url').toString('utf8'));
}

describe('MSK IAM OAUTHBEARER token', () => {
  it('is a presigned kafka-cluster:Connect URL for the region, valid at most 900 s', async () => {
    const provide = mskIamTokenProvider({ region: 'eu-west-1', credentials: fakeCredentials });
    const { value } = await provide();
    const url = decode(value);
    expect(url.protocol).toBe('https:');
    expect(url.host).toBe('kafka.eu-west-1.amazonaws.com');
    expect(url.searchParams.get('Action')).toBe('kafka-cluster:Connect');
    expect(url.searchParams.get('X-Amz-Algorithm')).toBe('AWS4-HMAC-SHA256');
    const credential = url.searchParams.get('X-Amz-Credential') ?? '';
    expect(credential).toMatch(/^AKIDEXAMPLE\/\d{8}\/eu-west-1\/kafka-cluster\/aws4_request$/);
    expect(Number(url.searchParams.get('X-Amz-Expires'))).toBeGreaterThan(0);
    expect(Number(url.searchParams.get('X-Amz-Expires'))).toBeLessThanOrEqual(900);
    expect(url.searchParams.get('X-Amz-Security-Token')).toBe('session-token-example');
    expect(url.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
    expect(url.searchParams.get('User-Agent')).toMatch(/^aws-msk-iam-sasl-signer-js\//);
  });

  it('signs again on every call (kafkajs calls it per connection) and never leaks the secret key', async () => {
    // Only Date is faked (the signer reads the clock through it): the second call is a minute later without waiting.
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      const provide = mskIamTokenProvider({ region: 'us-east-1', credentials: fakeCredentials });
      vi.setSystemTime(new Date('2026-03-01T12:00:00Z'));
      const first = (await provide()).value;
      vi.setSystemTime(new Date('2026-03-01T12:01:00Z'));
      const second = (await provide()).value;
      expect(decode(first).searchParams.get('X-Amz-Date')).toBe('20260301T120000Z');
      expect(decode(second).searchParams.get('X-Amz-Date')).toBe('20260301T120100Z');
      expect(second).not.toBe(first);
      expect(Buffer.from(first, 'base64url').toString()).not.toContain('wJalrXUtnFEMI');
    } finally {
      vi.useRealTimers();
    }
  });

  it('shortens the token to the credentials’ own expiry', async () => {
    const expiring = async () => ({ ...(await fakeCredentials()), expiration: new Date(Date.now() + 120_000) });
    const { value } = await mskIamTokenProvider({ region: 'us-east-1', credentials: expiring })();
    expect(Number(decode(value).searchParams.get('X-Amz-Expires'))).toBeLessThanOrEqual(120);
  });

  it('configures kafkajs for TLS + OAUTHBEARER', async () => {
    const connection = mskIamConnection({ region: 'us-east-1', credentials: fakeCredentials });
    expect(connection.ssl).toBe(true);
    expect(connection.sasl.mechanism).toBe('oauthbearer');
    expect(decode((await connection.sasl.oauthBearerProvider()).value).searchParams.get('Action')).toBe('kafka-cluster:Connect');
    // Creating a transport connects nothing and needs no broker.
    expect(createKafkaTransport({ brokers: ['b-1.example:9098'], mskIam: { region: 'us-east-1' } }).kind).toBe('kafka');
  });
});
