import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliRun, runMesh } from '../support/cli-harness.js';
import { makeWorkspace } from './helpers.js';

let root: string;

/** Runs `mesh …` in-process; returns exit code, stdout and stderr. */
function mesh(...args: string[]): Promise<CliRun> {
  return runMesh(['--cwd', root, '--no-color', ...args]);
}

beforeAll(() => {
  // A real workspace on disk: mesh.yaml, a consumer domain whose personalize.yaml reads ready CSVs.
  root = makeWorkspace('mesh-pcli-');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('mesh personalize (CLI)', () => {
  it('train, deploy and recommend --json print the documented shapes on stdout only', async () => {
    const train = await mesh('personalize', 'train', '--json');
    expect(train.code, train.stderr).toBe(0);
    const trained = JSON.parse(train.stdout) as { version: number; solutions: { solution: string; metrics: Record<string, number> }[] };
    expect(trained.version).toBe(1);
    expect(trained.solutions[0]?.metrics).toHaveProperty('normalized_discounted_cumulative_gain_at_10');

    const deploy = await mesh('personalize', 'deploy', '--json');
    expect(deploy.code, deploy.stderr).toBe(0);
    expect(JSON.parse(deploy.stdout)).toMatchObject({ target: 'local', outputs: { trackingId: expect.any(String) } });

    const rec = await mesh('personalize', 'recommend', '--user', 'user-000001', '--num', '5', '--json');
    expect(rec.code, rec.stderr).toBe(0);
    const body = JSON.parse(rec.stdout) as { itemList: { itemId: string; score: number }[]; recommendationId: string };
    expect(Object.keys(body).sort()).toEqual(['itemList', 'recommendationId']);
    expect(body.itemList).toHaveLength(5);
    expect(Object.keys(body.itemList[0] ?? {}).sort()).toEqual(['itemId', 'score']);

    const human = await mesh('personalize', 'recommend', '--item', 'song-00001', '--num', '3');
    expect(human.stdout.split('\n')[0]).toMatch(/^#\s+item\s+score$/);
  });

  it('usage errors exit 2 with a hint; a refused deploy exits 1', async () => {
    const none = await mesh('personalize', 'recommend');
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('Give --user <id> or --item <id>');
    const tps = await mesh('personalize', 'deploy', '--min-tps', '99');
    expect(tps.code).toBe(2);
    expect(tps.stderr).toContain('[PersonalizeTpsAboveCeiling]');
    expect(tps.stderr).toContain('hint:');
    const unknown = await mesh('personalize', 'train', '--domain', 'recomendations');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('Did you mean "recommendations"?');
  });
});
