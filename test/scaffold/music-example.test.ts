import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runInit } from '../../src/scaffold/init.js';
import { DEMO_LISTENS_FILE } from '../../src/scaffold/music-example.js';
import { templatesDir } from '../../src/scaffold/template-files.js';
import { validateWorkspace } from '../../src/workspace/load.js';
import { promptHost } from '../support/cli-harness.js';
import { removeWorkspace, writeWorkspace } from '../workspace/fixture.js';

async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await listFiles(path.join(dir, e.name), rel)));
    else out.push(rel);
  }
  return out.sort();
}

const FUNCTIONS: Record<string, string> = {
  'recommendations/handlers/users-handler': 'users-to-personalize',
  'recommendations/handlers/items-handler': 'items-to-personalize',
  'recommendations/handlers/interactions-handler': 'interactions-to-personalize',
  'analytics/handlers/interactions-ingestor': 'analytics-ingestor',
};

describe('mesh init --example music-streaming', () => {
  let dir: string;
  let created: readonly string[];
  beforeAll(async () => {
    dir = await writeWorkspace({});
    created = (await runInit({ dir, example: 'music-streaming' }, promptHost({ interactive: false }))).created;
  });
  afterAll(() => removeWorkspace(dir));

  test('passes mesh validate with no problem at all', async () => {
    const { workspace, problems } = await validateWorkspace(dir);
    expect(problems).toEqual([]);
    expect(workspace?.domains.map((d) => `${d.name}:${d.kind}`)).toEqual([
      'users:producer',
      'songs:producer',
      'podcasts:producer',
      'interactions:producer',
      'recommendations:consumer',
      'analytics:consumer',
    ]);
    expect(workspace?.products.map((p) => p.stream?.topic)).toEqual([
      'mesh.users.user-changes.v1',
      'mesh.songs.song-changes.v1',
      'mesh.podcasts.episode-changes.v1',
      'mesh.interactions.listens.v1',
    ]);
  });

  test('the file tree (handler and Personalize template contents aside)', async () => {
    const personalize = (await listFiles(path.join(templatesDir(), 'personalize')).catch(() => [])).map(
      (f) => `domains/recommendations/${f}`,
    );
    const tree = (await listFiles(dir)).filter((f) => !f.includes('/handlers/') && !personalize.includes(f));
    expect(created).toEqual(await listFiles(dir));
    expect(tree).toMatchSnapshot();
  });

  test('key contents', async () => {
    for (const file of [
      'mesh.yaml',
      'domains/recommendations/domain.yaml',
      'domains/recommendations/transforms/items.sql',
      'domains/analytics/domain.yaml',
      'domains/interactions/domain.yaml',
      'domains/interactions/products/interactions.odcs.yaml',
      'domains/interactions/schemas/listen.avsc',
      DEMO_LISTENS_FILE,
    ]) {
      expect(await readFile(path.join(dir, file), 'utf8')).toMatchSnapshot(file);
    }
  });

  test('sample data: header, first rows, size and digest of each CSV', async () => {
    const summary: Record<string, unknown> = {};
    for (const product of ['users', 'songs', 'podcasts', 'interactions']) {
      const text = await readFile(path.join(dir, `domains/${product}/data/${product}.csv`), 'utf8');
      const lines = text.trimEnd().split('\n');
      summary[product] = { head: lines.slice(0, 3), rows: lines.length - 1, sha256: createHash('sha256').update(text).digest('hex') };
    }
    expect(summary).toMatchSnapshot();
  });

  test('each function folder holds its handler template (or the starter when there is none)', async () => {
    for (const [folder, template] of Object.entries(FUNCTIONS)) {
      const own = path.join(templatesDir(), 'handlers', template);
      const source = (await readdir(own).catch(() => [])).length > 0 ? own : path.join(templatesDir(), 'handlers', 'starter');
      expect(await listFiles(path.join(dir, 'domains', folder))).toEqual(await listFiles(source));
      expect(await readFile(path.join(dir, 'domains', folder, 'index.ts'), 'utf8')).toBe(
        await readFile(path.join(source, 'index.ts'), 'utf8'),
      );
    }
  });

  test('the Personalize template is copied as it is, when there is one', async () => {
    const files = await listFiles(path.join(templatesDir(), 'personalize')).catch(() => [] as string[]);
    const domainYaml = await readFile(path.join(dir, 'domains/recommendations/domain.yaml'), 'utf8');
    if (files.includes('personalize.yaml')) expect(domainYaml).toMatch(/^personalize: personalize\.yaml$/m);
    else expect(domainYaml).not.toContain('personalize:');
    for (const f of files.filter((name) => !name.includes('.template.'))) {
      expect(await readFile(path.join(dir, 'domains/recommendations', f))).toEqual(
        await readFile(path.join(templatesDir(), 'personalize', f)),
      );
    }
  });

  test('a second run stops: nothing is overwritten', async () => {
    await expect(runInit({ dir, example: 'music-streaming' }, promptHost({ interactive: false }))).rejects.toMatchObject({
      code: 'FilesExist',
      exitCode: 2,
    });
  });
});
