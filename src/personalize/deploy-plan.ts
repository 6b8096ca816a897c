/**
 * The one deploy decision, for both targets. Pure: from what should serve (the newest trained version of each
 * solution with a campaign, at the TPS the files or --min-tps ask for) and what serves now (observed through the
 * port), it decides per campaign: create, unchanged, update or replace, with the metrics gate as part of the
 * decision (its numbers included). The adapters only carry the decisions out.
 */
import { MeshError } from '../core/errors.js';
import type { PersonalizeConfig, SolutionConfig } from './config.js';
import { evaluateGate, type GateVerdict } from './gate.js';
import type { ObservedCampaign, VersionObservation } from './port.js';

export type CampaignAction = 'create' | 'unchanged' | 'update' | 'replace';

/** One campaign's planned deploy: plain data (it is what `mesh plan` shows and what the adapters execute). */
export interface CampaignDecision {
  readonly solution: string;
  readonly campaignName: string;
  readonly action: CampaignAction;
  /** Why, in a few words (the plan's reason column). */
  readonly reason: string;
  /** The existing campaign (update, unchanged, replace). */
  readonly campaignArn?: string;
  /** The version the campaign will serve. */
  readonly candidate: string;
  /** The version it serves now. */
  readonly deployed?: string;
  readonly minProvisionedTPS: number;
  /** The metrics gate, with its numbers: evaluated on a first deployment and whenever the version changes. */
  readonly gate?: GateVerdict;
  /** The gate refuses this version (the deploy stops unless forced). */
  readonly refused?: boolean;
}

export interface DeployPlan {
  readonly decisions: readonly CampaignDecision[];
  /** Solutions with a campaign but no trained version to deploy. */
  readonly untrained: readonly string[];
}

export interface DeployPlanInput {
  readonly solutions: readonly SolutionConfig[];
  readonly observed: readonly ObservedCampaign[];
  readonly gate: PersonalizeConfig['deployGate'];
  /** --min-tps (checked against the ceiling before anything is observed). */
  readonly minProvisionedTPS?: number;
}

/** Campaign states that cannot be updated: the campaign is deleted and created again. */
const BROKEN = /FAILED/;

/** Per-split values of the gate's metric for both versions, and whether they come from the same splits. */
function splitsForGate(
  metric: string,
  candidate: VersionObservation,
  deployed: VersionObservation | undefined,
): { candidateSplits?: number[]; deployedSplits?: number[]; sameSplits?: boolean } {
  const values = (v: VersionObservation | undefined): number[] | undefined => {
    const list = v?.splitMetrics?.map((m) => m[metric]);
    return list && list.length > 1 && list.every((x) => typeof x === 'number') ? (list as number[]) : undefined;
  };
  const candidateSplits = values(candidate);
  const deployedSplits = values(deployed);
  if (!candidateSplits || !deployedSplits || !deployed) return {};
  return { candidateSplits, deployedSplits, sameSplits: candidate.splitKey !== undefined && candidate.splitKey === deployed.splitKey };
}

function gateFor(
  config: PersonalizeConfig['deployGate'],
  candidate: VersionObservation,
  deployed: VersionObservation | undefined,
): GateVerdict {
  return evaluateGate({
    ...config,
    candidate: candidate.metrics ?? {},
    ...(deployed?.metrics ? { deployed: deployed.metrics } : {}),
    ...splitsForGate(config.metric, candidate, deployed),
  });
}

/** The pure deploy planner. */
export function planDeploy(input: DeployPlanInput): DeployPlan {
  const byName = new Map(input.observed.map((o) => [o.solution, o]));
  const decisions: CampaignDecision[] = [];
  const untrained: string[] = [];
  for (const solution of input.solutions) {
    const o = byName.get(solution.name);
    if (!o?.candidate) {
      untrained.push(solution.name);
      continue;
    }
    const tps = input.minProvisionedTPS ?? solution.campaign?.minProvisionedTPS ?? 1;
    const base = { solution: solution.name, campaignName: o.campaignName, candidate: o.candidate.arn, minProvisionedTPS: tps };
    const c = o.campaign;
    if (!c) {
      const gate = gateFor(input.gate, o.candidate, undefined);
      decisions.push({ ...base, action: 'create', reason: 'no campaign yet', gate });
      continue;
    }
    const deployed = c.serving?.arn;
    const where = { campaignArn: c.arn, ...(deployed ? { deployed } : {}) };
    if (c.status && BROKEN.test(c.status)) {
      const gate = gateFor(input.gate, o.candidate, undefined);
      decisions.push({ ...base, ...where, action: 'replace', reason: `the campaign is ${c.status}: deleted and created again`, gate });
      continue;
    }
    if (deployed === o.candidate.arn) {
      const same = c.minProvisionedTPS === tps;
      decisions.push({
        ...base,
        ...where,
        action: same ? 'unchanged' : 'update',
        reason: same ? 'serves the newest version' : `minProvisionedTPS ${c.minProvisionedTPS ?? '?'} → ${tps}`,
      });
      continue;
    }
    const gate = gateFor(input.gate, o.candidate, c.serving);
    decisions.push({
      ...base,
      ...where,
      action: 'update',
      reason: 'a newer version is trained',
      gate,
      ...(gate.pass ? {} : { refused: true }),
    });
  }
  return { decisions, untrained };
}

/**
 * Stops a deploy the plan does not allow: a solution with nothing trained, or a version the gate refuses (unless
 * --force; the forced decisions are returned so the caller can say so). Called before anything changes.
 */
export function enforceDeployPlan(plan: DeployPlan, options: { force: boolean; untrainedHint: string }): CampaignDecision[] {
  const first = plan.untrained[0];
  if (first !== undefined) {
    throw new MeshError('PersonalizeNotTrained', `Solution "${first}" has no trained solution version to deploy.`, {
      hint: options.untrainedHint,
    });
  }
  const refused = plan.decisions.filter((d) => d.refused);
  const blocking = refused[0];
  if (blocking?.gate && !options.force) {
    throw new MeshError('PersonalizeGateRefused', `Not deploying solution "${blocking.solution}": ${blocking.gate.reason}.`, {
      hint: 'Improve the data or recipe and train again, raise deployGate.threshold in personalize.yaml, or pass --force to deploy anyway.',
      details: { ...blocking.gate },
    });
  }
  return refused;
}
