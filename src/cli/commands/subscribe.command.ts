import { Command } from 'commander';
import { contextFor } from '../context.js';
import { addApplyOptions, renderApplied, toolkitFor, withPlanStep } from './shared.js';

type SubscribeOptions = { domain?: string; table?: boolean; stream?: boolean; function?: string } & Record<string, unknown>;

export function subscribeCommand(): Command {
  return addApplyOptions(
    new Command('subscribe')
      .description('give a consumer domain a product: table grant + resource link, and/or a stream function and its mapping')
      .argument('<product>', 'the product to subscribe to')
      .option('--domain <consumer>', 'the consumer domain (required when the workspace has several)')
      .option('--table', 'the table port (grant + resource link)')
      .option('--stream', 'the stream port (function + event source mapping)')
      .option('--function <name>', 'with --stream: the function that handles the events (added to the domain file if new)'),
  ).action(async (product: string, opts: SubscribeOptions, command: Command) => {
    const ctx = contextFor(command);
    const toolkit = await toolkitFor(ctx);
    const r = await withPlanStep(ctx, opts, (o) => toolkit.subscribe({ ...opts, product }, o));
    renderApplied(ctx, r);
    if (r.recorded) ctx.output.info(`Added the subscription to ${product} to ${r.file}.`);
  });
}

export function unsubscribeCommand(): Command {
  return addApplyOptions(
    new Command('unsubscribe')
      .description('revoke a subscription: grants revoked, resource link and function mapping removed, domain file updated')
      .argument('<product>')
      .option('--domain <consumer>', 'the consumer domain')
      .option('--table', 'only the table port')
      .option('--stream', 'only the stream port'),
  ).action(async (product: string, opts: SubscribeOptions, command: Command) => {
    const ctx = contextFor(command);
    const toolkit = await toolkitFor(ctx);
    const r = await withPlanStep(ctx, opts, (o) => toolkit.unsubscribe({ ...opts, product }, o));
    renderApplied(ctx, r);
    if (r.recorded) ctx.output.info(`Removed the subscription to ${product} from ${r.file}.`);
  });
}
