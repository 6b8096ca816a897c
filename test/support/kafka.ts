// Helpers for tests against the local Kafka broker started by scripts/services.mjs.
import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { testServices } from './env.js';

export function kafkaBrokers(): string[] {
  return testServices().kafkaBrokers;
}

/** A topic name no other test (or earlier run) uses: `<prefix>-<time>-<random>`. */
export function uniqueTopic(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
}

/** A kafkajs client for the local broker (or `brokers`), silent: failures surface as thrown errors. */
export function testKafka(clientId = 'mesh-test', brokers: string[] = kafkaBrokers()): Kafka {
  return new Kafka({ clientId, brokers, logLevel: logLevel.NOTHING, retry: { retries: 5 } });
}
