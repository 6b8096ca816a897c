import { Command } from 'commander';
import { usageError } from '../../core/errors.js';
import { contextFor } from '../context.js';
import { addApplyOptions, planAndApply } from './shared.js';

interface SubscribeOptions {
  domain?: string;
  table?: boolean;
  stream?: boolean;
  function?: string;
  [key: string]: unknown;
}

function ports(opts: SubscribeOptions): { table: boolean; stream: boolean } {
  // Neither flag: both ports the domain file declares for this product.
  if (!opts.table && !opts.stream) return { table: true, stream: true };
  return { table: Boolean(opts.table), stream: Boolean(opts.stream) };
}

export function subscribeCommand(): Command {
  return addApplyOptions(
    new Command('subscribe')
      .description('give a consumer domain a product: table grant + resource link, and/or a stream function and its mapping')
      .argument('<product>', 'the product to subscribe to')
      .option('--domain <consumer>', 'the consumer domain (required when the workspace has several)')
      .option('--table', 'the table port (grant + resource link)')
      .option('--stream', 'the stream port (function + event source mapping)')
      .option('--function <name>', 'with --stream: the function that handles the events (from the domain file)'),
  ).action(async (product: string, opts: SubscribeOptions, command: Command) => {
    const ctx = contextFor(command);
    if (opts.function && !opts.stream) throw usageError('--function goes with --stream.');
    const { table, stream } = ports(opts);
    const domain = await resolveConsumer(ctx, product, opts.domain);
    await planAndApply(
      ctx,
      {
        subscriptions: [{ product, domain, table, stream, ...(opts.function ? { function: opts.function } : {}) }],
        include: { publish: false, subscriptions: true },
      },
      opts,
    );
  });
}

export function unsubscribeCommand(): Command {
  return addApplyOptions(
    new Command('unsubscribe')
      .description('revoke a subscription: grants revoked, resource link and function mapping removed')
      .argument('<product>')
      .option('--domain <consumer>', 'the consumer domain')
      .option('--table', 'only the table port')
      .option('--stream', 'only the stream port'),
  ).action(async (product: string, opts: SubscribeOptions, command: Command) => {
    const ctx = contextFor(command);
    const { table, stream } = ports(opts);
    const domain = await resolveConsumer(ctx, product, opts.domain);
    await planAndApply(
      ctx,
      { removals: [{ product, domain, table, stream }], include: { publish: false, subscriptions: true } },
      { ...opts, allowDelete: true },
    );
  });
}

async function resolveConsumer(ctx: ReturnType<typeof contextFor>, product: string, domain: string | undefined): Promise<string> {
  if (domain) return domain;
  const { loadWorkspaceFor } = await import('./shared.js');
  const { workspace } = await loadWorkspaceFor(ctx);
  const candidates = workspace.domains.filter((d) => d.subscriptions.some((s) => s.product === product)).map((d) => d.name);
  if (candidates.length === 1 && candidates[0]) return candidates[0];
  throw usageError(
    candidates.length === 0
      ? `No domain file subscribes to "${product}".`
      : `Several domains subscribe to "${product}": ${candidates.join(', ')}.`,
    'Pass --domain <consumer>.',
  );
}
