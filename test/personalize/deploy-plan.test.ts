// The one deploy decision (src/personalize/deploy-plan.ts), pure: create, unchanged, update, replace, and the gate
// as a planned decision with its numbers, from observed campaigns shaped as either adapter reports them.
import { describe, expect, it } from 'vitest';
import type { SolutionConfig } from '../../src/personalize/config.js';
import { enforceDeployPlan, planDeploy } from '../../src/personalize/deploy-plan.js';
import type { ObservedCampaign } from '../../src/personalize/port.js';

const solution = { name: 'personalized', campaign: { minProvisionedTPS: 1 } } as SolutionConfig;
const gate = { metric: 'ndcg', threshold: 0.01 };
const v = (n: number, ndcg?: number) => ({ arn: `arn:v${n}`, ...(ndcg === undefined ? {} : { metrics: { ndcg } }) });
const plan = (o: Omit<ObservedCampaign, 'solution' | 'campaignName'>, minProvisionedTPS?: number) =>
  planDeploy({
    solutions: [solution],
    observed: [{ solution: 'personalized', campaignName: 'recs-personalized', ...o }],
    gate,
    ...(minProvisionedTPS ? { minProvisionedTPS } : {}),
  });

describe('planDeploy', () => {
  it('creates a missing campaign (first deployment) and leaves a current one unchanged', () => {
    expect(plan({ candidate: v(1, 0.3) }).decisions[0]).toMatchObject({ action: 'create', candidate: 'arn:v1', gate: { pass: true } });
    const same = plan({ candidate: v(1), campaign: { arn: 'arn:c', serving: v(1), minProvisionedTPS: 1 } }).decisions[0];
    expect(same).toMatchObject({ action: 'unchanged', campaignArn: 'arn:c' });
    expect(same?.gate).toBeUndefined();
  });

  it('updates the TPS without a gate, and a new version with the gate and its numbers', () => {
    expect(plan({ candidate: v(1), campaign: { arn: 'arn:c', serving: v(1), minProvisionedTPS: 1 } }, 2).decisions[0]).toMatchObject({
      action: 'update',
      minProvisionedTPS: 2,
      reason: 'minProvisionedTPS 1 → 2',
    });
    const worse = plan({ candidate: v(2, 0.25), campaign: { arn: 'arn:c', serving: v(1, 0.3), minProvisionedTPS: 1 } });
    expect(worse.decisions[0]).toMatchObject({
      action: 'update',
      refused: true,
      deployed: 'arn:v1',
      gate: { pass: false, candidate: 0.25, deployed: 0.3 },
    });
    expect(() => enforceDeployPlan(worse, { force: false, untrainedHint: 'train' })).toThrow(
      /ndcg 0.2500 is 0.0500 below the deployed 0.3000/,
    );
    expect(enforceDeployPlan(worse, { force: true, untrainedHint: 'train' }).map((d) => d.solution)).toEqual(['personalized']);
  });

  it('replaces a failed campaign, and reports a solution with nothing trained', () => {
    const failed = plan({ candidate: v(2, 0.3), campaign: { arn: 'arn:c', status: 'CREATE FAILED', serving: v(1) } });
    expect(failed.decisions[0]).toMatchObject({ action: 'replace', campaignArn: 'arn:c' });
    const untrained = plan({});
    expect(untrained).toEqual({ decisions: [], untrained: ['personalized'] });
    expect(() => enforceDeployPlan(untrained, { force: true, untrainedHint: 'Run `mesh personalize train` first.' })).toThrow(
      expect.objectContaining({ code: 'PersonalizeNotTrained', hint: 'Run `mesh personalize train` first.' }),
    );
  });
});
