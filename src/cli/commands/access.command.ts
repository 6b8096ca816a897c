import { Command } from 'commander';
import { formatTable } from '../../io/output.js';
import { type CommandContext, contextFor } from '../context.js';
import { loadWorkspaceFor } from './shared.js';

interface Opts {
  domain?: string;
  columns?: string;
  purpose?: string;
  until?: string;
  reason?: string;
  by?: string;
  dryRun?: boolean;
  pending?: boolean;
  product?: string;
}

async function setup(ctx: CommandContext) {
  const { workspace } = await loadWorkspaceFor(ctx);
  const actions = await import('../../access/actions.js');
  const { accessNow } = await import('../../access/policy.js');
  return { workspace, actions, now: accessNow() };
}

/** Prints an access change: the written file, or (dry run) the file as it would be. */
function report(ctx: CommandContext, change: import('../../access/actions.js').AccessChange, summary: string): void {
  ctx.output.result(change, () =>
    change.written ? `${summary}\nRecorded in ${change.file}.` : `${summary}\nDry run: ${change.file} would read:\n${change.preview ?? ''}`,
  );
}

function decision(name: 'approve' | 'deny' | 'revoke', description: string): Command {
  const command = new Command(name)
    .description(description)
    .argument('<request>', '<consumer>/<product>, e.g. analytics/users')
    .option('--domain <producer>', "the domain you act for (default: the domain folder you are in); must be the product's")
    .option('--by <who>', 'who decides (default: git config user.name and user.email)')
    .option('--dry-run', 'show the edit and change nothing');
  if (name === 'approve') {
    command
      .option('--columns <a,b>', 'approve only these of the requested columns')
      .option('--until <YYYY-MM-DD>', "last day of access (default: the request's)");
  } else command.option('--reason <text>', name === 'deny' ? 'why (required)' : 'why (recorded with the revocation)');
  return command.action(async (ref: string, opts: Opts, cmd: Command) => {
    const ctx = contextFor(cmd);
    const { workspace, actions, now } = await setup(ctx);
    const base = { cwd: ctx.globals.cwd, now, dryRun: opts.dryRun, by: opts.by };
    const as = opts.domain;
    if (name === 'approve') {
      const change = await actions.approveAccess(workspace, ref, { columns: opts.columns, until: opts.until, as }, base);
      const until = change.entry.until ? ` until ${String(change.entry.until)}` : '';
      report(
        ctx,
        change,
        `Approved ${ref} (columns ${(change.entry.columns as string[]).join(', ')})${until}. The next mesh apply grants it.`,
      );
    } else if (name === 'deny') {
      report(ctx, await actions.denyAccess(workspace, ref, { reason: opts.reason, as }, base), `Denied ${ref}.`);
    } else {
      report(
        ctx,
        await actions.revokeAccess(workspace, ref, { reason: opts.reason, as }, base),
        `Revoked ${ref}. The next mesh apply revokes the grant.`,
      );
    }
  });
}

export function accessCommand(): Command {
  const access = new Command('access').description('access requests and approvals, kept in the domain files (reviewed in pull requests)');
  access.addCommand(
    new Command('request')
      .description("ask for a product's table: a pending subscription in the consumer's domain file (no grant yet)")
      .argument('<product>')
      .requiredOption('--domain <consumer>', 'the consumer domain asking')
      .option('--columns <a,b>', 'only these columns (default: the whole table)')
      .option('--purpose <text>', 'why the data is needed (required)')
      .option('--until <YYYY-MM-DD>', 'last day access is needed')
      .option('--dry-run', 'show the edit and change nothing')
      .action(async (product: string, opts: Opts, cmd: Command) => {
        const ctx = contextFor(cmd);
        const { workspace, actions, now } = await setup(ctx);
        const change = await actions.requestAccess(
          workspace,
          { product, domain: opts.domain ?? '', columns: opts.columns, purpose: opts.purpose, until: opts.until },
          { cwd: ctx.globals.cwd, now, dryRun: opts.dryRun },
        );
        const next =
          change.status === 'open'
            ? `${product} needs no approval for these columns: the next mesh apply grants it.`
            : `Pending: the ${change.producer} domain approves it with mesh access approve ${change.consumer}/${product}.`;
        report(ctx, change, `Requested ${product} for ${change.consumer}. ${next}`);
      }),
  );
  access.addCommand(decision('approve', "approve a request, in the producer's domain file (approver, date, expiry, columns)"));
  access.addCommand(decision('deny', "deny a request, with a reason, in the producer's domain file"));
  access.addCommand(decision('revoke', 'remove an approval; the next apply revokes the grant'));
  access.addCommand(
    new Command('list')
      .description('requests, approvals, denials and expiries across the mesh')
      .option('--pending', 'only requests waiting for a decision')
      .option('--product <product>', 'only this product')
      .option('--domain <domain>', 'only requests by or to this domain')
      .action(async (opts: Opts, cmd: Command) => {
        const ctx = contextFor(cmd);
        const { workspace } = await loadWorkspaceFor(ctx);
        const { listAccess } = await import('../../access/list.js');
        const entries = listAccess(workspace, opts);
        ctx.output.result({ entries }, () =>
          entries.length === 0
            ? 'No access requests match.'
            : formatTable(
                ['request', 'status', 'columns', 'until', 'by', 'date', 'purpose / reason'],
                entries.map((e) => [
                  `${e.consumer}/${e.product}`,
                  e.status,
                  e.columns?.join(',') ?? '(all)',
                  e.until ?? '',
                  e.by ?? '',
                  e.date ?? '',
                  (e.status === 'denied' || e.status === 'expired' ? e.reason : e.purpose) ?? '',
                ]),
              ),
        );
      }),
  );
  access.addCommand(
    new Command('log')
      .description('who requested, approved, denied or revoked access to a product, when, in which commit (git history)')
      .argument('<product>')
      .action(async (product: string, _opts: Opts, cmd: Command) => {
        const ctx = contextFor(cmd);
        const { workspace } = await loadWorkspaceFor(ctx);
        const { accessLog, renderAccessLog } = await import('../../access/list.js');
        const log = await accessLog(workspace, product);
        ctx.output.result(log, () => renderAccessLog(log));
      }),
  );
  return access;
}
