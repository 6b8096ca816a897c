// The local function runner against the real Kafka broker (a mesh whose streaming names brokers).
// The broker comes from test/support/global-setup.ts, which fails the run when it cannot be started.
import { kafkaBrokers } from '../support/kafka.js';
import { runnerContract } from './runner-contract.js';

runnerContract('the Kafka broker', () => ({ kind: 'kafka', brokers: kafkaBrokers() }));
