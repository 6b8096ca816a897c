import { Command } from 'commander';
import { formatTable } from '../../io/output.js';
import { contextFor } from '../context.js';
import { toolkitFor } from './shared.js';

function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

export function queryCommand(): Command {
  return new Command('query')
    .description('run SQL as a domain over the products it may read (its own and its subscriptions), local target')
    .argument('<sql>', 'the SQL; each product is a table named after it (dashes as underscores), e.g. songs')
    .requiredOption('--domain <domain>', 'the domain whose grants the query runs with')
    .action(async (sql: string, opts: { domain: string }, command: Command) => {
      const ctx = contextFor(command);
      const result = await (await toolkitFor(ctx)).query(opts.domain, sql);
      ctx.output.result({ domain: opts.domain, columns: result.columns, rows: result.rows }, () => {
        const table = formatTable(
          result.columns.map((c) => c.name),
          result.rows.map((row) => result.columns.map((c) => cell(row[c.name]))),
        );
        return `${table}\n${ctx.output.style.dim(`(${result.rows.length} row${result.rows.length === 1 ? '' : 's'})`)}`;
      });
    });
}
