// Where the test services are, as seen from a test file. Filled by test/support/global-setup.ts,
// which both `provide`s them and sets process.env before the workers are forked.
import { inject } from 'vitest';

export interface TestServices {
  /** moto server, e.g. http://127.0.0.1:5000 (also in AWS_ENDPOINT_URL). */
  awsEndpoint: string;
  /** Kafka bootstrap addresses, e.g. ['127.0.0.1:19092'] (also in KAFKA_BROKERS). */
  kafkaBrokers: string[];
  region: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    testServices: TestServices;
  }
}

export function testServices(): TestServices {
  const provided = inject('testServices');
  if (provided) return provided;
  const awsEndpoint = process.env.AWS_ENDPOINT_URL;
  const brokers = process.env.KAFKA_BROKERS;
  if (!awsEndpoint || !brokers) {
    throw new Error('Test services unknown: run tests through vitest (globalSetup test/support/global-setup.ts)');
  }
  return { awsEndpoint, kafkaBrokers: brokers.split(','), region: process.env.AWS_REGION ?? 'us-east-1' };
}
