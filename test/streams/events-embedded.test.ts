// events produce / tail on the embedded log, with Avro and with JSON encoding.
import { eventsContract } from './events-contract.js';

eventsContract('the embedded log', () => ({ kind: 'embedded' }), 'avro');
eventsContract('the embedded log', () => ({ kind: 'embedded' }), 'json');
