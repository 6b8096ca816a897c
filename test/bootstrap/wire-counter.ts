// An HTTP proxy in front of moto that records every AWS request it forwards, as `service:Operation` (JSON and query
// protocols name it; REST calls are named by method and path), to count calls on the wire, across every client mesh
// makes (the lock's and preflight's included). Binds 127.0.0.1 only.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

const READS = ['Get', 'List', 'Describe', 'Search', 'BatchGet', 'Head'];

export interface WireCall {
  readonly service: string;
  readonly operation: string;
  readonly mutating: boolean;
}

export interface WireCounter {
  readonly url: string;
  readonly calls: WireCall[];
  mutating(): string[];
  close(): Promise<void>;
}

function callOf(req: http.IncomingMessage, body: string): WireCall {
  const service = /Credential=[^/]+\/[^/]+\/[^/]+\/([^/]+)\//.exec(String(req.headers.authorization ?? ''))?.[1] ?? 'unknown';
  const target = req.headers['x-amz-target'];
  const action = /(?:^|&)Action=([A-Za-z]+)/.exec(body)?.[1];
  const segment = /^\/([A-Z][A-Za-z]+)$/.exec((req.url ?? '').split('?')[0] ?? '')?.[1];
  const named = typeof target === 'string' ? target.split('.').pop() : (action ?? segment);
  // STS hands out credentials (AssumeRole): it changes nothing in an account.
  if (named) return { service, operation: named, mutating: service !== 'sts' && !READS.some((p) => named.startsWith(p)) };
  const method = req.method ?? 'GET';
  return { service, operation: `${method} ${(req.url ?? '').split('?')[0]}`, mutating: method !== 'GET' && method !== 'HEAD' };
}

export async function startWireCounter(target: string): Promise<WireCounter> {
  const calls: WireCall[] = [];
  const upstream = new URL(target);
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      calls.push(callOf(req, body.toString('utf8')));
      const forward = http.request(
        { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      forward.on('error', () => res.destroy());
      forward.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  server.unref();
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    mutating: () => calls.filter((c) => c.mutating).map((c) => `${c.service}:${c.operation}`),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
