import { Command } from 'commander';
import { askConfirm } from '../../io/prompts.js';
import { contextFor } from '../context.js';
import { loadWorkspaceFor } from './shared.js';

export function unlockCommand(): Command {
  return new Command('unlock')
    .description("release the target's lock by hand, when the run that holds it is gone (the id is in the LockHeld message)")
    .argument('<id>', 'the lock id the LockHeld error names')
    .action(async (id: string, _opts: Record<string, unknown>, command: Command) => {
      const ctx = contextFor(command);
      const { workspace, target } = await loadWorkspaceFor(ctx);
      const { unlockTarget, describeHolder } = await import('../../engine/lock/index.js');
      const { holder, where } = await unlockTarget({
        workspace,
        target,
        id,
        aws: { profile: ctx.globals.profile, region: ctx.globals.region },
        confirm: (h) =>
          askConfirm(
            {
              message: `Release lock ${h.id}, held by ${describeHolder(h)}? Only if that run is gone.`,
              flag: '--yes',
              default: ctx.globals.yes ? true : undefined,
            },
            ctx.prompts,
          ),
      });
      ctx.output.result({ target, released: true, holder, lock: where }, `Released lock ${holder.id}, held by ${describeHolder(holder)}.`);
    });
}
