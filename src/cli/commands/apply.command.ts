import path from 'node:path';
import { Command } from 'commander';
import { contextFor } from '../context.js';
import { addApplyOptions, renderApplied, toolkitFor, withPlanStep } from './shared.js';

export function applyCommand(): Command {
  return addApplyOptions(
    new Command('apply')
      .description(
        'bring everything in line with the files: what `mesh plan` shows, every plane (products, subscriptions, recommenders, Glue jobs)',
      )
      .argument('[plan-file]', 'apply exactly this plan, saved by `mesh plan --out` (refused if the target or files changed since)')
      .option('--acknowledge-subscribers', 'allow unpublishing a product that has subscribers'),
  ).action(async (file: string | undefined, opts: Record<string, unknown>, command: Command) => {
    const ctx = contextFor(command);
    const toolkit = await toolkitFor(ctx);
    // No file: the plan `mesh plan` shows, every plane; a file: exactly that saved plan.
    renderApplied(
      ctx,
      await withPlanStep(ctx, opts, (o) => (file === undefined ? toolkit.apply(o) : toolkit.applyPlanFile(path.resolve(file), o))),
    );
  });
}
