/** Opens the personalize port's adapter for the target. */

import { silentHost } from '../core/messages.js';
import type { PersonalizePort } from './port.js';
import type { PersonalizeProject } from './project.js';

/** What opening a port needs (a PersonalizeContext has it). */
export type PortContext = Pick<
  import('./service.js').PersonalizeContext,
  'workspace' | 'target' | 'host' | 'signal' | 'clients' | 'sleep' | 'now' | 'port'
>;

/** The target's adapter. SDK and native modules load here, lazily: the one place the target is read. */
export async function openPersonalizePort(ctx: PortContext, project: PersonalizeProject): Promise<PersonalizePort> {
  if (ctx.port) return ctx.port;
  const host = ctx.host ?? silentHost;
  if (ctx.target === 'local') {
    const { LocalPersonalizePort } = await import('./local/adapter.js');
    return new LocalPersonalizePort(project, host, ctx.signal);
  }
  const [{ AwsPersonalizePort }, { openState }, { MeshError }] = await Promise.all([
    import('./aws/adapter.js'),
    import('../engine/run.js'),
    import('../core/errors.js'),
  ]);
  if (!ctx.clients) throw new MeshError('InternalError', 'the aws personalize port needs the run’s AwsClients (the toolkit passes them)');
  return new AwsPersonalizePort({
    project,
    clients: ctx.clients,
    host,
    state: openState(ctx.workspace, 'aws'),
    ...(ctx.signal ? { signal: ctx.signal } : {}),
    ...(ctx.sleep ? { sleep: ctx.sleep } : {}),
    ...(ctx.now ? { now: ctx.now } : {}),
  });
}
