import { Command } from 'commander';
import { contextFor } from '../context.js';
import { addApplyOptions, renderApplied, toolkitFor, withPlanStep } from './shared.js';

export function publishCommand(): Command {
  return addApplyOptions(
    new Command('publish-product')
      .description('publish data products: table into the central catalog, topic and event schema on the stream')
      .argument('[names...]', 'products to publish (default: all)')
      .option('--acknowledge-subscribers', 'allow unpublishing a product that has subscribers'),
  ).action(async (names: string[], opts: Record<string, unknown>, command: Command) => {
    const ctx = contextFor(command);
    const toolkit = await toolkitFor(ctx);
    renderApplied(ctx, await withPlanStep(ctx, opts, (o) => toolkit.publishProduct(names, o)));
  });
}
