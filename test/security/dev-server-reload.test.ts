/**
 * Issue 13, finding 6: a running `mesh dev` kept serving the old campaign after `personalize deploy` changed its
 * filter, until restarted. Now each request checks the deployment state (campaigns.json, a stat), and a deploy or
 * rollback is served from the next request on: new default filter, changed filter expression, new version.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { GetRecommendationsCommand, PersonalizeRuntimeClient } from '@aws-sdk/client-personalize-runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { interactionsToCsv, itemsToCsv } from '../../src/personalize/recommender/index.js';
import { deployPersonalize, rollbackPersonalize, trainPersonalize } from '../../src/personalize/service.js';
import { recordingOutput } from '../personalize/helpers.js';
import { type DevFixture, startDevFixture } from './dev-server-fixture.js';

let dev: DevFixture;
let runtime: PersonalizeRuntimeClient;
let user: string;

beforeAll(async () => {
  dev = await startDevFixture();
  runtime = new PersonalizeRuntimeClient({
    endpoint: dev.server.url,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'any', secretAccessKey: 'any' },
  });
  user = dev.f.data.users[3]?.userId as string;
});

afterAll(async () => {
  runtime?.destroy();
  await dev?.close();
});

const ctx = () => ({ workspace: dev.f.workspace, target: 'local' as const, host: recordingOutput() });
const yamlFile = () => dev.f.domain.personalizeFile as string;
function editYaml(from: string, to: string): void {
  const text = readFileSync(yamlFile(), 'utf8');
  expect(text).toContain(from);
  writeFileSync(yamlFile(), text.replace(from, to));
}

async function recommendations(query = 'num=40'): Promise<string[]> {
  const res = await fetch(`${dev.server.url}/recommendations/${encodeURIComponent(user)}?${query}`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { itemList: { itemId: string }[] }).itemList.map((i) => i.itemId);
}
const songs = (ids: string[]) => ids.filter((id) => id.startsWith('song-'));
const podcasts = (ids: string[]) => ids.filter((id) => id.startsWith('podcast-'));

describe('a running dev server serves what the last deploy wrote, without a restart', () => {
  it('a new default filter is served after `personalize deploy`, not before', async () => {
    const before = await recommendations();
    expect(songs(before).length).toBeGreaterThan(0);

    editYaml('defaultFilter: exclude-played', 'defaultFilter: podcasts-only');
    // Editing personalize.yaml is not deploying it: the server still serves the deployed filter.
    expect(await recommendations()).toEqual(before);

    await deployPersonalize(ctx());
    const after = await recommendations();
    expect(after.length).toBeGreaterThan(0);
    expect(songs(after)).toEqual([]);
  });

  it('a changed filter expression is served after deploy (GetRecommendations with its filterArn)', async () => {
    const filterArn = dev.outputs.filterArns['podcasts-only'] as string;
    const ask = async () =>
      (
        await runtime.send(new GetRecommendationsCommand({ campaignArn: dev.outputs.campaignArn, userId: user, numResults: 30, filterArn }))
      ).itemList?.map((i) => i.itemId as string) ?? [];
    expect(songs(await ask())).toEqual([]);

    editYaml(
      'podcasts-only: INCLUDE ItemID WHERE Items.CONTENT_TYPE IN ("podcast")',
      'podcasts-only: INCLUDE ItemID WHERE Items.CONTENT_TYPE IN ("song")',
    );
    await deployPersonalize(ctx());
    const changed = await ask();
    expect(changed.length).toBeGreaterThan(0);
    expect(podcasts(changed)).toEqual([]);
  });

  it('a new solution version is served after deploy, and the old one again after rollback', async () => {
    const v1 = await recommendations('num=20&filter=none');
    const dropped = new Set(v1.slice(0, 5));
    // Version 2 is trained without the user's five top items: it cannot recommend them.
    const data = dev.f.data;
    const dir = path.join(path.dirname(yamlFile()), 'data');
    writeFileSync(path.join(dir, 'items.csv'), itemsToCsv(data.items.filter((i) => !dropped.has(i.itemId))));
    writeFileSync(path.join(dir, 'interactions.csv'), interactionsToCsv(data.interactions.filter((i) => !dropped.has(i.itemId))));
    await trainPersonalize(ctx());
    await deployPersonalize(ctx(), { force: true });

    const v2 = await recommendations('num=20&filter=none');
    expect(v2).toHaveLength(20);
    expect(v2.filter((id) => dropped.has(id))).toEqual([]);

    await rollbackPersonalize(ctx());
    expect(await recommendations('num=20&filter=none')).toEqual(v1);
  });
});
