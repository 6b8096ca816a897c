/**
 * A trained and deployed recommendations domain (the personalize fixture) with `mesh dev`'s HTTP server in front of
 * it, for the serving tests: `served(userId)` is the list `GET /recommendations/{userId}` answers.
 */
import { expect } from 'vitest';
import { type DevServer, startDevServer } from '../../src/dev/http/server.js';
import { deployPersonalize, trainPersonalize } from '../../src/personalize/service.js';
import { type Fixture, makeFixture, recordingOutput } from './helpers.js';

export interface ServedFixture {
  readonly f: Fixture;
  readonly server: DevServer;
  readonly ctx: () => { workspace: Fixture['workspace']; target: 'local'; host: ReturnType<typeof recordingOutput> };
  served(userId: string): Promise<string[]>;
  close(): Promise<void>;
}

export async function servedFixture(): Promise<ServedFixture> {
  const f = makeFixture();
  const ctx = () => ({ workspace: f.workspace, target: 'local' as const, host: recordingOutput() });
  await trainPersonalize(ctx());
  await deployPersonalize(ctx());
  const server = await startDevServer({ workspace: f.workspace, port: 0 });
  return {
    f,
    server,
    ctx,
    async served(userId) {
      const res = await fetch(`${server.url}/recommendations/${encodeURIComponent(userId)}?num=10`);
      expect(res.status).toBe(200);
      return ((await res.json()) as { itemList: { itemId: string }[] }).itemList.map((i) => i.itemId);
    },
    async close() {
      await server.close();
      f.cleanup();
    },
  };
}
