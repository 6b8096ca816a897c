import { didYouMean, MeshError } from '../core/errors.js';
import type { Domain, Workspace } from './model.js';

/**
 * The domain named `name`, or MeshError `UnknownDomain` (exit 2) with a "did you mean" or the list of domains.
 * `context` says who asked, e.g. `product podcasts` or `subscribe`; it is put in front of the message.
 * The one place "no domain named X" is written: every command and plane looks domains up through it.
 */
export function requireDomain(ws: Pick<Workspace, 'domains'>, name: string, context?: string): Domain {
  const domain = ws.domains.find((d) => d.name === name);
  if (domain) return domain;
  const names = ws.domains.map((d) => d.name);
  throw new MeshError('UnknownDomain', `${context ? `${context}: no` : 'No'} domain named "${name}" in the workspace.`, {
    hint: didYouMean(name, names) ?? `Domains: ${names.join(', ') || '(none)'}.`,
    details: { domain: name },
  });
}
