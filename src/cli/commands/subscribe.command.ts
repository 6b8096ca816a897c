import { Command } from 'commander';
import { usageError } from '../../core/errors.js';
import type { Workspace } from '../../workspace/model.js';
import { type CommandContext, contextFor } from '../context.js';
import { addApplyOptions, loadWorkspaceFor, planAndApply } from './shared.js';

interface SubscribeOptions {
  domain?: string;
  table?: boolean;
  stream?: boolean;
  function?: string;
  [key: string]: unknown;
}

/**
 * The ports a run covers. Neither flag: the ports the domain file declares. A flag for a port the file does not
 * declare adds it to the file (subscribe) or removes it (unsubscribe), so the files stay the source of truth.
 */
async function resolvePorts(
  ctx: CommandContext,
  product: string,
  opts: SubscribeOptions,
  mode: 'subscribe' | 'unsubscribe',
): Promise<{ domain: string; table: boolean; stream: boolean }> {
  const { workspace } = await loadWorkspaceFor(ctx);
  const domain = opts.domain ?? soleSubscriber(workspace, product);
  const consumer = workspace.domains.find((d) => d.name === domain);
  if (!consumer) throw usageError(`No domain named "${domain}".`, `Domains: ${workspace.domains.map((d) => d.name).join(', ')}.`);
  const declared = consumer.subscriptions.find((s) => s.product === product);
  if (!opts.table && !opts.stream) {
    if (!declared) {
      throw usageError(
        `${domain}'s domain file does not subscribe to "${product}".`,
        mode === 'subscribe' ? `Pass --table and/or --stream --function <name> to add the subscription.` : 'There is nothing to remove.',
      );
    }
    return { domain, table: Boolean(declared.table), stream: Boolean(declared.stream) };
  }
  return { domain, table: Boolean(opts.table), stream: Boolean(opts.stream) };
}

function soleSubscriber(workspace: Workspace, product: string): string {
  const candidates = workspace.domains.filter((d) => d.subscriptions.some((s) => s.product === product)).map((d) => d.name);
  if (candidates.length === 1 && candidates[0]) return candidates[0];
  throw usageError(
    candidates.length === 0
      ? `No domain file subscribes to "${product}".`
      : `Several domains subscribe to "${product}": ${candidates.join(', ')}.`,
    'Pass --domain <consumer>.',
  );
}

/**
 * Edits the domain file, runs `then` (plan and apply) against the edited workspace, and puts the file back as it was
 * when `then` fails or only previews (--dry-run): bad input never leaves a broken workspace behind.
 */
async function withDomainFileEdit(
  ctx: CommandContext,
  product: string,
  domain: string,
  edit: 'declare' | 'remove',
  ports: { table: boolean; stream: boolean; function?: string },
  keep: boolean,
  then: () => Promise<void>,
): Promise<void> {
  const { workspace } = await loadWorkspaceFor(ctx);
  const consumer = workspace.domains.find((d) => d.name === domain);
  if (!consumer) return then();
  const { readFileSync, writeFileSync } = await import('node:fs');
  const { declareSubscription, removeSubscription } = await import('../../workspace/subscription-edits.js');
  const original = readFileSync(consumer.file, 'utf8');
  const changed = edit === 'declare' ? declareSubscription(consumer, product, ports) : removeSubscription(consumer, product, ports);
  try {
    await then();
  } catch (error) {
    if (changed) writeFileSync(consumer.file, original);
    throw error;
  }
  if (!changed) return;
  if (!keep) {
    writeFileSync(consumer.file, original);
    return;
  }
  const verb = edit === 'declare' ? 'Added the subscription to' : 'Removed the subscription to';
  ctx.output.info(`${verb} ${product} ${edit === 'declare' ? 'to' : 'from'} ${consumer.file}.`);
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
    const { domain, table, stream } = await resolvePorts(ctx, product, opts, 'subscribe');
    await withDomainFileEdit(ctx, product, domain, 'declare', { table, stream, function: opts.function }, !opts.dryRun, () =>
      planAndApply(
        ctx,
        {
          subscriptions: [{ product, domain, table, stream, ...(opts.function ? { function: opts.function } : {}) }],
          include: { publish: false, subscriptions: true },
        },
        opts,
      ),
    );
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
    const { domain, table, stream } = await resolvePorts(ctx, product, opts, 'unsubscribe');
    // Removing a subscription is the command's purpose: its removals are confirmed by the prompt (or --yes).
    await planAndApply(
      ctx,
      { removals: [{ product, domain, table, stream }], include: { publish: false, subscriptions: true } },
      { ...opts, allowDelete: true },
    );
    if (!opts.dryRun) await withDomainFileEdit(ctx, product, domain, 'remove', { table, stream }, true, async () => {});
  });
}
