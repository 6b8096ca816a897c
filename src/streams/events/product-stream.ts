/** A product's stream as `mesh events` sees it: the port, its compiled event schema, and a connection to open. */
import type { AwsClients } from '../../aws/clients.js';
import { didYouMean, MeshError } from '../../core/errors.js';
import type { Product, StreamPort, Target, Workspace } from '../../workspace/model.js';
import type { CompiledEventSchema } from '../schema/index.js';
import { openStreamConnection, type StreamConnection } from '../topics/stream-connection.js';

export interface ProductStream {
  readonly product: Product;
  readonly port: StreamPort;
  readonly schema: CompiledEventSchema;
}

/** Headers mesh puts on every event it produces. */
export const CONTENT_TYPE_HEADER = 'content-type';
export const CONTENT_TYPES = { avro: 'avro/binary', json: 'application/json' } as const;

export async function productStream(workspace: Workspace, name: string): Promise<ProductStream> {
  const product = workspace.products.find((p) => p.name === name);
  if (!product) {
    throw new MeshError('UnknownProduct', `No product named "${name}" in this workspace.`, {
      hint:
        didYouMean(
          name,
          workspace.products.map((p) => p.name),
        ) ?? 'List them with `mesh catalog`.',
    });
  }
  const port = product.stream;
  if (!port) {
    const withStream = workspace.products.filter((p) => p.stream).map((p) => p.name);
    throw new MeshError('ProductHasNoStream', `Product ${name} has no stream port, so it has no events.`, {
      hint: withStream.length > 0 ? `Products with a stream: ${withStream.join(', ')}.` : `Add a stream port to ${product.file}.`,
    });
  }
  const { compileEventSchema } = await import('../schema/index.js');
  const schema = compileEventSchema(port.eventSchema, { encoding: port.encoding, label: port.eventSchemaFile });
  return { product, port, schema };
}

/**
 * The connection `mesh events` uses: on aws with MSK, IAM auth is signed with the producer domain's credentials
 * (it writes its own topic), falling back to the account mesh uses for the cluster.
 */
export async function openEventsConnection(
  workspace: Workspace,
  target: Target,
  product: Product,
  given?: AwsClients,
): Promise<{ connection: StreamConnection }> {
  // On MSK: the run's clients, made with --profile and --region (the caller destroys them).
  const producer = workspace.domains.find((d) => d.name === product.domain);
  const connection = await openStreamConnection({
    workspace,
    target,
    ...(given ? { clients: given } : {}),
    clientsFor: '`mesh events` on MSK',
    clientId: `mesh-${workspace.mesh.name}-events`,
    ...(producer ? { access: producer.access } : {}),
  });
  return { connection };
}

/** Rewords "topic does not exist" for a product whose topic was never published. */
export function withPublishHint(error: unknown, product: Product): unknown {
  if (error instanceof MeshError && error.code === 'TopicNotFound') {
    return new MeshError('ProductNotPublished', `${product.name}'s topic ${product.stream?.topic} does not exist yet.`, {
      hint: `Publish it first: mesh publish-product ${product.name}`,
      cause: error,
    });
  }
  return error;
}
