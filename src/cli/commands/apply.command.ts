import path from 'node:path';
import { Command } from 'commander';
import { contextFor } from '../context.js';
import { addApplyOptions, planAndApply, renderApplied, toolkitFor, withPlanStep } from './shared.js';

export function applyCommand(): Command {
  return addApplyOptions(
    new Command('apply')
      .description('bring everything in line with the files: every product published, every declared subscription applied')
      .argument('[plan-file]', 'apply exactly this plan, saved by `mesh plan --out` (refused if the target or files changed since)')
      .option('--acknowledge-subscribers', 'allow unpublishing a product that has subscribers'),
  ).action(async (file: string | undefined, opts: Record<string, unknown>, command: Command) => {
    const ctx = contextFor(command);
    if (file === undefined) {
      // The same plan `mesh plan` shows: publish and subscriptions, all of them.
      await planAndApply(ctx, { include: { publish: true, subscriptions: true } }, opts);
      return;
    }
    const toolkit = await toolkitFor(ctx);
    renderApplied(ctx, await withPlanStep(ctx, opts, (o) => toolkit.applyPlanFile(path.resolve(file), o)));
  });
}
