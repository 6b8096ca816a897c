/**
 * On aws, where each stream subscription is deployed: the event source mapping of its Lambda function in the
 * consumer's account (ListEventSourceMappings by function, matched on the consumer group, as the streams plane
 * observes it). 'Enabled', 'Creating', … as Lambda says; 'not deployed' when the function or its mapping is missing;
 * 'unknown' when the account cannot be read (the portal still answers; nothing of the error is shown).
 */
import type { AwsClients } from '../aws/clients.js';
import { isAwsError } from '../aws/errors.js';
import { lambdaFunctionName } from '../streams/functions/function-naming.js';
import type { Workspace } from '../workspace/model.js';
import { consumerGroupId } from '../workspace/naming.js';

/** `consumer/product` → the mapping's state. */
export type DeploymentStates = ReadonlyMap<string, string>;

export const deploymentKey = (consumer: string, product: string) => `${consumer}/${product}`;

export async function streamDeployments(ws: Workspace, clients: AwsClients): Promise<DeploymentStates> {
  const { LambdaClient, ListEventSourceMappingsCommand } = await import('@aws-sdk/client-lambda');
  const states = new Map<string, string>();
  const work: Promise<void>[] = [];
  for (const d of ws.domains) {
    const streams = d.subscriptions.filter((s) => s.stream);
    if (streams.length === 0) continue;
    work.push(
      (async () => {
        let lambda: InstanceType<typeof LambdaClient>;
        try {
          lambda = await clients.get(LambdaClient, d.access);
        } catch {
          for (const s of streams) states.set(deploymentKey(d.name, s.product), 'unknown');
          return;
        }
        for (const s of streams) {
          const product = ws.products.find((p) => p.name === s.product);
          const key = deploymentKey(d.name, s.product);
          if (!s.stream || !product?.stream) continue;
          try {
            const out = await lambda.send(
              new ListEventSourceMappingsCommand({ FunctionName: lambdaFunctionName(ws.mesh, d.name, s.stream.function) }),
            );
            const group = consumerGroupId(ws.mesh, d.name, product.name);
            const mappings = (out.EventSourceMappings ?? []).filter((m) => m.EventSourceArn?.startsWith('arn:aws:kafka:'));
            const found =
              mappings.find((m) => m.AmazonManagedKafkaEventSourceConfig?.ConsumerGroupId === group) ??
              mappings.find((m) => m.Topics?.[0] === product.stream?.topic);
            states.set(key, found ? (found.State ?? 'unknown') : 'not deployed');
          } catch (error) {
            states.set(key, isAwsError(error, 'ResourceNotFoundException') ? 'not deployed' : 'unknown');
          }
        }
      })(),
    );
  }
  await Promise.all(work);
  return states;
}
