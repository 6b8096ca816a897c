import { Command } from 'commander';
import { usageError } from '../../core/errors.js';
import { type CommandContext, contextFor } from '../context.js';
import { addApplyOptions, loadWorkspaceFor, planAndApply } from './shared.js';

interface SubscribeOptions {
  domain?: string;
  table?: boolean;
  stream?: boolean;
  function?: string;
  [key: string]: unknown;
}

/** The consumer and ports, and the domain-file edit helpers (loaded lazily with the workspace module). */
async function subscriptionTarget(ctx: CommandContext, product: string, opts: SubscribeOptions, mode: 'subscribe' | 'unsubscribe') {
  const { workspace } = await loadWorkspaceFor(ctx);
  const edits = await import('../../workspace/subscription-edits.js');
  return { ...edits.resolveSubscriptionPorts(workspace, product, opts, mode), edits };
}

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
    if (opts.function && !opts.stream) throw usageError('--function goes with --stream.');
    const { domain, table, stream, edits } = await subscriptionTarget(ctx, product, opts, 'subscribe');
    const ports = { table, stream, ...(opts.function ? { function: opts.function } : {}) };
    const kept = await edits.withSubscriptionEdit(domain, product, { kind: 'declare', ports, keep: !opts.dryRun }, () =>
      planAndApply(
        ctx,
        { subscriptions: [{ product, domain: domain.name, ...ports }], include: { publish: false, subscriptions: true } },
        opts,
      ),
    );
    if (kept) ctx.output.info(`Added the subscription to ${product} to ${domain.file}.`);
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
    const { domain, table, stream, edits } = await subscriptionTarget(ctx, product, opts, 'unsubscribe');
    // Removing a subscription is the command's purpose: its removals are confirmed by the prompt (or --yes).
    await planAndApply(
      ctx,
      { removals: [{ product, domain: domain.name, table, stream }], include: { publish: false, subscriptions: true } },
      { ...opts, allowDelete: true },
    );
    if (opts.dryRun) return;
    if (await edits.withSubscriptionEdit(domain, product, { kind: 'remove', ports: { table, stream }, keep: true }, async () => {})) {
      ctx.output.info(`Removed the subscription to ${product} from ${domain.file}.`);
    }
  });
}
