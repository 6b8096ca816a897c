// events produce / tail on the real Kafka broker (a mesh whose streaming names brokers).
import { kafkaBrokers } from '../support/kafka.js';
import { eventsContract } from './events-contract.js';

eventsContract('the Kafka broker', () => ({ kind: 'kafka', brokers: kafkaBrokers() }), 'avro');
