import { Command } from 'commander';
import { askConfirm } from '../../io/prompts.js';
import { contextFor } from '../context.js';
import { toolkitFor } from './shared.js';

export function unlockCommand(): Command {
  return new Command('unlock')
    .description("release the target's lock by hand, when the run that holds it is gone (the id is in the LockHeld message)")
    .argument('<id>', 'the lock id the LockHeld error names')
    .action(async (id: string, _opts: Record<string, unknown>, command: Command) => {
      const ctx = contextFor(command);
      const { describeHolder } = await import('../../lock/holder.js');
      const toolkit = await toolkitFor(ctx);
      const { target, holder, where } = await toolkit.unlock(id, (h) =>
        askConfirm(
          {
            message: `Release lock ${h.id}, held by ${describeHolder(h)}? Only if that run is gone.`,
            flag: '--yes',
            default: ctx.globals.yes ? true : undefined,
          },
          ctx.prompts,
        ),
      );
      ctx.output.result({ target, released: true, holder, lock: where }, `Released lock ${holder.id}, held by ${describeHolder(holder)}.`);
    });
}
