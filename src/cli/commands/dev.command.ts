import { Command } from 'commander';
import { ExitCode, usageError } from '../../core/errors.js';
import { contextFor, requestExitCode } from '../context.js';
import { toolkitFor, untilStopped } from './shared.js';

export function devCommand(): Command {
  return new Command('dev')
    .description('run the local target: consumer functions on the local streams, the Personalize-compatible API, the analytics page')
    .option('-p, --port <port>', 'HTTP port (0 = any free port)', '7878')
    .option('--no-functions', 'serve the API only, do not run the stream handlers')
    .option('--only <functions...>', 'run only these functions (`fn` or `domain/fn`)')
    .action(async (opts: { port: string; functions: boolean; only?: string[] }, command: Command) => {
      const ctx = contextFor(command);
      const port = Number.parseInt(opts.port, 10);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw usageError(`--port ${opts.port} is not a port number.`);
      const session = await (await toolkitFor(ctx)).dev({ port, functions: opts.functions, only: opts.only });
      const out = ctx.output;
      out.info(`mesh dev on ${session.url}`);
      out.info(`  recommendations  GET ${session.url}/recommendations/{userId}`);
      out.info(`  analytics        ${session.url}/analytics`);
      out.info(`  portal           ${session.url}/portal`);
      out.info(`  personalize API  AWS_ENDPOINT_URL_PERSONALIZE_EVENTS=${session.url}`);
      for (const f of session.functions) out.info(`  function         ${f}`);
      out.info(out.style.dim('Ctrl-C stops.'));
      await untilStopped(ctx);
      out.info('stopping…');
      await session.stop();
      out.result({ url: session.url, functions: session.functions, stats: session.stats() }, '');
      // Stopped by Ctrl-C (or SIGTERM): the conventional exit code for an interrupted command.
      requestExitCode(ExitCode.Interrupted);
    });
}
