import { MeshError } from '../core/errors.js';

/** Turns an AWS SDK error into an actionable MeshError. Keeps the cause; never includes credentials. */
export function fromAwsError(error: unknown, what: string): MeshError {
  if (error instanceof MeshError) return error;
  const e = error as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const name = e?.name ?? 'Error';
  const message = e?.message ?? String(error);
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
  if (name === 'ThrottlingException' || name === 'TooManyRequestsException') {
    return new MeshError('Throttled', `${what}: AWS is throttling requests.`, {
      hint: 'Re-run in a moment, or lower --concurrency.',
      cause: error,
    });
  }
  return new MeshError(`Aws${name.replace(/Exception$/, '')}`, `${what}: ${message}`, { cause: error });
}

export function isAwsError(error: unknown, ...names: string[]): boolean {
  const name = (error as { name?: string })?.name;
  return name !== undefined && names.includes(name);
}
