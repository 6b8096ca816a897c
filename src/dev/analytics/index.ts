/** The analytics domain's local services: the store, the Firehose-compatible endpoint and the live page. */
export { analyticsPageHtml, POLL_INTERVAL_MS, SUMMARY_PATH } from './analytics-page.js';
export {
  AnalyticsStore,
  type AnalyticsSummary,
  analyticsDbFile,
  CONTENT_TYPES,
  type ContentType,
  type MinuteCount,
  type PlayRecord,
  type SummaryOptions,
  type TopItem,
} from './analytics-store.js';
export { type FirehoseEndpointOptions, handleFirehoseRequest } from './firehose-endpoint.js';
export {
  FIREHOSE_PATH,
  type MountAnalyticsOptions,
  type MountedAnalytics,
  mountAnalytics,
  PAGE_PATH,
  type RouteTable,
} from './mount-analytics.js';
