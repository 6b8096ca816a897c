import { Command } from 'commander';
import { ExitCode, usageError } from '../../core/errors.js';
import { type CommandContext, contextFor, requestExitCode } from '../context.js';
import { loadWorkspaceFor } from './shared.js';

async function portalInputs(ctx: CommandContext) {
  const { workspace, target } = await loadWorkspaceFor(ctx);
  if (target !== 'aws') return { workspace, target, discovery: {} };
  const { AwsClients } = await import('../../aws/clients.js');
  const clients = new AwsClients({
    profile: ctx.globals.profile,
    region: ctx.globals.region,
    centralAccount: workspace.mesh.central.account,
  });
  return { workspace, target, discovery: { clients } };
}

export function portalCommand(): Command {
  const portal = new Command('portal')
    .description('serve the mesh portal: catalog search, product pages, lineage, access requests (read-only by default)')
    .option('-p, --port <port>', 'HTTP port (0 = any free port)', '7880')
    .option('--host <host>', 'address to listen on (default 127.0.0.1; anything else is reachable from other machines)')
    .option('--allow-writes', 'let the portal write access requests to the domain files')
    .action(async (opts: { port: string; host?: string; allowWrites?: boolean }, command: Command) => {
      const ctx = contextFor(command);
      const port = Number.parseInt(opts.port, 10);
      if (!/^\d+$/.test(opts.port) || port > 65535) throw usageError(`--port ${opts.port} is not a port number.`);
      const { workspace, target, discovery } = await portalInputs(ctx);
      const { startPortal } = await import('../../portal/serve.js');
      if (opts.host && opts.host !== '127.0.0.1') {
        ctx.output.warn(`The portal listens on ${opts.host}: other machines can reach it. Only 127.0.0.1 keeps it to this one.`);
      }
      const server = await startPortal({
        workspace,
        target,
        output: ctx.output,
        port,
        host: opts.host,
        allowWrites: opts.allowWrites,
        discovery,
      });
      ctx.output.info(`mesh portal on ${server.url}${opts.allowWrites ? '' : ' (read-only)'}`);
      ctx.output.info(ctx.output.style.dim('Ctrl-C stops.'));
      await new Promise<void>((resolve) => {
        if (ctx.signal.aborted) resolve();
        ctx.signal.addEventListener('abort', () => resolve(), { once: true });
      });
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
      const { workspace, target, discovery } = await portalInputs(ctx);
      const { buildStaticSite } = await import('../../portal/static-site.js');
      const site = await buildStaticSite(workspace, target, opts.out, { discovery });
      ctx.output.result(site, `Wrote the portal (${site.products} products) to ${site.out}; open ${site.out}/index.html.`);
    });
  return portal;
}
