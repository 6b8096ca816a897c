/**
 * The local HTTP API of `mesh dev`: Personalize Events (PutEvents, PutItems, PutUsers) and Personalize Runtime
 * (GetRecommendations, GetPersonalizedRanking) on the REST-JSON paths the AWS SDK v3 clients use, so unchanged
 * clients work with `endpoint` set to it (any credentials; signatures are not checked); plus
 * `GET /recommendations/{userId}` for other services and `GET /healthz`. Other modules add routes with addRoute().
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Output } from '../../io/output.js';
import type { Workspace } from '../../workspace/model.js';
import { HttpError, invalidInput, toHttpError } from './http-error.js';
import { PersonalizeRegistry } from './personalize-registry.js';
import { registerPersonalizeRoutes } from './personalize-routes.js';
import { type DevHandler, type DevRequest, type DevResponse, Router } from './router.js';

export interface DevServerOptions {
  readonly workspace: Workspace;
  /** 0 = any free port. Default 0. */
  readonly port?: number;
  /** Default 127.0.0.1. */
  readonly host?: string;
  readonly output: Output;
  /** Serve the Personalize-compatible routes (default true). */
  readonly personalize?: boolean;
}

export interface DevServer {
  /** e.g. http://127.0.0.1:4566 */
  readonly url: string;
  readonly port: number;
  readonly router: Router;
  addRoute(method: string, path: string, handler: DevHandler): void;
  close(): Promise<void>;
}

const MAX_BODY = 1024 * 1024;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(invalidInput('The request body is larger than 1 MiB.'));
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
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

export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  const router = new Router();
  const registry = options.personalize === false ? undefined : new PersonalizeRegistry(options.workspace);
  if (registry) registerPersonalizeRoutes(router, registry);
  router.addRoute('GET', '/healthz', () => ({ body: { ok: true, routes: router.list().length, domains: registry?.domainNames() ?? [] } }));

  const server = createServer((req, res) => {
    void handle(req, res);
  });
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = (req.method ?? 'GET').toUpperCase();
    try {
      const match = router.match(method, url.pathname);
      if (!match) throw new HttpError(404, 'UnknownOperationException', `No route for ${method} ${url.pathname}.`);
      if ('allowed' in match) {
        send(
          res,
          { status: 405, headers: { allow: match.allowed.join(', ') }, body: { message: `${method} is not allowed on ${url.pathname}.` } },
          false,
        );
        return;
      }
      let body: Promise<string> | undefined;
      const text = () => (body ??= readBody(req));
      const request: DevRequest = {
        method,
        path: url.pathname,
        params: match.params,
        query: url.searchParams,
        headers: req.headers,
        text,
        async json<T>() {
          const t = await text();
          if (t.trim() === '') return {} as T;
          try {
            return JSON.parse(t) as T;
          } catch {
            throw invalidInput('The request body is not valid JSON.');
          }
        },
        raw: { req, res },
      };
      const response = await match.handler(request);
      if (response) send(res, response, method === 'HEAD');
    } catch (error) {
      const e = toHttpError(error);
      if (e.status >= 500) options.output.warn(`dev server: ${method} ${url.pathname}: ${e.message}`);
      if (!res.headersSent) sendError(res, e);
      else res.end();
    } finally {
      options.output.debug(`${method} ${url.pathname} ${res.statusCode} ${(performance.now() - started).toFixed(1)}ms`);
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
