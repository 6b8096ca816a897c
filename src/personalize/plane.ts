/**
 * The personalize plane on the one engine. For each domain with a Personalize template, every campaign is planned by
 * the pure deploy planner (deploy-plan.ts) from the newest trained version and what the campaign serves now (observed
 * through the port): create, update, replace or noop, the metrics gate's verdict and numbers in the change. Then
 * outputs.json, which the consumer functions read: it lists the campaigns and filters, and its change waits for the
 * campaigns being changed once it is written. Nothing trained: nothing to plan.
 *
 * `mesh plan` shows these with the other planes' changes (a version the gate refuses needs `--force`);
 * `mesh personalize deploy` runs the same plane in deploy mode (one domain, the chosen solutions, the gate enforced
 * while planning, before anything changes).
 */
import { MeshError } from '../core/errors.js';
import { emit } from '../core/messages.js';
import { type Change, isChangeOf, keyOf, type Plan, resourceRef, summarize } from '../engine/plan.js';
import type { PlaneEnv, PlaneModule, PlanScope } from '../engine/plane.js';
import { sameSpec } from '../engine/planner.js';
import { type CampaignDecision, type DeployPlan, enforceDeployPlan, planDeploy } from './deploy-plan.js';
import { campaignSolutions, type DeployInput } from './deployment.js';
import { openPersonalizePort, type PortContext } from './open-port.js';
import { readOutputsFile } from './outputs.js';
import type { PersonalizePort } from './port.js';
import { filtersFingerprint, openPersonalizeProject, type PersonalizeProject, personalizeDomains } from './project.js';
import { type CampaignSpec, type OutputsSpec, PERSONALIZE_TYPES } from './resources.js';

type PersonalizeChange = Change<'personalize-campaign' | 'personalize-outputs'>;

/** The deploy plan of a project: observe through the port, then the pure planner. */
export async function planPersonalizeDeploy(
  port: PersonalizePort,
  project: PersonalizeProject,
  input: { readonly solutions?: readonly string[]; readonly minProvisionedTPS?: number },
): Promise<DeployPlan> {
  const solutions = campaignSolutions(project.config.solutions, input.solutions);
  return planDeploy({
    solutions,
    observed: await port.observeCampaigns(solutions),
    gate: project.config.deployGate,
    ...(input.minProvisionedTPS !== undefined ? { minProvisionedTPS: input.minProvisionedTPS } : {}),
  });
}

const ACTION = { create: 'create', update: 'update', replace: 'replace', unchanged: 'noop' } as const;

function refFields(project: PersonalizeProject) {
  const { account, region } = project.domain.access;
  return { plane: 'personalize' as const, account, region, domain: project.domain.name };
}

/** One planned campaign decision as an engine change: the decision is the change's `after` (a complete value). */
export function campaignChange(project: PersonalizeProject, d: CampaignDecision): Change<'personalize-campaign'> {
  const domain = project.domain.name;
  const ref = resourceRef('personalize-campaign', { ...refFields(project), id: `${domain}/${d.solution}`, label: d.campaignName });
  const common = { domain, solution: d.solution, campaignName: d.campaignName, ...(d.campaignArn ? { campaignArn: d.campaignArn } : {}) };
  const after: CampaignSpec = {
    ...common,
    solutionVersionArn: d.candidate,
    minProvisionedTPS: d.minProvisionedTPS,
    ...(d.gate ? { gate: d.gate } : {}),
  };
  return {
    type: 'personalize-campaign',
    key: keyOf(ref),
    action: ACTION[d.action],
    ref,
    reason: d.gate && d.action !== 'unchanged' ? `${d.reason}; gate: ${d.gate.reason}` : d.reason,
    ...(d.campaignArn ? { before: { ...common, solutionVersionArn: d.deployed ?? '', minProvisionedTPS: 0 } } : {}),
    after,
    dependsOn: [],
    ...(d.refused ? { requiresFlag: '--force' } : {}),
    ...(d.gate ? { attributes: { gate: d.gate } } : {}),
  };
}

/** outputs.json as planned: the campaigns and filters it lists; after the campaign changes, which it then waits for. */
function outputsChange(project: PersonalizeProject, target: 'aws' | 'local', campaigns: readonly Change<'personalize-campaign'>[]) {
  const domain = project.domain.name;
  const ref = resourceRef('personalize-outputs', { ...refFields(project), id: domain, label: `outputs.json (${domain})` });
  const changing = campaigns.filter((c) => c.action !== 'noop');
  const filters = project.config.filters.map((f) => f.name).sort();
  const after: OutputsSpec = {
    domain,
    target,
    solutions: campaigns.map((c) => c.after?.solution ?? '').sort(),
    filters,
    filtersFingerprint: filtersFingerprint(project),
    waitFor: changing.flatMap((c) =>
      c.after
        ? [{ solution: c.after.solution, campaignName: c.after.campaignName, action: c.action, candidate: c.after.solutionVersionArn }]
        : [],
    ),
  };
  const written = readOutputsFile(project.paths.outputsFile);
  const before: OutputsSpec | undefined = written && {
    domain,
    target: written.target,
    solutions: Object.keys(written.campaigns)
      .filter((s) => after.solutions.includes(s))
      .sort(),
    filters: Object.keys(written.filterArns).sort(),
    filtersFingerprint: written.filtersFingerprint ?? '',
    waitFor: [],
  };
  const action = !before ? 'create' : changing.length > 0 || !sameSpec({ ...after, waitFor: [] }, before) ? 'update' : 'noop';
  const reason = !before
    ? 'not written yet'
    : changing.length > 0
      ? `lists ${changing.length} changed campaign(s); waits for them`
      : action === 'update'
        ? 'campaigns or filters differ'
        : 'up to date';
  const change: Change<'personalize-outputs'> = {
    type: 'personalize-outputs',
    key: keyOf(ref),
    action,
    ref,
    reason,
    ...(before ? { before } : {}),
    after,
    dependsOn: changing.map((c) => c.key),
  };
  return change;
}

/** The campaign decisions a plan carries, with their change keys (what `mesh personalize deploy` reports). */
export function decisionsOf(plan: Plan): { key: string; decision: CampaignDecision }[] {
  const out: { key: string; decision: CampaignDecision }[] = [];
  for (const c of plan.changes)
    if (c.type === 'personalize-campaign' && c.after) out.push({ key: c.key, decision: decisionOf(c, c.after) });
  return out;
}

/** The decision a campaign change carries, back in the deploy planner's shape. */
function decisionOf(change: Change<'personalize-campaign'>, spec: CampaignSpec): CampaignDecision {
  const action = change.action === 'noop' ? 'unchanged' : change.action;
  if (action !== 'create' && action !== 'update' && action !== 'replace' && action !== 'unchanged') {
    throw new MeshError('InternalError', `A Personalize campaign cannot be ${change.action}d (${change.key}).`);
  }
  return {
    solution: spec.solution,
    campaignName: spec.campaignName,
    action,
    reason: change.reason,
    candidate: spec.solutionVersionArn,
    minProvisionedTPS: spec.minProvisionedTPS,
    ...(spec.campaignArn ? { campaignArn: spec.campaignArn } : {}),
    ...(change.before?.solutionVersionArn ? { deployed: change.before.solutionVersionArn } : {}),
    ...(spec.gate ? { gate: spec.gate } : {}),
  };
}

export interface PersonalizePlaneOptions {
  /** `mesh personalize deploy`: this project only, these solutions and TPS, the gate enforced while planning. */
  readonly deploy?: { readonly project: PersonalizeProject; readonly input: DeployInput };
  /** Test seams and the deploy's own context (a ready port, the waiter's sleep and clock). */
  readonly context?: Partial<PortContext>;
}

export async function createPersonalizePlane(env: PlaneEnv, options: PersonalizePlaneOptions = {}): Promise<PlaneModule> {
  const ports = new Map<string, { project: PersonalizeProject; port: PersonalizePort }>();
  const portFor = async (domain: string, known?: PersonalizeProject) => {
    let open = ports.get(domain);
    if (!open) {
      const project = known ?? openPersonalizeProject(env.workspace, domain);
      const context: PortContext = {
        ...options.context,
        workspace: env.workspace,
        target: env.target,
        host: env.host,
        signal: env.signal,
        ...(env.clients ? { clients: env.clients } : {}),
      };
      open = { project, port: await openPersonalizePort(context, project) };
      ports.set(domain, open);
    }
    return open;
  };

  /** One domain's changes: its campaigns, then outputs.json (nothing when nothing is trained). */
  const planDomain = async (project: PersonalizeProject, deploy?: DeployInput): Promise<PersonalizeChange[]> => {
    const { port } = await portFor(project.domain.name, project);
    const plan = await planPersonalizeDeploy(port, project, {
      ...(deploy?.solutions ? { solutions: deploy.solutions } : {}),
      ...(deploy?.minProvisionedTPS !== undefined ? { minProvisionedTPS: deploy.minProvisionedTPS } : {}),
    });
    if (deploy) {
      for (const d of enforceDeployPlan(plan, { force: deploy.force ?? false, untrainedHint: port.untrainedHint })) {
        emit(env.host, 'warn', 'personalize.gate.forced', {
          solution: d.solution,
          reason: d.gate?.reason ?? '',
          metric: d.gate?.metric ?? project.config.deployGate.metric,
          ...(d.gate?.candidate === undefined ? {} : { candidate: d.gate.candidate }),
          ...(d.gate?.deployed === undefined ? {} : { deployed: d.gate.deployed }),
        });
      }
    }
    const campaigns = plan.decisions.map((d) => {
      const c = campaignChange(project, d);
      // --force was given: the refused version is deployed (the warning above says so)
      return deploy?.force && c.requiresFlag === '--force' ? { ...c, requiresFlag: undefined } : c;
    });
    return campaigns.length === 0 ? [] : [...campaigns, outputsChange(project, port.target, campaigns)];
  };

  return {
    planes: ['personalize'],

    async plan(scope: PlanScope): Promise<Plan> {
      const changes: PersonalizeChange[] = [];
      if (options.deploy) changes.push(...(await planDomain(options.deploy.project, options.deploy.input)));
      else if (scope.include.publish && scope.products === undefined) {
        for (const domain of personalizeDomains(env.workspace)) {
          const project = openPersonalizeProject(env.workspace, domain.name);
          if (!project.config.solutions.some((s) => s.campaign)) continue;
          try {
            changes.push(...(await planDomain(project)));
          } catch (error) {
            // aws: no dataset group yet, so nothing is trained and there is nothing to deploy.
            if ((error as { code?: string }).code !== 'PersonalizeNotTrained') throw error;
          }
        }
      }
      return { changes, summary: summarize(changes) };
    },

    async execute(change: Change): Promise<Record<string, unknown> | undefined> {
      if (!isChangeOf(change, PERSONALIZE_TYPES) || !change.after) {
        throw new MeshError('InternalError', `The personalize plane cannot apply ${change.key}.`);
      }
      const { port } = await portFor(change.after.domain);
      if (change.type === 'personalize-campaign') {
        const { campaignArn } = await port.applyCampaign(decisionOf(change, change.after));
        return { campaignArn, solutionVersionArn: change.after.solutionVersionArn };
      }
      const outputs = await port.finishDeploy(change.after);
      return { trackingId: outputs.trackingId, campaigns: outputs.campaigns };
    },

    async close(): Promise<void> {
      for (const { port } of ports.values()) await port.close();
    },
  };
}
