import { MeshError } from '../core/errors.js';

/** Error names AWS services use for "slow down" (as the SDK's retry classifier knows them). */
const THROTTLING = new Set([
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
  'ProvisionedThroughputExceededException',
  'BandwidthLimitExceeded',
]);

/** Node's codes for a connection that failed or an answer that never came. */
const NETWORK = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

function attemptsNote(attempts: number | undefined): string {
  return attempts !== undefined && attempts > 1 ? ` after ${attempts} attempts` : '';
}

/** Turns an AWS SDK error into an actionable MeshError. Keeps the cause; never includes credentials. */
export function fromAwsError(error: unknown, what: string): MeshError {
  if (error instanceof MeshError) return error;
  const e = error as { name?: string; message?: string; code?: string; $metadata?: { httpStatusCode?: number; attempts?: number } };
  const name = e?.name ?? 'Error';
  const message = e?.message ?? String(error);
  const status = e?.$metadata?.httpStatusCode;
  if (
    name === 'AccessDeniedException' ||
    name === 'AccessDenied' ||
    name === 'UnauthorizedException' ||
    /not authorized to perform/i.test(message)
  ) {
    const action = /perform: ([\w:-]+)/.exec(message)?.[1];
    const resource = /on resource: (\S+)/.exec(message)?.[1];
    return new MeshError('AccessDenied', `${what}: access denied${action ? ` for ${action}` : ''}${resource ? ` on ${resource}` : ''}.`, {
      hint: action
        ? `Allow ${action}${resource ? ` on ${resource}` : ''} for the role mesh uses in that account (see \`mesh doctor\`).`
        : 'Check the role mesh uses for that account (`mesh doctor`).',
      cause: error,
    });
  }
  if (name === 'ExpiredTokenException' || name === 'CredentialsProviderError' || /credential/i.test(name)) {
    return new MeshError('Credentials', `${what}: no usable AWS credentials (${name}).`, {
      hint: 'Log in (aws sso login --profile …) or set the profile/roleArn for that account in its domain file.',
      cause: error,
    });
  }
  if (name === 'ConcurrentModificationException') {
    return new MeshError('Conflict', `${what}: it was changed by someone else since the plan was made.`, {
      hint: 'Run the command again: mesh plans from what exists now.',
      cause: error,
    });
  }
  const after = attemptsNote(e.$metadata?.attempts);
  if (THROTTLING.has(name) || status === 429) {
    return new MeshError('Throttled', `${what}: AWS is still throttling (${name})${after}.`, {
      hint: 'Re-run the same command in a moment (what was applied is kept), or lower --concurrency.',
      cause: error,
    });
  }
  if (NETWORK.has(e.code ?? '') || name === 'TimeoutError' || name === 'RequestTimeout') {
    return new MeshError('AwsUnreachable', `${what}: no answer from AWS (${e.code ?? name})${after}.`, {
      hint: 'Check the network and the endpoint (AWS_ENDPOINT_URL, HTTPS_PROXY), then re-run the same command: what was applied is kept.',
      cause: error,
    });
  }
  if (status !== undefined && status >= 500) {
    return new MeshError('AwsUnavailable', `${what}: AWS answered ${status} (${name}: ${message})${after}.`, {
      hint: 'A fault on the AWS side: re-run the same command in a moment; what was applied is kept.',
      cause: error,
    });
  }
  return new MeshError(`Aws${name.replace(/Exception$/, '')}`, `${what}: ${message}`, { cause: error });
}

export function isAwsError(error: unknown, ...names: string[]): boolean {
  const name = (error as { name?: string })?.name;
  return name !== undefined && names.includes(name);
}
