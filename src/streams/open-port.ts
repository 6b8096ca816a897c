/**
 * The one place the streams plane picks its target: the plane's port (aws or local adapter) and the stream
 * connection the runner, `mesh events` and the portal use. Adapter, SDK and native modules are imported here, lazily.
 */
import type { PlaneEnv } from '../engine/plane.js';
import type { StreamsPort } from './port.js';
import type { OpenStreamOptions, StreamConnection } from './topics/stream-connection.js';

export async function openStreamsPort(env: PlaneEnv): Promise<StreamsPort> {
  if (env.target === 'local') {
    const { LocalStreamsPort } = await import('./local/adapter.js');
    return new LocalStreamsPort(env);
  }
  const { AwsStreamsPort } = await import('./aws/adapter.js');
  return new AwsStreamsPort(env);
}

/**
 * Where a mesh's streams live, per target, as a StreamTransport:
 *   local: the embedded log at <mesh.localDir>/streams.db, or a Kafka broker when mesh.streaming is `kafka`.
 *   aws:   `kafka` → kafkajs at those brokers; `msk` → kafkajs at GetBootstrapBrokers' brokers, with MSK IAM auth.
 */
export async function openStreamConnection(options: OpenStreamOptions): Promise<StreamConnection> {
  if (options.target === 'local') return (await import('./topics/stream-connection.js')).openLocalConnection(options);
  return (await import('./topics/aws/msk-connection.js')).openAwsConnection(options);
}
