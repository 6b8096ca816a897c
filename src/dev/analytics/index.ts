/** The analytics domain's local services: the store, the Firehose-compatible endpoint and the live page. */
export { AnalyticsStore, type PlayRecord } from './analytics-store.js';
export { type MountedAnalytics, mountAnalytics } from './mount-analytics.js';
