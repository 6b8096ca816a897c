/**
 * Request bodies of the `mesh dev` server, read with a size limit. An oversized body is refused with 413: the
 * limit is checked against Content-Length before reading anything, and while reading; the server stops reading at
 * the limit (no more chunks are kept, the stream is paused), answers, and destroys the request stream shortly
 * after (see lingerAfterResponse), so a client cannot make it read or buffer 100 MB.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Limit for the Personalize-compatible routes. The largest valid Personalize request is a PutItems of 10 items whose
 * `properties` hold 32,000 characters each: up to ~1.9 MB when every character is JSON-escaped (`\uXXXX`, 6 bytes),
 * plus the ARN and punctuation. 4 MiB leaves a margin for that; anything larger is not a valid request.
 */
export const MAX_REQUEST_BODY_BYTES = 4 * 1024 * 1024;

/**
 * Limit for the local Firehose endpoint. PutRecordBatch carries at most 4 MiB of record data, sent as base64
 * (×4/3, ~5.4 MiB) inside JSON with up to 500 records; 8 MiB covers that with a margin.
 */
export const MAX_FIREHOSE_BODY_BYTES = 8 * 1024 * 1024;

/** Thrown when a body exceeds its limit; the caller answers 413 (see {@link lingerAfterResponse}). */
export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`The request body is larger than ${limit} bytes (${formatBytes(limit)}), the limit of this endpoint.`);
    this.name = 'BodyTooLargeError';
  }
}

export function formatBytes(n: number): string {
  return n % (1024 * 1024) === 0 ? `${n / (1024 * 1024)} MiB` : `${n} bytes`;
}

/** Reads the whole body, at most `limit` bytes; rejects with BodyTooLargeError as soon as it is known to be larger. */
export function readLimitedBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      stopReading(req);
      reject(new BodyTooLargeError(limit));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size > limit) {
        chunks.length = 0;
        req.off('data', onData);
        stopReading(req);
        reject(new BodyTooLargeError(limit));
      } else chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('error', reject);
  });
}

/** No more data events; the socket stops pulling bytes from the kernel until the answer is written. */
function stopReading(req: IncomingMessage): void {
  req.pause();
  req.socket.pause();
}

/** After answering a request whose body was not read to the end, how long the connection stays open (unread). */
export const LINGER_MS = 2_000;

/**
 * For an answer to a request whose body was not read to the end (too large, or refused before reading). The answer
 * says `Connection: close`; once it is written the server half-closes (FIN) and reads nothing more, and the request
 * stream is destroyed when the client closes, or after LINGER_MS at the latest. Node's own handling would destroy
 * the socket right after the answer, with the client's bytes unread: the kernel then resets the connection, and a
 * client still uploading sees EPIPE/ECONNRESET instead of the answer (seen in 4 of 30 chunked 100 MB uploads).
 */
export function lingerAfterResponse(req: IncomingMessage, res: ServerResponse): void {
  const socket = req.socket;
  if (!res.headersSent) res.setHeader('connection', 'close');
  // Node calls destroySoon() when a `Connection: close` answer is finished; half-close instead, and linger.
  const destroySoon = socket.destroySoon.bind(socket);
  socket.destroySoon = () => {
    if (req.complete || socket.destroyed) return destroySoon();
    stopReading(req);
    socket.end();
    const timer = setTimeout(() => req.destroy(), LINGER_MS);
    timer.unref();
    socket.once('close', () => clearTimeout(timer));
  };
}
