import type { GenerateAuthTokenFromCredentialOptions } from 'aws-msk-iam-sasl-signer-js';

/** An AWS SDK v3 credential provider (e.g. from @aws-sdk/credential-providers). */
export type AwsCredentialIdentityProvider = GenerateAuthTokenFromCredentialOptions['awsCredentialsProvider'];

/**
 * MSK IAM authentication for kafkajs: SASL OAUTHBEARER whose token is a base64url SigV4-presigned URL
 * (`https://kafka.<region>.amazonaws.com/?Action=kafka-cluster:Connect&…`, service `kafka-cluster`, valid at most
 * 900 s), made by aws-msk-iam-sasl-signer-js. Signing is local: no AWS call. kafkajs asks for a new token on every
 * connection and before re-authentication, so expiry is handled by calling the provider again.
 */
export interface MskIamAuthOptions {
  readonly region: string;
  /** Credentials to sign with, e.g. fromTemporaryCredentials for another account. Default: the Node provider chain. */
  readonly credentials?: AwsCredentialIdentityProvider;
}

export interface OauthBearerToken {
  readonly value: string;
}

/** The kafkajs `oauthBearerProvider` for MSK IAM. The signer and credential chain load on first use. */
export function mskIamTokenProvider(options: MskIamAuthOptions): () => Promise<OauthBearerToken> {
  return async () => {
    const { generateAuthTokenFromCredentialsProvider } = await import('aws-msk-iam-sasl-signer-js');
    const awsCredentialsProvider = options.credentials ?? (await defaultCredentials());
    const { token } = await generateAuthTokenFromCredentialsProvider({ region: options.region, awsCredentialsProvider });
    return { value: token };
  };
}

async function defaultCredentials(): Promise<AwsCredentialIdentityProvider> {
  const { fromNodeProviderChain } = await import('@aws-sdk/credential-providers');
  return fromNodeProviderChain();
}

/** The kafkajs connection settings for an MSK IAM listener (TLS + OAUTHBEARER; port 9098, or 9198 public). */
export function mskIamConnection(options: MskIamAuthOptions): {
  ssl: true;
  sasl: { mechanism: 'oauthbearer'; oauthBearerProvider: () => Promise<OauthBearerToken> };
} {
  return { ssl: true, sasl: { mechanism: 'oauthbearer', oauthBearerProvider: mskIamTokenProvider(options) } };
}
