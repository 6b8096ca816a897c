/**
 * Mounts the analytics domain's local services on the dev server (`startDevServer`'s router):
 *   POST /firehose            the local Firehose API (AWS_ENDPOINT_URL_FIREHOSE=<server>/firehose; the SDK posts
 *                             to `/firehose/`, which the router matches too)
 *   GET  /analytics           the live page
 *   GET  /analytics/summary   the counts as JSON (AnalyticsSummary)
 */
import type { Workspace } from '../../workspace/model.js';
import type { DevHandler } from '../http/router.js';
import { analyticsPageHtml, SUMMARY_PATH } from './analytics-page.js';
import { AnalyticsStore, analyticsDbFile } from './analytics-store.js';
import { handleFirehoseRequest } from './firehose-endpoint.js';

export const FIREHOSE_PATH = '/firehose';
export const PAGE_PATH = '/analytics';

/** What mountAnalytics needs: the dev server (or its Router) `addRoute(method, path, handler)`. */
export interface RouteTable {
  addRoute(method: string, path: string, handler: DevHandler): unknown;
}

export interface MountAnalyticsOptions {
  readonly workspace: Pick<Workspace, 'mesh' | 'domains'>;
  /** Store file (default `<localDir>/analytics.db`). */
  readonly dbFile?: string;
  /** Accepted delivery streams (default: every domain's `firehoseStream`; none declared → any name). */
  readonly streams?: readonly string[];
}

export interface MountedAnalytics {
  readonly store: AnalyticsStore;
  readonly dbFile: string;
  /** The endpoint to give the SDK: `${baseUrl}${FIREHOSE_PATH}` (AWS_ENDPOINT_URL_FIREHOSE). */
  firehoseEndpoint(baseUrl: string): string;
  close(): void;
}

export async function mountAnalytics(router: RouteTable, options: MountAnalyticsOptions): Promise<MountedAnalytics> {
  const dbFile = options.dbFile ?? analyticsDbFile(options.workspace);
  const store = await AnalyticsStore.open(dbFile);
  const streams = options.streams ?? options.workspace.domains.flatMap((d) => (d.firehoseStream ? [d.firehoseStream] : []));

  // The Firehose handler reads the raw request itself, with its own limit (MAX_FIREHOSE_BODY_BYTES): a
  // PutRecordBatch body (up to 4 MiB of data, base64) is larger than the router's MAX_REQUEST_BODY_BYTES.
  router.addRoute('POST', FIREHOSE_PATH, async (req) => {
    await handleFirehoseRequest(req.raw.req, req.raw.res, { store, streams });
    return undefined;
  });
  const page = analyticsPageHtml();
  router.addRoute('GET', PAGE_PATH, () => ({
    headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' },
    body: page,
  }));
  router.addRoute('GET', SUMMARY_PATH, (req) => {
    const minutes = boundedInt(req.query.get('minutes'), 30, 1, 1440);
    const top = boundedInt(req.query.get('top'), 10, 1, 100);
    return { headers: { 'cache-control': 'no-store' }, body: store.summary({ minutes, top }) };
  });

  return {
    store,
    dbFile,
    firehoseEndpoint: (baseUrl) => `${baseUrl.replace(/\/+$/, '')}${FIREHOSE_PATH}`,
    close: () => store.close(),
  };
}

function boundedInt(raw: string | null, fallback: number, min: number, max: number): number {
  if (raw === null || !/^\d+$/.test(raw)) return fallback;
  return Math.min(max, Math.max(min, Number(raw)));
}
