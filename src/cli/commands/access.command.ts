import { Command } from 'commander';
import { contextFor } from '../context.js';
import { renderAccessChange, renderAccessList, requestSummary } from '../render/access.js';
import { accessDecisionCommand } from './access-decision.command.js';
import { toolkitFor } from './shared.js';

type Flags = { domain?: string; columns?: string; purpose?: string; until?: string; dryRun?: boolean; pending?: boolean; product?: string };

export function accessCommand(): Command {
  const access = new Command('access').description('access requests and approvals, kept in the domain files (reviewed in pull requests)');
  const request = new Command('request')
    .description("ask for a product's table: a pending subscription in the consumer's domain file (no grant yet)")
    .argument('<product>')
    .requiredOption('--domain <consumer>', 'the consumer domain asking')
    .option('--columns <a,b>', 'only these columns (default: the whole table)')
    .option('--purpose <text>', 'why the data is needed (required)')
    .option('--until <YYYY-MM-DD>', 'last day access is needed')
    .option('--dry-run', 'show the edit and change nothing');
  const list = new Command('list')
    .description('requests, approvals, denials and expiries across the mesh')
    .option('--pending', 'only requests waiting for a decision')
    .option('--product <product>', 'only this product')
    .option('--domain <domain>', 'only requests by or to this domain');
  const log = new Command('log')
    .description('who requested, approved, denied or revoked access to a product, when, in which commit (git history)')
    .argument('<product>');
  request.action(async (product: string, opts: Flags, cmd: Command) => {
    const ctx = contextFor(cmd);
    const change = await (await toolkitFor(ctx)).access.request({ ...opts, product, domain: opts.domain ?? '' });
    ctx.output.result(change, () => renderAccessChange(change, requestSummary(product, change)));
  });
  list.action(async (opts: Flags, cmd: Command) => {
    const ctx = contextFor(cmd);
    const entries = await (await toolkitFor(ctx)).access.list(opts);
    ctx.output.result({ entries }, () => renderAccessList(entries));
  });
  log.action(async (product: string, _opts: Flags, cmd: Command) => {
    const ctx = contextFor(cmd);
    const [history, { renderAccessLog }] = await Promise.all([(await toolkitFor(ctx)).access.log(product), import('../../access/list.js')]);
    ctx.output.result(history, () => renderAccessLog(history));
  });
  for (const c of [request, accessDecisionCommand('approve'), accessDecisionCommand('deny'), accessDecisionCommand('revoke'), list, log]) {
    access.addCommand(c);
  }
  return access;
}
