import { Command } from 'commander';
import { ExitCode, usageError } from '../../core/errors.js';
import { contextFor, requestExitCode } from '../context.js';
import { toolkitFor, untilStopped } from './shared.js';

export function portalCommand(): Command {
  const portal = new Command('portal')
    .description('serve the mesh portal: catalog search, product pages, lineage, access requests (read-only by default)')
    .option('-p, --port <port>', 'HTTP port (0 = any free port)', '7880')
    .option(
      '--host <host>',
      'address to listen on (default 127.0.0.1; any other is reachable from other machines, and then serves no sample rows and takes no --allow-writes)',
    )
    .option('--allow-writes', 'let the portal write access requests to the domain files')
    .action(async (opts: { port: string; host?: string; allowWrites?: boolean }, command: Command) => {
      const ctx = contextFor(command);
      const port = Number.parseInt(opts.port, 10);
      if (!/^\d+$/.test(opts.port) || port > 65535) throw usageError(`--port ${opts.port} is not a port number.`);
      const toolkit = await toolkitFor(ctx);
      await toolkit.workspace();
      if (opts.host && opts.host !== '127.0.0.1') {
        ctx.output.warn(`The portal listens on ${opts.host}: other machines can reach it. Only 127.0.0.1 keeps it to this one.`);
      }
      const server = await toolkit.startPortal({ port, host: opts.host, allowWrites: opts.allowWrites });
      ctx.output.info(`mesh portal on ${server.url}${opts.allowWrites ? '' : ' (read-only)'}`);
      ctx.output.info(ctx.output.style.dim('Ctrl-C stops.'));
      await untilStopped(ctx);
      await server.close();
      ctx.output.result({ url: server.url }, '');
      requestExitCode(ExitCode.Interrupted);
    });
  portal
    .command('build')
    .description('write the catalog, product pages and lineage as a static site that opens from file:// or any host')
    .requiredOption('--out <dir>', 'folder to write (new, empty, or a previous export)')
    .action(async (opts: { out: string }, command: Command) => {
      const ctx = contextFor(command);
      const site = await (await toolkitFor(ctx)).buildPortal(opts.out);
      ctx.output.result(site, `Wrote the portal (${site.products} products) to ${site.out}; open ${site.out}/index.html.`);
    });
  return portal;
}
