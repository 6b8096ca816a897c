import type { AreaRenderers } from './types.js';

export const streamsRenderers: AreaRenderers<'streams'> = {
  'streams.poller.read-failed': (d) => `${d.subscription}: cannot read the stream: ${d.error}`,
  'streams.poller.deliver-failed': (d) => `${d.subscription}: ${d.error}; retrying`,
  'streams.poller.attempt-failed': (d) =>
    `${d.subscription}: attempt ${d.attempt} failed (${d.errorType}: ${d.errorMessage}); retrying in ${d.delayMs} ms`,
  'streams.poller.dead-lettered': (d) =>
    `${d.subscription}: ${d.records} record(s) sent to ${d.topic} after ${d.attempts} attempts (${d.error})`,
  'streams.runner.dead-letter-topic-failed': (d) => `${d.subscription}: cannot create the dead-letter topic ${d.topic}: ${d.error}`,
  'streams.runner.topic-missing': (d) => `${d.subscription}: topic ${d.topic} does not exist yet; waiting for it (publish ${d.product}).`,
  'streams.function.output': (d, s) => `${s.dim(`[${d.function}]`)} ${d.line}`,
  'streams.topics.kafka-admin': (d) =>
    `MSK topic API not available (${d.clusterType}, Kafka ${d.kafkaVersion ?? 'unknown'}): managing topics with kafkajs admin.`,
  'streams.mapping.processing-result': (d) => `mapping ${d.uuid} is Enabled but Lambda reports: ${d.result}`,
  'streams.mapping.role-not-ready': (d) => `mapping for ${d.functionName}: the role is not usable yet (attempt ${d.attempt}), retrying`,
};
