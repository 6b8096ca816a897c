/**
 * The live views of plain `mesh portal` (outside `mesh dev`): the workspace's streams as `mesh events` reaches them
 * (the embedded log, read beside a running `mesh dev` or without it; the Kafka broker; MSK on aws), and, locally, the
 * analytics domain's store when `mesh dev` has written one. Opened at the first live request, not at start: the
 * catalog pages never wait for a broker, and a broker that is down answers 503 on /portal/api/live (the page shows
 * "offline" and retries) instead of stopping the portal. The recommendations explorer needs `mesh dev`'s API.
 */
import { existsSync } from 'node:fs';
import type { AwsClients } from '../aws/clients.js';
import { HttpError } from '../dev/http/http-error.js';
import type { Target, Workspace } from '../workspace/model.js';
import { LiveMetrics, type PlaysSource } from './live.js';
import type { LiveSource } from './routes.js';

export interface PortalLiveOptions {
  readonly workspace: Workspace;
  readonly target: Target;
  /** For MSK (aws). */
  readonly clients?: AwsClients;
}

interface Opened {
  readonly metrics: { snapshot(): Promise<unknown> };
  close(): Promise<void>;
}

/** The analytics store `mesh dev` writes (WAL: read beside it), opened once it exists; no plays before. */
class StorePlays implements PlaysSource {
  private store: (PlaysSource & { close(): void }) | undefined;
  private closed = false;

  constructor(private readonly workspace: Workspace) {}

  private opening: Promise<void> | undefined;

  /** Opens the store once its file exists (one open at a time). */
  ready(): Promise<void> {
    if (this.store || this.closed) return Promise.resolve();
    this.opening ??= (async () => {
      const { AnalyticsStore, analyticsDbFile } = await import('../dev/analytics/analytics-store.js');
      const file = analyticsDbFile(this.workspace);
      if (!existsSync(file)) return;
      const store = await AnalyticsStore.open(file);
      if (this.closed) store.close();
      else this.store = store;
    })().finally(() => {
      this.opening = undefined;
    });
    return this.opening;
  }

  summary(options: { minutes: number; top: number }) {
    return this.store?.summary(options) ?? { totalPlays: 0, perMinute: [] };
  }

  close(): void {
    this.closed = true;
    this.store?.close();
    this.store = undefined;
  }
}

/** The first line of an error, without anything that looks like a credential. */
function reason(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return (text.split('\n')[0] ?? '').replace(/(secret|token|password|key)\S*\s*[:=]\s*\S+/gi, '$1=…').slice(0, 300);
}

export class PortalLive implements LiveSource {
  private opened: Promise<Opened> | undefined;
  private closed = false;

  constructor(private readonly options: PortalLiveOptions) {}

  private open(): Promise<Opened> {
    if (this.closed) return Promise.reject(new HttpError(503, 'LiveUnavailable', 'The portal is stopping.'));
    this.opened ??= (async () => {
      const { workspace, target, clients } = this.options;
      const { openStreamConnection } = await import('../streams/topics/stream-connection.js');
      const connection = await openStreamConnection({ workspace, target, clientId: 'mesh-portal', ...(clients ? { clients } : {}) });
      const plays = target === 'local' && workspace.domains.some((d) => d.firehoseStream) ? new StorePlays(workspace) : undefined;
      const metrics = new LiveMetrics({ workspace, transport: connection.transport, ...(plays ? { plays } : {}) });
      return {
        metrics: {
          snapshot: async () => {
            await plays?.ready();
            return metrics.snapshot();
          },
        },
        close: async () => {
          plays?.close();
          await connection.transport.close();
        },
      };
    })();
    const opening = this.opened;
    opening.catch(() => {
      if (this.opened === opening) this.opened = undefined;
    });
    return opening.catch((error: unknown) => {
      throw new HttpError(503, 'LiveUnavailable', `The workspace's streams could not be reached: ${reason(error)}`);
    });
  }

  async snapshot(): Promise<unknown> {
    return (await this.open()).metrics.snapshot();
  }

  async items(): Promise<Record<string, Record<string, unknown>>> {
    return {};
  }

  async close(): Promise<void> {
    this.closed = true;
    const opened = this.opened;
    this.opened = undefined;
    if (opened) await (await opened.catch(() => undefined))?.close();
  }
}
