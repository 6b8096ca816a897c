/** The local target keeps everything in the workspace (.mesh/local): there is nothing to bootstrap. */
import { type Plan, summarize } from '../../engine/plan.js';

export function localBootstrapPlan(): Plan {
  const changes = [
    {
      type: 'local-target' as const,
      key: 'local-target:local',
      action: 'noop' as const,
      ref: { plane: 'bootstrap' as const, type: 'local-target' as const, id: 'local', label: 'local target' },
      reason: 'the local target needs nothing bootstrapped (its catalog, object store and log live in .mesh/local)',
      dependsOn: [],
    },
  ];
  return { changes, summary: summarize(changes) };
}
