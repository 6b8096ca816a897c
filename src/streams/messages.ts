/**
 * What the streams plane tells the run's host: the local runner's delivery problems and function output, and the
 * MSK adapter's notices. Rendered for people in src/cli/render/messages/streams.ts.
 */

declare module '../core/messages.js' {
  interface MessageCatalog {
    /** The local runner could not read a subscription's stream (it retries). */
    'streams.poller.read-failed': { readonly subscription: string; readonly error: string };
    /** Delivering a batch failed before the function ran (commit or dead-letter write); the records come again. */
    'streams.poller.deliver-failed': { readonly subscription: string; readonly error: string };
    /** The function failed on a batch; it is retried after `delayMs`. */
    'streams.poller.attempt-failed': {
      readonly subscription: string;
      readonly attempt: number;
      readonly errorType: string;
      readonly errorMessage: string;
      readonly delayMs: number;
    };
    'streams.poller.dead-lettered': {
      readonly subscription: string;
      readonly records: number;
      readonly topic: string;
      readonly attempts: number;
      readonly error: string;
    };
    'streams.runner.dead-letter-topic-failed': { readonly subscription: string; readonly topic: string; readonly error: string };
    /** A subscription's topic does not exist yet: the runner waits for it. */
    'streams.runner.topic-missing': { readonly subscription: string; readonly topic: string; readonly product: string };
    /** A line a local function printed (stdout or stderr). */
    'streams.function.output': { readonly function: string; readonly line: string; readonly stream: 'stdout' | 'stderr' };
    /** The cluster has no MSK topic API: topics are managed with kafkajs admin. */
    'streams.topics.kafka-admin': { readonly clusterType: string; readonly kafkaVersion?: string };
    'streams.mapping.processing-result': { readonly uuid: string; readonly result: string };
    'streams.mapping.role-not-ready': { readonly functionName: string; readonly attempt: number };
  }
}

export {};
