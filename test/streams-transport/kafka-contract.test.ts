// The contract on the real broker (scripts/services.mjs, KAFKA_BROKERS). A broker that does not answer fails the
// file (it never skips): test/support/global-setup.ts starts it, and beforeAll-style checks below say why it failed.
import { createKafkaTransport } from '../../src/streams/transport/kafka-transport.js';
import { kafkaBrokers } from '../support/kafka.js';
import { describeTransportContract } from './transport-contract.js';

describeTransportContract('kafkajs on the real broker', async () => {
  const brokers = kafkaBrokers();
  const probe = createKafkaTransport({ brokers, retries: 1 });
  try {
    await probe.listTopics();
  } catch (error) {
    throw new Error(`Kafka at ${brokers.join(',')} does not answer (start it: npm run services -- up): ${String(error)}`);
  } finally {
    await probe.close();
  }
  return { open: async () => createKafkaTransport({ brokers, clientId: 'mesh-contract-test' }), joinWaitMs: 8_000 };
});
