import { Command } from 'commander';
import { contextFor } from '../context.js';
import { decisionSummary, renderAccessChange } from '../render/access.js';
import { toolkitFor } from './shared.js';

const DESCRIPTIONS = {
  approve: "approve a request, in the producer's domain file (approver, date, expiry, columns)",
  deny: "deny a request, with a reason, in the producer's domain file",
  revoke: 'remove an approval; the next apply revokes the grant',
} as const;

interface DecisionFlags {
  domain?: string;
  by?: string;
  dryRun?: boolean;
  columns?: string;
  until?: string;
  reason?: string;
}

/** `mesh access approve|deny|revoke <consumer>/<product>`: an edit of the producer's domain file. */
export function accessDecisionCommand(name: keyof typeof DESCRIPTIONS): Command {
  const command = new Command(name)
    .description(DESCRIPTIONS[name])
    .argument('<request>', '<consumer>/<product>, e.g. analytics/users')
    .option('--domain <producer>', "the domain you act for (default: the domain folder you are in); must be the product's")
    .option('--by <who>', 'who decides (default: git config user.name and user.email)')
    .option('--dry-run', 'show the edit and change nothing');
  if (name === 'approve') {
    command
      .option('--columns <a,b>', 'approve only these of the requested columns')
      .option('--until <YYYY-MM-DD>', "last day of access (default: the request's)");
  } else command.option('--reason <text>', name === 'deny' ? 'why (required)' : 'why (recorded with the revocation)');
  return command.action(async (request: string, opts: DecisionFlags, cmd: Command) => {
    const ctx = contextFor(cmd);
    const change = await (await toolkitFor(ctx)).access[name]({ ...opts, request, as: opts.domain });
    ctx.output.result(change, () => renderAccessChange(change, decisionSummary(name, request, change)));
  });
}
