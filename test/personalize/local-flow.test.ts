import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { personalizeEnvironment, readPersonalizeOutputs } from '../../src/personalize/outputs.js';
import {
  deployPersonalize,
  personalizeStatus,
  recommendPersonalize,
  rollbackPersonalize,
  trainPersonalize,
} from '../../src/personalize/service.js';
import { type Fixture, makeFixture, recordingOutput } from './helpers.js';

let f: Fixture;
beforeEach(() => {
  f = makeFixture();
});
afterEach(() => f.cleanup());

const ctxOf = (output = recordingOutput()) => ({ workspace: f.workspace, target: 'local' as const, host: output });

describe('local: train → deploy → recommend', () => {
  it('trains a version with Personalize metric names, deploys it and serves recommendations without played items', async () => {
    const train = await trainPersonalize(ctxOf());
    expect(train.version).toBe(1);
    const personalized = train.solutions.find((s) => s.solution === 'personalized');
    expect(Object.keys(personalized?.metrics ?? {}).sort()).toEqual([
      'coverage',
      'mean_reciprocal_rank_at_25',
      'normalized_discounted_cumulative_gain_at_10',
      'normalized_discounted_cumulative_gain_at_25',
      'normalized_discounted_cumulative_gain_at_5',
      'precision_at_10',
      'precision_at_25',
      'precision_at_5',
    ]);
    // The exported CSVs follow the schema's field order.
    const csv = readFileSync(train.datasets.find((d) => d.type === 'items')?.file as string, 'utf8');
    expect(csv.split('\n')[0]).toBe('ITEM_ID,CONTENT_TYPE,GENRE');

    const deploy = await deployPersonalize(ctxOf());
    expect(deploy.deployments.map((d) => [d.solution, d.action])).toEqual([
      ['personalized', 'create'],
      ['similar', 'create'],
    ]);
    const outputs = readPersonalizeOutputs(f.workspace, 'recommendations');
    expect(outputs?.trackingId).toMatch(/^[0-9a-f-]{36}$/);
    expect(personalizeEnvironment(outputs)).toMatchObject({
      PERSONALIZE_TRACKING_ID: outputs?.trackingId,
      PERSONALIZE_ITEMS_DATASET_ARN: `arn:aws:personalize:eu-west-1:111122223333:dataset/music-recs/ITEMS`,
      PERSONALIZE_USERS_DATASET_ARN: `arn:aws:personalize:eu-west-1:111122223333:dataset/music-recs/USERS`,
    });

    const user = f.data.users[3]?.userId as string;
    const played = new Set(f.data.interactions.filter((i) => i.userId === user).map((i) => i.itemId));
    const recs = await recommendPersonalize(ctxOf(), { userId: user, numResults: 25 });
    expect(recs.itemList).toHaveLength(25);
    expect(recs.recommendationId).toMatch(/^RID-/);
    expect(recs.itemList.filter((i) => played.has(i.itemId))).toEqual([]);
    // --no-filter lets played items back in (the filter, not the engine, removed them)
    const unfiltered = await recommendPersonalize(ctxOf(), { userId: user, numResults: 100, filter: null });
    expect(unfiltered.itemList.some((i) => played.has(i.itemId))).toBe(true);

    const podcasts = await recommendPersonalize(ctxOf(), { userId: user, numResults: 10, filter: 'podcasts-only' });
    expect(podcasts.itemList.length).toBeGreaterThan(0);
    expect(podcasts.itemList.every((i) => i.itemId.startsWith('podcast-'))).toBe(true);

    const similar = await recommendPersonalize(ctxOf(), { itemId: 'song-00003', numResults: 5, filter: null });
    expect(similar.itemList).toHaveLength(5);
    expect(similar.itemList.map((i) => i.itemId)).not.toContain('song-00003');
  });

  it('deploying the same version again changes nothing; status lists versions and campaigns', async () => {
    await trainPersonalize(ctxOf());
    await deployPersonalize(ctxOf());
    const again = await deployPersonalize(ctxOf());
    expect(again.deployments.map((d) => d.action)).toEqual(['unchanged', 'unchanged']);
    const status = await personalizeStatus(ctxOf());
    expect(status.target).toBe('local');
    if (status.target !== 'local') return;
    expect(status.campaigns.personalized?.version).toBe(1);
    expect(status.versions.map((v) => v.version)).toEqual([1]);
  });

  it('gate: refuses a worse version (unless --force), accepts an equal one; rollback returns to the previous version', async () => {
    await trainPersonalize(ctxOf());
    await deployPersonalize(ctxOf());
    // Version 2 trained as popularity-count under the same solution name: clearly worse on NDCG@10.
    const { writeFileSync, readFileSync: read } = await import('node:fs');
    const file = f.domain.personalizeFile as string;
    const original = read(file, 'utf8');
    writeFileSync(file, original.replace('recipe: user-personalization', 'recipe: popularity-count'));
    const worse = await trainPersonalize(ctxOf(), { solutions: ['personalized'] });
    const v1 = (await personalizeStatus(ctxOf())) as Extract<Awaited<ReturnType<typeof personalizeStatus>>, { target: 'local' }>;
    const before = v1.versions[0]?.metrics.personalized?.normalized_discounted_cumulative_gain_at_10 as number;
    expect(worse.solutions[0]?.metrics.normalized_discounted_cumulative_gain_at_10).toBeLessThan(before - 0.01);

    await expect(deployPersonalize(ctxOf(), { solutions: ['personalized'] })).rejects.toMatchObject({ code: 'PersonalizeGateRefused' });
    const stillV1 = await personalizeStatus(ctxOf());
    expect(stillV1.target === 'local' && stillV1.campaigns.personalized?.version).toBe(1);

    const output = recordingOutput();
    const forced = await deployPersonalize(ctxOf(output), { solutions: ['personalized'], force: true });
    expect(forced.deployments[0]).toMatchObject({ action: 'update', gate: { pass: false } });
    expect(output.stderr()).toContain('--force: deploying solution "personalized" although the gate refuses it');

    const back = await rollbackPersonalize(ctxOf(), { solutions: ['personalized'] });
    expect(back.deployments[0]?.solutionVersionArn).toMatch(/music-recs-personalized\/1$/);
    expect(back.deployments[0]?.previousVersionArn).toMatch(/music-recs-personalized\/2$/);
    const after = await personalizeStatus(ctxOf());
    expect(after.target === 'local' && after.campaigns.personalized?.version).toBe(1);
    await expect(rollbackPersonalize(ctxOf(), { solutions: ['personalized'] })).rejects.toMatchObject({
      code: 'PersonalizeNothingToRollBack',
    });

    // An equally good version passes the gate.
    writeFileSync(file, original);
    await trainPersonalize(ctxOf(), { solutions: ['personalized'] });
    const ok = await deployPersonalize(ctxOf(), { solutions: ['personalized'] });
    expect(ok.deployments[0]).toMatchObject({ action: 'update', gate: { pass: true } });
  });

  it('a campaign TPS above the ceiling stops before anything changes', async () => {
    await trainPersonalize(ctxOf());
    await expect(deployPersonalize(ctxOf(), { minProvisionedTPS: 50 })).rejects.toMatchObject({
      code: 'PersonalizeTpsAboveCeiling',
      exitCode: 2,
      hint: expect.stringContaining('--min-tps'),
    });
    expect(readPersonalizeOutputs(f.workspace, 'recommendations')).toBeUndefined();
  });
});

describe('local: real-time records join the next training, as Personalize appends them to the datasets', () => {
  it('events and items put since training are in the next version; events for unknown items are left out with a warning', async () => {
    const { EventsStore } = await import('../../src/personalize/local/events-store.js');
    const { openPersonalizeProject } = await import('../../src/personalize/project.js');
    const first = await trainPersonalize(ctxOf());
    const rows = (type: string) => first.datasets.find((d) => d.type === type)?.rows ?? 0;
    const project = openPersonalizeProject(f.workspace);
    const store = await EventsStore.open(project.paths.eventsDb);
    store.putItems([{ itemId: 'podcast-new', props: { CONTENT_TYPE: 'podcast', GENRE: 'topic-1' } }]);
    store.putEvents([
      { userId: 'user-000001', sessionId: 's', itemId: 'podcast-new', eventType: 'play', sentAt: 1_800_000_000 },
      { userId: 'user-000001', sessionId: 's', itemId: 'nowhere', eventType: 'play', sentAt: 1_800_000_001 },
    ]);
    store.close();
    const output = recordingOutput();
    const second = await trainPersonalize(ctxOf(output));
    expect(second.datasets.find((d) => d.type === 'items')?.rows).toBe(rows('items') + 1);
    expect(second.datasets.find((d) => d.type === 'interactions')?.rows).toBe(rows('interactions') + 1);
    expect(output.stderr()).toContain('1 real-time event(s) name items that are in no dataset');
  });
});
