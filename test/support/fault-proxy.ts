// A fault-injecting HTTP proxy in front of moto, for tests and the bench. It forwards every request to moto and, with
// a seeded PRNG, answers a chosen fraction of them with a fault in the shape the service's protocol uses:
//   throttle  - JSON services (Glue, Lake Formation, Lambda, ...): 400 {"__type":"ThrottlingException"} +
//               x-amzn-errortype; query services (IAM, STS): 400 <Code>Throttling</Code>; S3: 503 <Code>SlowDown</Code>
//   error     - 500 InternalFailure (S3: InternalError), in the same shapes
//   drop      - the request IS forwarded and moto does it, then the socket is destroyed without an answer: the
//               mutation happened but the client does not know.
// It binds 127.0.0.1 only, never keeps the process alive (unref'd server) and closes by itself after `idleMs` without
// a request. Node builtins only, so bench/ can load it too.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FaultRates {
  /** Fraction of requests answered with a throttling error (0..1). */
  readonly throttle?: number;
  /** Fraction answered with a 500 InternalFailure. */
  readonly error?: number;
  /** Fraction forwarded to moto, then dropped without an answer. */
  readonly drop?: number;
}

export interface FaultProxyOptions extends FaultRates {
  /** Where requests go (default: AWS_ENDPOINT_URL, else http://127.0.0.1:5000). */
  readonly target?: string;
  /** Seed of the PRNG that picks the faulty requests (same seed + same request order = same faults). */
  readonly seed?: number;
  /** Services (SigV4 signing names, e.g. `sts`) that are never faulted. */
  readonly spare?: readonly string[];
  /** The proxy closes itself after this long without a request (default 120 s). */
  readonly idleMs?: number;
}

export type FaultKind = 'throttle' | 'error' | 'drop';

export interface FaultStats {
  requests: number;
  throttle: number;
  error: number;
  drop: number;
  /** `service:kind` → count, e.g. `lakeformation:throttle`. */
  readonly byService: Record<string, number>;
}

export interface FaultProxy {
  /** e.g. http://127.0.0.1:40123: point AWS_ENDPOINT_URL here. */
  readonly url: string;
  readonly stats: FaultStats;
  /** Changes the rates (e.g. 0 for a fault-free run through the same proxy) and resets the stats. */
  configure(rates: FaultRates & { readonly seed?: number }): void;
  close(): Promise<void>;
}

/** mulberry32: a small, fast, seedable PRNG (uniform in [0, 1)). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The SigV4 signing name from `Authorization: AWS4-HMAC-SHA256 Credential=AKID/date/region/<service>/aws4_request`. */
export function serviceOf(req: http.IncomingMessage): string {
  const auth = req.headers.authorization ?? '';
  return /Credential=[^/]+\/\d{8}\/[^/]+\/([^/]+)\/aws4_request/.exec(auth)?.[1] ?? 'unknown';
}

const QUERY_SERVICES = new Set(['sts', 'iam']);

interface Canned {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** A fault answer in the protocol shape the service's SDK client parses. */
export function faultResponse(service: string, kind: Exclude<FaultKind, 'drop'>): Canned {
  const requestId = `fault-${Math.random().toString(16).slice(2, 10)}`;
  if (service === 's3') {
    const [status, code, message] =
      kind === 'throttle'
        ? [503, 'SlowDown', 'Please reduce your request rate.']
        : [500, 'InternalError', 'We encountered an internal error.'];
    return {
      status,
      headers: { 'content-type': 'application/xml', 'x-amz-request-id': requestId },
      body: `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>${requestId}</RequestId></Error>`,
    };
  }
  const [status, code, message] = kind === 'throttle' ? [400, 'Throttling', 'Rate exceeded'] : [500, 'InternalFailure', 'Internal failure'];
  if (QUERY_SERVICES.has(service)) {
    const type = kind === 'throttle' ? 'Sender' : 'Receiver';
    return {
      status,
      headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
      body: `<ErrorResponse><Error><Type>${type}</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
    };
  }
  const jsonCode = kind === 'throttle' ? 'ThrottlingException' : code;
  return {
    status,
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': jsonCode, 'x-amzn-requestid': requestId },
    body: JSON.stringify({ __type: jsonCode, message }),
  };
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Sends the request to the target and returns its full answer. */
function forward(
  target: URL,
  req: http.IncomingMessage,
  body: Buffer,
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const headers = { ...req.headers, host: target.host, connection: 'close' };
    const out = http.request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    out.on('error', reject);
    out.end(body);
  });
}

export async function startFaultProxy(options: FaultProxyOptions = {}): Promise<FaultProxy> {
  const target = new URL(options.target ?? process.env.AWS_ENDPOINT_URL ?? 'http://127.0.0.1:5000');
  const spare = new Set(options.spare ?? []);
  let rates: Required<FaultRates> = { throttle: options.throttle ?? 0, error: options.error ?? 0, drop: options.drop ?? 0 };
  let random = seededRandom(options.seed ?? 1);
  const stats: FaultStats = { requests: 0, throttle: 0, error: 0, drop: 0, byService: {} };
  const idleMs = options.idleMs ?? 120_000;

  const pick = (service: string): FaultKind | undefined => {
    if (spare.has(service)) return undefined;
    const r = random();
    if (r < rates.throttle) return 'throttle';
    if (r < rates.throttle + rates.error) return 'error';
    if (r < rates.throttle + rates.error + rates.drop) return 'drop';
    return undefined;
  };

  const server = http.createServer(async (req, res) => {
    idle.refresh();
    stats.requests++;
    const service = serviceOf(req);
    try {
      const body = await readBody(req);
      const fault = pick(service);
      if (fault) {
        stats[fault]++;
        stats.byService[`${service}:${fault}`] = (stats.byService[`${service}:${fault}`] ?? 0) + 1;
      }
      if (fault === 'throttle' || fault === 'error') {
        const canned = faultResponse(service, fault);
        res.writeHead(canned.status, { ...canned.headers, 'content-length': Buffer.byteLength(canned.body) });
        res.end(canned.body);
        return;
      }
      const answer = await forward(target, req, body);
      if (fault === 'drop') {
        req.socket.destroy();
        return;
      }
      const headers = { ...answer.headers };
      delete headers['transfer-encoding'];
      delete headers.connection;
      res.writeHead(answer.status, { ...headers, 'content-length': answer.body.length });
      res.end(answer.body);
    } catch (error) {
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`fault proxy: ${(error as Error).message}`);
    }
  });
  server.unref();
  const idle = setTimeout(() => {
    server.closeAllConnections();
    server.close();
  }, idleMs);
  idle.unref();

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    stats,
    configure(next) {
      rates = { throttle: next.throttle ?? 0, error: next.error ?? 0, drop: next.drop ?? 0 };
      if (next.seed !== undefined) random = seededRandom(next.seed);
      Object.assign(stats, { requests: 0, throttle: 0, error: 0, drop: 0 });
      for (const k of Object.keys(stats.byService)) delete stats.byService[k];
    },
    close: () =>
      new Promise<void>((resolve) => {
        clearTimeout(idle);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
