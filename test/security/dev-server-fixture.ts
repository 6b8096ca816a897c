/**
 * The `mesh dev` HTTP server as `startDev` assembles it (Personalize routes + the analytics domain's Firehose
 * endpoint and page), over a trained and deployed recommendations workspace in a temp folder. Plus a raw HTTP
 * helper that sends any method, path, headers and body (fetch refuses some of them) and returns what came back.
 */
import { request } from 'node:http';
import { type MountedAnalytics, mountAnalytics } from '../../src/dev/analytics/index.js';
import { type DevServer, type DevServerOptions, startDevServer } from '../../src/dev/http/server.js';
import { type PersonalizeOutputs, readPersonalizeOutputs } from '../../src/personalize/outputs.js';
import { deployPersonalize, trainPersonalize } from '../../src/personalize/service.js';
import type { Workspace } from '../../src/workspace/model.js';
import { type Fixture, makeFixture, recordingOutput } from '../personalize/helpers.js';

export interface DevFixture {
  readonly f: Fixture;
  readonly server: DevServer;
  readonly analytics: MountedAnalytics;
  readonly outputs: Required<Pick<PersonalizeOutputs, 'campaignArn' | 'itemsDatasetArn' | 'usersDatasetArn'>> & PersonalizeOutputs;
  close(): Promise<void>;
}

export async function startDevFixture(options: Partial<DevServerOptions> = {}): Promise<DevFixture> {
  const f = makeFixture({ users: 80 });
  const ctx = { workspace: f.workspace, target: 'local' as const, host: recordingOutput() };
  await trainPersonalize(ctx);
  await deployPersonalize(ctx);
  const workspace: Workspace = { ...f.workspace, domains: f.workspace.domains.map((d) => ({ ...d, firehoseStream: 'music-listens' })) };
  const server = await startDevServer({ workspace, port: 0, ...options });
  const analytics = await mountAnalytics(server, { workspace });
  const outputs = readPersonalizeOutputs(f.workspace, 'recommendations');
  if (!outputs?.campaignArn || !outputs.itemsDatasetArn || !outputs.usersDatasetArn) throw new Error('the fixture did not deploy');
  return {
    f,
    server,
    analytics,
    outputs: outputs as DevFixture['outputs'],
    close: async () => {
      await server.close();
      analytics.close();
      f.cleanup();
    },
  };
}

export interface RawResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
}

/** One request with exactly this method, path, headers and body. */
export function rawRequest(
  baseUrl: string,
  method: string,
  path: string,
  body?: string | Buffer,
  headers: Record<string, string> = {},
): Promise<RawResponse> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, method, path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** The JSON error a 4xx carries: `{ __type, message }`. */
export function errorOf(res: RawResponse): { __type?: string; message?: string } {
  return JSON.parse(res.text) as { __type?: string; message?: string };
}
