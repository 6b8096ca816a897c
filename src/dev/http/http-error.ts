/**
 * Errors the local HTTP API answers with, shaped like AWS REST-JSON errors (status, `x-amzn-ErrorType` header,
 * `{"message": …}` body), so the AWS SDK clients raise the same exception classes they raise against AWS.
 */
import { isMeshError } from '../../core/errors.js';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    /** AWS error type, e.g. InvalidInputException, ResourceNotFoundException. */
    readonly type: string,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export const invalidInput = (message: string) => new HttpError(400, 'InvalidInputException', message);
export const notFound = (message: string) => new HttpError(404, 'ResourceNotFoundException', message);

/** Maps any thrown value to an HttpError (MeshErrors by their code and exit code). */
export function toHttpError(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  if (isMeshError(error)) {
    const message = error.hint ? `${error.message} ${error.hint}` : error.message;
    if (/NotDeployed|NotTrained|NotConfigured|NotFound|Missing/.test(error.code)) return notFound(message);
    if (error.exitCode === 2 || /Invalid|Usage/.test(error.code)) return invalidInput(message);
    return new HttpError(500, error.code, message);
  }
  return new HttpError(500, 'InternalFailure', error instanceof Error ? error.message : String(error));
}
