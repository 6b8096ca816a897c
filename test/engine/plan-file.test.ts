// The saved plan, pure: written and read back unchanged, its shape checked, and compared with a fresh plan change by
// change (what was observed, what is planned, nothing more or less).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type Change, type Plan, summarize } from '../../src/engine/plan.js';
import { assertSamePlan, planDifferences, readPlanFile, savedPlanOf, writePlanFile } from '../../src/engine/plan-file.js';
import type { TopicResourceSpec } from '../../src/streams/topics/topic-spec.js';
import type { Workspace } from '../../src/workspace/model.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'mesh-plan-file-unit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const workspace = { mesh: { name: 'music', central: { account: '111111111111', region: 'us-east-1' } } } as Workspace;
const spec = (partitions: number): TopicResourceSpec => ({ name: 'songs', partitions, replicationFactor: 3, configs: {} });
const topic = (before: TopicResourceSpec | undefined, after: TopicResourceSpec, extra: Partial<Change<'topic'>> = {}): Change<'topic'> => ({
  type: 'topic',
  key: 'topic:songs',
  action: before ? 'update' : 'create',
  ref: { plane: 'streams', type: 'topic', id: 'songs' },
  reason: before ? 'more partitions' : 'does not exist',
  ...(before ? { before } : {}),
  after,
  dependsOn: [],
  ...extra,
});
const planOf = (...changes: Change[]): Plan => ({ changes, summary: summarize(changes) });
const save = (plan: Plan) =>
  savedPlanOf(plan, { workspace, target: 'local', scope: { include: { publish: true, subscriptions: true } }, meshVersion: '1.2.3' });

describe('the plan file', () => {
  it('reads back what was written, and the read-back plan is the same plan', () => {
    const plan = planOf(topic(spec(3), spec(6), { attributes: { via: 'embedded log' } }));
    const file = path.join(dir, 'plan.json');
    writePlanFile(file, save(plan));
    const back = readPlanFile(file);
    expect(back).toMatchObject({ format: 'mesh-plan', version: 1, mesh: '1.2.3', target: 'local', workspace: { name: 'music' } });
    expect(planDifferences(back, plan)).toEqual([]);
  });

  it('refuses a file of another shape, naming where it breaks', () => {
    const file = path.join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ ...save(planOf()), changes: [{ key: 'topic:songs' }] }));
    expect(() => readPlanFile(file)).toThrow(/not a mesh plan file of version 1 \(changes\.0\.type/);
  });

  it('tells what changed: the observed state, a change no longer or newly planned, or a change planned differently', () => {
    const saved = save(planOf(topic(spec(3), spec(6))));
    expect(planDifferences(saved, planOf(topic(spec(4), spec(6))))).toEqual([{ key: 'topic:songs', why: 'observed-changed' }]);
    expect(planDifferences(saved, planOf(topic(spec(3), spec(8))))).toEqual([{ key: 'topic:songs', why: 'differs' }]);
    expect(planDifferences(saved, planOf())).toEqual([{ key: 'topic:songs', why: 'no-longer-planned' }]);
    const other = {
      ...topic(undefined, spec(1)),
      key: 'topic:podcasts',
      ref: { plane: 'streams' as const, type: 'topic' as const, id: 'podcasts' },
    };
    expect(planDifferences(saved, planOf(topic(spec(3), spec(6)), other))).toEqual([{ key: 'topic:podcasts', why: 'newly-planned' }]);
    // the flag a change needs depends on the flags passed; it is checked when applying, not compared
    expect(planDifferences(saved, planOf(topic(spec(3), spec(6), { requiresFlag: '--allow-replace' })))).toEqual([]);
    expect(() => assertSamePlan(saved, planOf())).toThrow(/out of date: topic:songs \(no longer planned\)\. Nothing was applied\./);
  });
});
