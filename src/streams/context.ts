/**
 * What the streams plane plans and applies with: the run's environment and the target's port (opened in
 * open-port.ts). The port opens the topic admin, the schema registry and the stream connection on first use; close()
 * closes them once.
 */
import type { PlaneEnv } from '../engine/plane.js';
import { openStreamsPort } from './open-port.js';
import type { StreamsPort } from './port.js';
import type { SchemaRegistry } from './schema/index.js';
import type { TopicAdmin } from './topics/topic-admin.js';

export class StreamsContext {
  private constructor(
    readonly env: PlaneEnv,
    readonly port: StreamsPort,
  ) {}

  /** The context over the target's adapter (or a given port). */
  static async open(env: PlaneEnv, port?: StreamsPort): Promise<StreamsContext> {
    return new StreamsContext(env, port ?? (await openStreamsPort(env)));
  }

  get workspace() {
    return this.env.workspace;
  }

  topicAdmin(): Promise<TopicAdmin> {
    return this.port.topicAdmin();
  }

  schemaRegistry(): Promise<SchemaRegistry> {
    return this.port.schemaRegistry();
  }

  close(): Promise<void> {
    return this.port.close();
  }
}
