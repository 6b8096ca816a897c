/** Shapes shared by deploy and rollback on both targets. */
import { MeshError } from '../core/errors.js';
import type { SolutionConfig } from './config.js';
import type { CampaignDecision } from './deploy-plan.js';
import type { GateVerdict } from './gate.js';

export interface DeployInput {
  readonly solutions?: readonly string[];
  readonly force?: boolean;
  /** Overrides campaign.minProvisionedTPS (checked against maxProvisionedTPS before any call). */
  readonly minProvisionedTPS?: number;
  /** Decide (gate included) and report; create, update and write nothing. */
  readonly dryRun?: boolean;
}

export interface CampaignDeployment {
  readonly solution: string;
  readonly campaignArn: string;
  readonly solutionVersionArn: string;
  readonly previousVersionArn?: string;
  readonly action: 'create' | 'update' | 'replace' | 'unchanged' | 'rollback';
  readonly minProvisionedTPS: number;
  readonly gate?: GateVerdict;
}

/** What a deploy reports for one planned decision, once the campaign's ARN is known. */
export function deploymentOf(d: CampaignDecision, campaignArn: string): CampaignDeployment {
  return {
    solution: d.solution,
    campaignArn,
    solutionVersionArn: d.candidate,
    ...(d.deployed && d.deployed !== d.candidate ? { previousVersionArn: d.deployed } : {}),
    action: d.action,
    minProvisionedTPS: d.minProvisionedTPS,
    ...(d.gate ? { gate: d.gate } : {}),
  };
}

/** The solutions that have a campaign (optionally only those named). */
export function campaignSolutions(solutions: readonly SolutionConfig[], names?: readonly string[]): SolutionConfig[] {
  const chosen = solutions.filter((s) => s.campaign && (!names || names.includes(s.name)));
  if (chosen.length === 0) {
    throw new MeshError(
      'PersonalizeNoCampaign',
      names ? `No solution named ${names.join(', ')} has a campaign.` : 'No solution in personalize.yaml has a campaign.',
      {
        hint: 'Add `campaign: { minProvisionedTPS: 1 }` to the solution that should serve recommendations.',
      },
    );
  }
  return chosen;
}

/**
 * Cost safety: a campaign's minProvisionedTPS is billed every hour whether used or not. Refuses (before any call)
 * a TPS above the configured ceiling.
 */
export function checkTpsCeiling(solutions: readonly SolutionConfig[], ceiling: number, override: number | undefined, file: string): void {
  for (const s of solutions) {
    const tps = override ?? s.campaign?.minProvisionedTPS ?? 1;
    if (tps > ceiling) {
      throw new MeshError(
        'PersonalizeTpsAboveCeiling',
        `The campaign of solution "${s.name}" would provision ${tps} TPS, above the ceiling of ${ceiling} (maxProvisionedTPS in ${file}). Nothing was changed.`,
        {
          hint: `Lower ${override !== undefined ? '--min-tps' : `solutions.${s.name}.campaign.minProvisionedTPS`}, or raise maxProvisionedTPS if you mean to pay for ${tps} TPS around the clock.`,
        },
      );
    }
  }
}
