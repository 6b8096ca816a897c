import { Command } from 'commander';
import { contextFor } from '../context.js';
import { addApplyOptions, planAndApply } from './shared.js';

export function applyCommand(): Command {
  return addApplyOptions(
    new Command('apply')
      .description('bring everything in line with the files: every product published, every declared subscription applied')
      .option('--acknowledge-subscribers', 'allow unpublishing a product that has subscribers'),
  ).action(async (opts: Record<string, unknown>, command: Command) => {
    const ctx = contextFor(command);
    // The same plan `mesh plan` shows: publish and subscriptions, all of them.
    await planAndApply(ctx, { include: { publish: true, subscriptions: true } }, opts);
  });
}
