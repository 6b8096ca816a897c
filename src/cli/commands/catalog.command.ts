import { Command } from 'commander';
import { contextFor } from '../context.js';
import { renderCatalog, renderProduct } from '../render/catalog.js';
import { toolkitFor } from './shared.js';

export { renderProduct } from '../render/catalog.js';

export function catalogCommand(): Command {
  return new Command('catalog')
    .description('list data products in the central catalog: domain, owner, ports, schema size, subscribers')
    .argument('[search]', 'only products whose name, domain, owner, description or columns contain this')
    .action(async (search: string | undefined, _opts: unknown, command: Command) => {
      const ctx = contextFor(command);
      const { target, products } = await (await toolkitFor(ctx)).catalog(search);
      ctx.output.result({ target, ...(search ? { search } : {}), products }, () => renderCatalog(products, ctx.output));
    });
}

export function describeCommand(): Command {
  return new Command('describe')
    .description('show one data product: owner, description, ports, schema and subscribers')
    .argument('<product>', 'the product name')
    .action(async (product: string, _opts: unknown, command: Command) => {
      const ctx = contextFor(command);
      const { target, product: entry } = await (await toolkitFor(ctx)).describe(product);
      ctx.output.result({ target, product: entry }, () => renderProduct(entry, ctx.output));
    });
}
