// Personalize on the one engine: `mesh plan` shows the campaigns a deploy would create (the gate's verdict in the
// reason) and outputs.json, `mesh personalize deploy` applies exactly that, and the next plan is in sync.
import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliRun, runMesh } from '../support/cli-harness.js';
import { makeWorkspace } from './helpers.js';

let root: string;
const mesh = (...args: string[]): Promise<CliRun> => runMesh(['--cwd', root, '--no-color', ...args]);

interface PlanDoc {
  readonly changes: readonly { readonly action: string; readonly type: string; readonly id: string; readonly reason: string }[];
}

beforeAll(() => {
  // A real workspace on disk: mesh.yaml, a consumer domain whose personalize.yaml reads ready CSVs.
  root = makeWorkspace('mesh-pplan-');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const personalizeChanges = (doc: PlanDoc) =>
  doc.changes.filter((c) => c.type.startsWith('personalize-')).map((c) => `${c.action} ${c.type} ${c.id}`);

describe('mesh plan with Personalize', () => {
  it('nothing trained: nothing to plan; trained: the campaigns and outputs.json; deployed: in sync', async () => {
    const untrained = await mesh('plan', '--json');
    expect(untrained.code, untrained.stderr).toBe(0);
    expect(personalizeChanges(JSON.parse(untrained.stdout) as PlanDoc)).toEqual([]);

    expect((await mesh('personalize', 'train', '--json')).code).toBe(0);
    const trained = await mesh('plan', '--json');
    const doc = JSON.parse(trained.stdout) as PlanDoc;
    expect(personalizeChanges(doc)).toEqual([
      'create personalize-campaign recommendations/personalized',
      'create personalize-campaign recommendations/similar',
      'create personalize-outputs recommendations',
    ]);
    expect(doc.changes.find((c) => c.type === 'personalize-campaign')?.reason).toContain('gate: first deployment');
    const table = await mesh('plan');
    expect(table.stdout).toContain('music-recs-personalized');

    const dry = await mesh('personalize', 'deploy', '--dry-run', '--json');
    expect(dry.code, dry.stderr).toBe(0);
    const planned = JSON.parse(dry.stdout) as {
      dryRun: boolean;
      outputs?: unknown;
      deployments: { action: string; campaignArn: string }[];
    };
    expect(planned).toMatchObject({
      dryRun: true,
      deployments: [{ action: 'create', campaignArn: '(new) music-recs-personalized' }, { action: 'create' }],
    });
    expect(planned.outputs).toBeUndefined();
    expect(personalizeChanges(JSON.parse((await mesh('plan', '--json')).stdout) as PlanDoc)).toHaveLength(3);

    const deploy = await mesh('personalize', 'deploy', '--json');
    expect(deploy.code, deploy.stderr).toBe(0);
    const deployed = JSON.parse(deploy.stdout) as { deployments: { solution: string; action: string }[] };
    expect(deployed.deployments.map((d) => `${d.solution}:${d.action}`)).toEqual(['personalized:create', 'similar:create']);

    const after = await mesh('plan', '--detailed-exitcode', '--json');
    expect(after.code, after.stdout).toBe(0);
    expect(personalizeChanges(JSON.parse(after.stdout) as PlanDoc)).toEqual([
      'noop personalize-campaign recommendations/personalized',
      'noop personalize-campaign recommendations/similar',
      'noop personalize-outputs recommendations',
    ]);
  });

  it('a saved plan applies the campaigns through the engine: `mesh plan --out` then `mesh apply <file>`', async () => {
    // the first test trained and deployed version 1; a new version (same data, same metrics) is an update
    expect((await mesh('personalize', 'train', '--json')).code).toBe(0);
    const file = path.join(root, 'plan.json');
    const saved = await mesh('plan', '--out', file, '--json');
    expect(saved.code, saved.stderr).toBe(0);
    expect(personalizeChanges(JSON.parse(saved.stdout) as PlanDoc)).toEqual([
      'update personalize-campaign recommendations/personalized',
      'update personalize-campaign recommendations/similar',
      'update personalize-outputs recommendations',
    ]);
    const applied = await mesh('apply', file, '--yes');
    expect(applied.code, applied.stderr).toBe(0);
    const status = await mesh('personalize', 'status', '--json');
    const campaigns = (JSON.parse(status.stdout) as { campaigns: Record<string, { version: number; history: number[] }> }).campaigns;
    expect(campaigns.personalized).toMatchObject({ version: 2, history: [1, 2] });
    expect((await mesh('plan', '--detailed-exitcode')).code).toBe(0);
  });

  it('plain `mesh apply` applies what `mesh plan` shows, Personalize included, and the plan is then in sync', async () => {
    expect((await mesh('personalize', 'train', '--json')).code).toBe(0);
    expect((await mesh('plan', '--detailed-exitcode')).code).toBe(3);
    const applied = await mesh('apply', '--yes', '--json');
    expect(applied.code, applied.stderr).toBe(0);
    const doc = JSON.parse(applied.stdout) as { applied: boolean; plan: PlanDoc };
    expect(doc.applied).toBe(true);
    expect(personalizeChanges(doc.plan)).toContain('update personalize-campaign recommendations/personalized');
    const status = await mesh('personalize', 'status', '--json');
    const campaigns = (JSON.parse(status.stdout) as { campaigns: Record<string, { version: number }> }).campaigns;
    expect(campaigns.personalized).toMatchObject({ version: 3 });
    expect((await mesh('plan', '--detailed-exitcode')).code).toBe(0);
  });
});
