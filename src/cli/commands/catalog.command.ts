import { Command } from 'commander';
import type { CatalogEntry, DiscoveryOptions } from '../../catalog/discovery.js';
import { formatTable, type Output } from '../../io/output.js';
import type { Target, Workspace } from '../../workspace/model.js';
import { type CommandContext, contextFor } from '../context.js';
import { loadWorkspaceFor } from './shared.js';

/** The workspace, target and discovery options (aws clients honour --profile and --region). */
async function discoveryFor(ctx: CommandContext): Promise<{ workspace: Workspace; target: Target; options: DiscoveryOptions }> {
  const { workspace, target } = await loadWorkspaceFor(ctx);
  if (target !== 'aws') return { workspace, target, options: {} };
  const { AwsClients } = await import('../../aws/clients.js');
  return {
    workspace,
    target,
    options: {
      clients: new AwsClients({ profile: ctx.globals.profile, region: ctx.globals.region, centralAccount: workspace.mesh.central.account }),
    },
  };
}

function subscriberText(e: CatalogEntry): string {
  return e.subscribers.map((s) => `${s.domain ?? s.principal}${s.columns === 'all' ? '' : `(${s.columns.join(',')})`}`).join(', ') || '-';
}

export function renderCatalog(entries: readonly CatalogEntry[], output: Output): string {
  if (entries.length === 0) return 'No products found.';
  const rows = entries.map((e) => [
    e.name,
    e.domain,
    e.owner.team,
    e.ports.table ? (e.published ? `${e.ports.table.database}.${e.ports.table.table}` : '(not published)') : '-',
    e.ports.stream?.topic ?? '-',
    String(e.columns.length),
    subscriberText(e),
  ]);
  const table = formatTable(['product', 'domain', 'owner', 'table', 'stream', 'columns', 'subscribers'], rows);
  const [head, ...rest] = table.split('\n');
  return [
    output.style.bold(head ?? ''),
    ...rest,
    '',
    output.style.dim(`${entries.length} product(s). \`mesh describe <product>\` shows one.`),
  ].join('\n');
}

export function renderProduct(e: CatalogEntry, output: Output): string {
  const s = output.style;
  const t = e.ports.table;
  const owner = `${e.owner.team}${e.owner.contact ? ` <${e.owner.contact}>` : ''}`;
  const header = [
    `${s.bold(e.name)}${e.version ? ` v${e.version}` : ''}${e.id ? s.dim(`  ${e.id}`) : ''}`,
    ...(e.description ? [`  ${e.description}`] : []),
    `  domain: ${e.domain}   owner: ${owner}${e.classification ? `   classification: ${e.classification}` : ''}`,
    `  published: ${e.published ? 'yes' : `no (run \`mesh publish-product ${e.name}\`)`}`,
  ];
  if (t) {
    const where = e.published ? `${t.database}.${t.table}  ` : '';
    const partitions = t.partitionKeys.length > 0 ? `, partitioned by ${t.partitionKeys.join(', ')}` : '';
    header.push(`  table:  ${where}${t.location} (${t.format}${partitions})`);
  }
  if (e.ports.stream) header.push(`  stream: ${e.ports.stream.topic} (${e.ports.stream.encoding})`);
  const schema = formatTable(
    ['column', 'type', 'notes', 'description'],
    e.columns.map((c) => [
      c.name,
      c.type,
      [c.partitionKey ? 'partition key' : '', c.pii ? 'PII' : ''].filter(Boolean).join(', ') || '-',
      c.description ?? '',
    ]),
  );
  return [...header, '', s.bold('Schema'), schema, '', `${s.bold('Subscribers')}: ${subscriberText(e)}`].join('\n');
}

export function catalogCommand(): Command {
  return new Command('catalog')
    .description('list data products in the central catalog: domain, owner, ports, schema size, subscribers')
    .argument('[search]', 'only products whose name, domain, owner, description or columns contain this')
    .action(async (search: string | undefined, _opts: unknown, command: Command) => {
      const ctx = contextFor(command);
      const { readCatalog, searchCatalog } = await import('../../catalog/discovery.js');
      const { workspace, target, options } = await discoveryFor(ctx);
      const found = searchCatalog(await readCatalog(workspace, target, options), search);
      ctx.output.result({ target, ...(search ? { search } : {}), products: found }, () => renderCatalog(found, ctx.output));
    });
}

export function describeCommand(): Command {
  return new Command('describe')
    .description('show one data product: owner, description, ports, schema and subscribers')
    .argument('<product>', 'the product name')
    .action(async (product: string, _opts: unknown, command: Command) => {
      const ctx = contextFor(command);
      const { describeProduct } = await import('../../catalog/discovery.js');
      const { workspace, target, options } = await discoveryFor(ctx);
      const entry = await describeProduct(workspace, target, product, options);
      ctx.output.result({ target, product: entry }, () => renderProduct(entry, ctx.output));
    });
}
