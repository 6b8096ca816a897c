/**
 * The local HTTP API of `mesh dev`: Personalize Events (PutEvents, PutItems, PutUsers) and Personalize Runtime
 * (GetRecommendations, GetPersonalizedRanking) on the REST-JSON paths the AWS SDK v3 clients use, so unchanged
 * clients work with `endpoint` set to it (any credentials; signatures are not checked); plus
 * `GET /recommendations/{userId}` for other services and `GET /healthz`. Other modules add routes with addRoute().
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { emit, type IoHost, silentHost } from '../../core/messages.js';
import type { Workspace } from '../../workspace/model.js';
import { BodyTooLargeError, lingerAfterResponse, MAX_REQUEST_BODY_BYTES, readLimitedBody } from './body.js';
import { HttpError, invalidInput, toHttpError } from './http-error.js';
import { PersonalizeRegistry } from './personalize-registry.js';
import { registerPersonalizeRoutes } from './personalize-routes.js';
import { type DevHandler, type DevRequest, type DevResponse, Router } from './router.js';
import { crossSiteRefusal, isLoopbackAddress } from './same-origin.js';

export interface DevServerOptions {
  readonly workspace: Workspace;
  /** 0 = any free port. Default 0. */
  readonly port?: number;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Where the server reports failed requests (and every request, as debug). Default: nowhere. */
  readonly ioHost?: IoHost;
  /** Serve the Personalize-compatible routes (default true). */
  readonly personalize?: boolean;
  /** Default DEV_SERVER_TIMEOUTS (tests set short ones). */
  readonly timeouts?: Partial<DevServerTimeouts>;
  /** Body limit of the routes that read through DevRequest (default MAX_REQUEST_BODY_BYTES). */
  readonly maxBodyBytes?: number;
}

export interface DevServer {
  /** e.g. http://127.0.0.1:4566 */
  readonly url: string;
  readonly port: number;
  readonly router: Router;
  readonly limits: DevServerLimits;
  addRoute(method: string, path: string, handler: DevHandler): void;
  close(): Promise<void>;
}

/**
 * Timeouts of the node http server. A client must send its headers within 10 s and its whole request within 30 s
 * (a slow or stalled upload is answered 408 and closed), and an idle keep-alive connection is closed after 5 s.
 * Checked every second (Node's default check interval is 30 s, which would let a stalled request linger).
 */
export const DEV_SERVER_TIMEOUTS: DevServerTimeouts = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  checkIntervalMs: 1_000,
};

export interface DevServerTimeouts {
  readonly headersTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly keepAliveTimeoutMs: number;
  readonly checkIntervalMs: number;
}

/** What the server enforces (read back from the node server, so a test sees what is really set). */
export interface DevServerLimits extends DevServerTimeouts {
  readonly maxBodyBytes: number;
}

const JSON_CONTENT_TYPE = /^application\/([a-z0-9.+-]*\+)?(json|x-amz-json-1\.[01])\s*(;|$)/i;

/** The body as a JSON object, or 400: not JSON, not an object (null, array, number, string, boolean), wrong type. */
async function jsonObject(req: IncomingMessage, text: () => Promise<string>): Promise<Record<string, unknown>> {
  const contentType = req.headers['content-type'];
  const t = await text();
  if (t.trim() === '') return {};
  if (contentType !== undefined && !JSON_CONTENT_TYPE.test(contentType))
    throw invalidInput(`The request body must be JSON (Content-Type application/json), not ${contentType.slice(0, 100)}.`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(t);
  } catch {
    throw invalidInput('The request body is not valid JSON.');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    throw invalidInput(
      `The request body must be a JSON object, not ${parsed === null ? 'null' : Array.isArray(parsed) ? 'an array' : `a ${typeof parsed}`}.`,
    );
  return parsed as Record<string, unknown>;
}

function send(res: ServerResponse, response: DevResponse, head: boolean): void {
  const { status = 200, headers = {}, body } = response;
  let payload: string | Buffer | undefined;
  const outHeaders: Record<string, string> = { ...headers };
  if (typeof body === 'string' || Buffer.isBuffer(body)) payload = body;
  else if (body !== undefined) {
    payload = JSON.stringify(body);
    outHeaders['content-type'] ??= 'application/json';
  }
  if (payload !== undefined) outHeaders['content-length'] = String(Buffer.byteLength(payload));
  res.writeHead(status, outHeaders);
  res.end(head ? undefined : payload);
}

function sendError(res: ServerResponse, error: HttpError): void {
  send(
    res,
    { status: error.status, headers: { 'x-amzn-errortype': error.type }, body: { message: error.message, __type: error.type } },
    false,
  );
}

function requestUrl(raw: string | undefined): URL {
  try {
    return new URL(raw ?? '/', 'http://localhost');
  } catch {
    throw new HttpError(400, 'InvalidInputException', 'The request target is not a valid path.');
  }
}

export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  const router = new Router();
  const registry = options.personalize === false ? undefined : new PersonalizeRegistry(options.workspace);
  if (registry) registerPersonalizeRoutes(router, registry);
  router.addRoute('GET', '/healthz', () => ({ body: { ok: true, routes: router.list().length, domains: registry?.domainNames() ?? [] } }));
  const timeouts = { ...DEV_SERVER_TIMEOUTS, ...options.timeouts };
  const ioHost = options.ioHost ?? silentHost;
  const maxBodyBytes = options.maxBodyBytes ?? MAX_REQUEST_BODY_BYTES;
  // On a loopback address, a Host that names another machine is a web page using DNS rebinding (same-origin.ts).
  const loopbackOnly = isLoopbackAddress(options.host ?? '127.0.0.1');

  const server = createServer({
    headersTimeout: timeouts.headersTimeoutMs,
    requestTimeout: timeouts.requestTimeoutMs,
    keepAliveTimeout: timeouts.keepAliveTimeoutMs,
    connectionsCheckingInterval: timeouts.checkIntervalMs,
  });
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    void handle(req, res);
  });
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const method = (req.method ?? 'GET').toUpperCase();
    let pathname = '?';
    try {
      const url = requestUrl(req.url);
      pathname = url.pathname;
      const refusal = crossSiteRefusal(method, req.headers, loopbackOnly);
      if (refusal) throw refusal;
      const match = router.match(method, url.pathname);
      if (!match) throw new HttpError(404, 'UnknownOperationException', `No route for ${method} ${url.pathname.slice(0, 200)}.`);
      if ('allowed' in match) {
        res.setHeader('allow', match.allowed.join(', '));
        throw new HttpError(405, 'MethodNotAllowedException', `${method} is not allowed on ${url.pathname}.`);
      }
      let body: Promise<string> | undefined;
      const text = () => (body ??= readLimitedBody(req, maxBodyBytes).then((b) => b.toString('utf8')));
      const request: DevRequest = {
        method,
        path: url.pathname,
        params: match.params,
        query: url.searchParams,
        headers: req.headers,
        text,
        json: async <T>() => (await jsonObject(req, text)) as T,
        raw: { req, res },
      };
      const response = await match.handler(request);
      if (response) send(res, response, method === 'HEAD');
    } catch (error) {
      // A body left unread (too large, or refused before reading) is not read on: a bounded rest is discarded, then the connection closes.
      if (!req.complete) lingerAfterResponse(req, res);
      const e = error instanceof BodyTooLargeError ? new HttpError(413, 'PayloadTooLargeException', error.message) : toHttpError(error);
      if (e.status >= 500) emit(ioHost, 'warn', 'dev.request.failed', { method, path: pathname, status: e.status, error: e.message });
      if (!res.headersSent) sendError(res, e);
      else res.end();
    } finally {
      emit(ioHost, 'debug', 'dev.request.served', { method, path: pathname, status: res.statusCode, ms: performance.now() - started });
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    router,
    limits: {
      maxBodyBytes,
      headersTimeoutMs: server.headersTimeout,
      requestTimeoutMs: server.requestTimeout,
      keepAliveTimeoutMs: server.keepAliveTimeout,
      checkIntervalMs: timeouts.checkIntervalMs,
    },
    addRoute: (method, path, handler) => router.addRoute(method, path, handler),
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await registry?.close();
    },
  };
}
