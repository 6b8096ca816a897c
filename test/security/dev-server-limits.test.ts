/**
 * Issue 13, finding 6: a 100 MB body was answered by closing the connection; now it gets 413 with a JSON error,
 * the server stops reading at the limit and closes the connection after the answer. The node server has header,
 * request and keep-alive timeouts: a stalled client is answered 408 and disconnected.
 */
import { request } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LINGER_MS, MAX_FIREHOSE_BODY_BYTES, MAX_REQUEST_BODY_BYTES } from '../../src/dev/http/body.js';
import { DEV_SERVER_TIMEOUTS, type DevServer, startDevServer } from '../../src/dev/http/server.js';
import { type DevFixture, rawRequest, startDevFixture } from './dev-server-fixture.js';

const MB = 1024 * 1024;

interface UploadResult {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
  /** Bytes the client had handed to the socket when the response arrived. */
  readonly writtenAtResponse: number;
  /** Bytes the client had handed to the socket when the connection closed. */
  readonly written: number;
}

/**
 * POSTs up to `total` bytes in 1 MiB chunks, with backpressure, declaring the length or chunked. A polite client
 * stops sending when the answer comes and closes; a `stubborn` one keeps sending until the server cuts it off.
 * Resolves when the response has ended and the connection has closed.
 */
function upload(
  baseUrl: string,
  path: string,
  total: number,
  opts: { declareLength: boolean; stubborn?: boolean; headers?: Record<string, string> },
): Promise<UploadResult> {
  const { hostname, port } = new URL(baseUrl);
  const headers: Record<string, string> = { 'content-type': 'application/json', ...opts.headers };
  if (opts.declareLength) headers['content-length'] = String(total);
  return new Promise((resolve, reject) => {
    let written = 0;
    let writtenAtResponse = -1;
    let stopped = false;
    let response: Omit<UploadResult, 'writtenAtResponse' | 'written'> | undefined;
    const req = request({ host: hostname, port, method: 'POST', path, headers, agent: false }, (res) => {
      writtenAtResponse = written;
      if (!opts.stubborn) stopped = true;
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        response = { status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') };
        if (!opts.stubborn) req.destroy();
      });
    });
    // A stubborn client is cut off while writing: EPIPE/ECONNRESET after the answer are expected; before it, a failure.
    req.on('error', (error) => {
      if (writtenAtResponse < 0) reject(error);
    });
    req.on('close', () => {
      if (response) resolve({ ...response, writtenAtResponse, written });
      else reject(new Error(`the connection closed before a response ended (${written} bytes sent)`));
    });
    const chunk = Buffer.alloc(MB, 0x20);
    const pump = () => {
      while (!stopped && written < total) {
        written += chunk.byteLength;
        if (!req.write(chunk)) {
          req.once('drain', pump);
          return;
        }
      }
      if (!stopped) req.end();
    };
    pump();
  });
}

let dev: DevFixture;
beforeAll(async () => {
  dev = await startDevFixture();
});
afterAll(async () => {
  await dev?.close();
});

describe('request bodies over the limit', () => {
  const tooLarge = {
    __type: 'PayloadTooLargeException',
    message: `The request body is larger than ${MAX_REQUEST_BODY_BYTES} bytes (4 MiB), the limit of this endpoint.`,
  };
  for (const declareLength of [true, false]) {
    it(`100 MB to PutEvents (${declareLength ? 'Content-Length' : 'chunked'}) → 413 JSON error, answered at the limit`, async () => {
      const r = await upload(dev.server.url, '/events', 100 * MB, { declareLength });
      expect(r.status).toBe(413);
      expect(r.headers['content-type']).toBe('application/json');
      expect(r.headers['x-amzn-errortype']).toBe('PayloadTooLargeException');
      expect(r.headers.connection).toBe('close');
      expect(JSON.parse(r.body)).toEqual(tooLarge);
      // Answered long before 100 MB: at most the limit plus what socket buffers hold.
      expect(r.writtenAtResponse).toBeLessThan(MAX_REQUEST_BODY_BYTES + 16 * MB);
      expect((await rawRequest(dev.server.url, 'GET', '/healthz')).status).toBe(200);
    });
  }

  it('a client that keeps sending after the 413 is not read from, and is disconnected after the grace period', async () => {
    const started = performance.now();
    const r = await upload(dev.server.url, '/events', 100 * MB, { declareLength: true, stubborn: true });
    expect(r.status).toBe(413);
    expect(JSON.parse(r.body)).toEqual(tooLarge);
    // Nothing was read after the answer: the client could not hand over more than what socket buffers hold.
    expect(r.written).toBeLessThan(MAX_REQUEST_BODY_BYTES + 16 * MB);
    expect(r.written).toBe(r.writtenAtResponse);
    expect(performance.now() - started).toBeLessThan(LINGER_MS + 5_000);
    expect((await rawRequest(dev.server.url, 'GET', '/healthz')).status).toBe(200);
  });

  it('the local Firehose endpoint answers 413 in its own error shape above its limit', async () => {
    const r = await upload(dev.server.url, '/firehose', 40 * MB, {
      declareLength: false,
      headers: { 'x-amz-target': 'Firehose_20150804.PutRecordBatch', 'content-type': 'application/x-amz-json-1.1' },
    });
    expect(r.status).toBe(413);
    expect(r.headers['x-amzn-errortype']).toBe('InvalidArgumentException');
    expect(JSON.parse(r.body)).toMatchObject({
      __type: 'InvalidArgumentException',
      message: expect.stringContaining(String(MAX_FIREHOSE_BODY_BYTES)),
    });
    expect(r.writtenAtResponse).toBeLessThan(MAX_FIREHOSE_BODY_BYTES + 16 * MB);
  });

  it('an unknown route with a large body is answered 404 at once, without reading the body', async () => {
    const r = await upload(dev.server.url, '/nope', 100 * MB, { declareLength: true });
    expect(r.status).toBe(404);
    expect(r.writtenAtResponse).toBeLessThan(16 * MB);
  });

  it('a body just under the limit is read (and judged on its content, 400 here, not 413)', async () => {
    const body = JSON.stringify({ trackingId: 't', sessionId: 's', eventList: [], pad: 'x'.repeat(MAX_REQUEST_BODY_BYTES - 100) });
    expect(Buffer.byteLength(body)).toBeLessThanOrEqual(MAX_REQUEST_BODY_BYTES);
    const res = await rawRequest(dev.server.url, 'POST', '/events', body, { 'content-type': 'application/json' });
    expect(res.status).toBe(400);
  });
});

describe('timeouts on the node http server', () => {
  it('the dev server sets header, request and keep-alive timeouts (read back from the node server)', () => {
    expect(dev.server.limits).toEqual({ ...DEV_SERVER_TIMEOUTS, maxBodyBytes: MAX_REQUEST_BODY_BYTES });
    expect(DEV_SERVER_TIMEOUTS.keepAliveTimeoutMs).toBeLessThan(DEV_SERVER_TIMEOUTS.headersTimeoutMs);
    expect(DEV_SERVER_TIMEOUTS.headersTimeoutMs).toBeLessThanOrEqual(DEV_SERVER_TIMEOUTS.requestTimeoutMs);
  });

  describe('with short timeouts', () => {
    let server: DevServer;
    beforeAll(async () => {
      const { makeFixture } = await import('../personalize/helpers.js');
      const f = makeFixture({ users: 10 });
      server = await startDevServer({
        workspace: f.workspace,
        timeouts: { headersTimeoutMs: 400, requestTimeoutMs: 800, keepAliveTimeoutMs: 1000, checkIntervalMs: 50 },
      });
      return async () => {
        await server.close();
        f.cleanup();
      };
    });

    /** Opens a raw connection, writes `data` and never more; resolves with what came back when the server closes it. */
    function stall(data: string): Promise<{ reply: string; ms: number }> {
      const { hostname, port } = new URL(server.url);
      const started = performance.now();
      return new Promise((resolve, reject) => {
        const socket = connect(Number(port), hostname, () => socket.write(data));
        let reply = '';
        socket.on('data', (c: Buffer) => {
          reply += c.toString('utf8');
        });
        socket.on('error', reject);
        socket.on('close', () => resolve({ reply, ms: performance.now() - started }));
      });
    }

    it('headers that never finish → 408 and the connection closes', async () => {
      const { reply, ms } = await stall('POST /events HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n');
      expect(reply).toMatch(/^HTTP\/1\.1 408/);
      expect(ms).toBeLessThan(10_000);
    });

    it('a body that stops half-way → 408 and the connection closes', async () => {
      const { reply } = await stall(
        'POST /events HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"tr',
      );
      expect(reply).toMatch(/^HTTP\/1\.1 408/);
    });

    it('an idle keep-alive connection is closed after the keep-alive timeout', async () => {
      const { reply, ms } = await stall('GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n');
      expect(reply).toMatch(/^HTTP\/1\.1 200/);
      expect(reply).toMatch(/keep-alive: timeout=1\b/i);
      expect(ms).toBeGreaterThanOrEqual(900);
    });
  });
});
