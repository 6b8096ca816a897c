/**
 * The dev server (`startDevServer`, Personalize routes off) with the analytics services mounted, in a temp
 * workspace folder.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type MountedAnalytics, mountAnalytics } from '../../src/dev/analytics/index.js';
import { startDevServer } from '../../src/dev/http/server.js';
import type { Domain, Workspace } from '../../src/workspace/model.js';

export interface AnalyticsServer {
  readonly baseUrl: string;
  readonly analytics: MountedAnalytics;
  readonly dir: string;
  close(): Promise<void>;
}

export async function startAnalyticsServer(streams: readonly string[] = ['music-listens']): Promise<AnalyticsServer> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mesh-analytics-'));
  const workspace = {
    root: dir,
    meshFile: path.join(dir, 'mesh.yaml'),
    mesh: { name: 'music', localDir: path.join(dir, '.mesh', 'local') } as Workspace['mesh'],
    domains: streams.map((s) => ({ name: 'analytics', firehoseStream: s, subscriptions: [], transforms: [] }) as unknown as Domain),
    products: [],
  } satisfies Workspace;
  const server = await startDevServer({ workspace, personalize: false });
  const analytics = await mountAnalytics(server, { workspace });
  return {
    baseUrl: server.url,
    analytics,
    dir,
    close: async () => {
      await server.close();
      analytics.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
