import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { MeshError } from '../../src/core/errors.js';
import type { PromptPolicy } from '../../src/io/prompts.js';
import { type InitRequest, runInit } from '../../src/scaffold/init.js';
import { validateWorkspace } from '../../src/workspace/load.js';
import { promptHost } from '../support/cli-harness.js';
import { removeWorkspace, writeWorkspace } from '../workspace/fixture.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await removeWorkspace(d);
});

function quiet(): PromptPolicy & { lines: string[] } {
  const lines: string[] = [];
  return { interactive: false, log: (line) => lines.push(line), lines };
}

async function emptyDir(): Promise<string> {
  const dir = await writeWorkspace({});
  dirs.push(dir);
  return dir;
}

async function init(request: Omit<InitRequest, 'dir'> & { dir: string }, policy = quiet()) {
  return runInit(request, promptHost(policy));
}

async function expectValid(root: string): Promise<string[]> {
  const { workspace, problems } = await validateWorkspace(root);
  expect(problems.filter((p) => p.severity === 'error')).toEqual([]);
  expect(workspace).toBeDefined();
  return problems.map((p) => p.code);
}

async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await listFiles(path.join(dir, e.name), rel)));
    else out.push(rel);
  }
  return out.sort();
}

describe('mesh init (non-interactive)', () => {
  test('mesh: mesh.yaml, README and .gitignore that validate; defaults logged with their flags', async () => {
    const dir = await emptyDir();
    const policy = quiet();
    const result = await init({ dir, kind: 'mesh', name: 'music' }, policy);
    expect(result).toMatchObject({
      kind: 'mesh',
      name: 'music',
      root: dir,
      created: ['.gitignore', 'README.md', 'mesh.yaml'],
      dryRun: false,
    });
    const mesh = await readFile(path.join(dir, 'mesh.yaml'), 'utf8');
    expect(mesh.split('\n')[0]).toBe('# yaml-language-server: $schema=node_modules/mesh-cli/schema/mesh.schema.json');
    expect(mesh).toContain('name: music\n');
    expect(policy.lines).toEqual(['? Where does it run? → auto: local (--target)', '? Region → auto: us-east-1 (--region)']);
    expect(await expectValid(dir)).toEqual(['NoDomains']);
  });

  test.each(['relational', 'key-value', 'event-files'] as const)(
    'producer with %s storage: starter product, schema, sample data, export job',
    async (storage) => {
      const dir = await emptyDir();
      await init({ dir, kind: 'mesh', name: 'music' });
      const meshBefore = await readFile(path.join(dir, 'mesh.yaml'), 'utf8');
      const result = await init({ dir: path.join(dir), kind: 'producer', name: 'songs', ownerContact: 'catalog@example.com', storage });
      const exportFiles = {
        relational: ['export/glue_export_job.py', 'export/run-export.sh', 'export/unload.sql'],
        'key-value': ['export/export-table.sh', 'export/flatten.sql'],
        'event-files': ['export/ctas.sql', 'export/run-ctas.sh'],
      }[storage];
      expect(result.created).toEqual(
        [
          'domains/songs/README.md',
          'domains/songs/data/songs.csv',
          'domains/songs/domain.yaml',
          'domains/songs/products/songs.odcs.yaml',
          'domains/songs/schemas/songs-event.avsc',
          ...exportFiles.map((f) => `domains/songs/${f}`),
        ].sort(),
      );
      expect(result.edited).toEqual(['mesh.yaml']);
      const meshAfter = await readFile(path.join(dir, 'mesh.yaml'), 'utf8');
      expect(meshAfter).toBe(meshBefore.replace('domains: []\n', 'domains:\n  - domains/songs\n'));
      expect(await expectValid(dir)).toEqual([]);
      const { workspace } = await validateWorkspace(dir);
      expect(workspace?.products[0]).toMatchObject({
        name: 'songs',
        stream: { topic: 'mesh.songs.songs-events.v1' },
        owner: { team: 'songs-team', contact: 'catalog@example.com' },
      });
      expect(workspace?.domains[0]?.storage?.kind).toBe(storage);
      const job = (await Promise.all(exportFiles.map((f) => readFile(path.join(dir, 'domains/songs', f), 'utf8')))).join('\n');
      expect(job).toContain(workspace?.products[0]?.table?.location ?? 'never');
      expect(job).not.toMatch(/%[A-Za-z][\w.]*%/);
    },
  );

  test.each(['stream-handler', 'recommendations'] as const)(
    'consumer (%s): domain, starter handler, Personalize template for recommendations',
    async (useCase) => {
      const dir = await emptyDir();
      await init({ dir, kind: 'mesh', name: 'music' });
      const result = await init({ dir, kind: 'consumer', name: 'recs', ownerContact: 'ml@example.com', useCase });
      expect(result.created).toEqual(
        expect.arrayContaining(['domains/recs/domain.yaml', 'domains/recs/README.md', 'domains/recs/handlers/recs-handler/index.ts']),
      );
      const handler = await readFile(path.join(dir, 'domains/recs/handlers/recs-handler/index.ts'), 'utf8');
      expect(handler).toBe(await readFile(path.join(process.cwd(), 'templates/handlers/starter/index.ts'), 'utf8'));
      const hasPersonalizeTemplate = (await listFiles(path.join(process.cwd(), 'templates'))).includes('personalize/personalize.yaml');
      const domainYaml = await readFile(path.join(dir, 'domains/recs/domain.yaml'), 'utf8');
      if (useCase === 'recommendations' && hasPersonalizeTemplate) {
        expect(result.created).toContain('domains/recs/personalize.yaml');
        expect(domainYaml).toMatch(/^personalize: personalize\.yaml$/m);
      } else {
        expect(result.created.some((f) => f.includes('personalize'))).toBe(false);
        expect(domainYaml).not.toContain('personalize:');
      }
      expect(await expectValid(dir)).toEqual([]);
    },
  );

  test('a domain outside any workspace creates the mesh around it, named after the folder', async () => {
    const dir = path.join(await emptyDir(), 'My Music');
    const result = await init({ dir, kind: 'producer', name: 'songs', ownerContact: 'c@example.com' });
    expect(result.created).toEqual(expect.arrayContaining(['mesh.yaml', '.gitignore', 'README.md', 'domains/songs/domain.yaml']));
    expect(await readFile(path.join(dir, 'mesh.yaml'), 'utf8')).toMatch(/^name: my-music$/m);
    expect(await expectValid(dir)).toEqual([]);
  });

  test('a value without a default fails naming its flag, and nothing is written', async () => {
    const dir = await emptyDir();
    await init({ dir, kind: 'mesh', name: 'music' });
    const error = (await init({ dir, kind: 'producer', name: 'songs' }).catch((e: unknown) => e)) as MeshError;
    expect(error).toBeInstanceOf(MeshError);
    expect(error).toMatchObject({ code: 'MissingFlag', exitCode: 2, hint: 'Pass --owner-contact.' });
    expect(await listFiles(dir)).toEqual(['.gitignore', 'README.md', 'mesh.yaml']);
    const aws = (await init({ dir: await emptyDir(), kind: 'mesh', name: 'm', target: 'aws' }).catch((e: unknown) => e)) as MeshError;
    expect(aws).toMatchObject({ code: 'MissingFlag', hint: 'Pass --account.' });
    const noName = (await init({ dir, kind: 'consumer' }).catch((e: unknown) => e)) as MeshError;
    expect(noName).toMatchObject({ code: 'MissingFlag', hint: 'Pass <name>.' });
  });

  test('bad flag values are refused with the choices or a close match', async () => {
    const dir = await emptyDir();
    await expect(init({ dir, kind: 'producer', name: 'songs', ownerContact: 'c', storage: 'relationl' })).rejects.toMatchObject({
      code: 'InvalidFlag',
      hint: 'Did you mean "relational"?',
    });
    await expect(init({ dir, kind: 'mesh', name: 'm', region: 'us-est-1' })).rejects.toMatchObject({
      code: 'InvalidFlag',
      message: expect.stringContaining('did you mean us-east-1'),
    });
    await expect(init({ dir, kind: 'mesh', name: 'Music' })).rejects.toMatchObject({ code: 'InvalidFlag' });
    await expect(init({ dir, kind: 'library' })).rejects.toMatchObject({ code: 'InvalidFlag' });
    await expect(init({ dir, example: 'music' })).rejects.toMatchObject({ code: 'UnknownExample', hint: 'Examples: music-streaming.' });
    expect(await listFiles(dir)).toEqual([]);
  });

  test('never overwrites: a second init of the same domain stops and changes nothing', async () => {
    const dir = await emptyDir();
    await init({ dir, kind: 'mesh', name: 'music' });
    await init({ dir, kind: 'producer', name: 'songs', ownerContact: 'c' });
    const mesh = await readFile(path.join(dir, 'mesh.yaml'), 'utf8');
    await expect(init({ dir, kind: 'producer', name: 'songs', ownerContact: 'other' })).rejects.toMatchObject({
      code: 'FilesExist',
      exitCode: 2,
    });
    expect(await readFile(path.join(dir, 'mesh.yaml'), 'utf8')).toBe(mesh);
    await expect(init({ dir, kind: 'mesh', name: 'music' })).rejects.toMatchObject({ code: 'FilesExist' });
  });

  test('--dry-run lists the files and writes nothing', async () => {
    const dir = await emptyDir();
    await init({ dir, kind: 'mesh', name: 'music' });
    const before = await listFiles(dir);
    const result = await init({ dir, kind: 'consumer', name: 'recs', ownerContact: 'c', dryRun: true });
    expect(result.dryRun).toBe(true);
    expect(result.created).toContain('domains/recs/domain.yaml');
    expect(result.edited).toEqual(['mesh.yaml']);
    expect(await listFiles(dir)).toEqual(before);
    expect(await readFile(path.join(dir, 'mesh.yaml'), 'utf8')).toContain('domains: []');
  });

  test('inside a sub-folder of a workspace, the domain goes to the workspace root', async () => {
    const dir = await emptyDir();
    await init({ dir, kind: 'mesh', name: 'music' });
    await init({ dir, kind: 'producer', name: 'songs', ownerContact: 'c' });
    const result = await init({ dir: path.join(dir, 'domains/songs'), kind: 'consumer', name: 'recs', ownerContact: 'c' });
    expect(result.root).toBe(dir);
    expect(await readFile(path.join(dir, 'mesh.yaml'), 'utf8')).toContain('  - domains/songs\n  - domains/recs\n');
  });

  test('target aws: the mesh names its MSK cluster; the example switches its target', async () => {
    const dir = await emptyDir();
    const arn = 'arn:aws:kafka:eu-west-1:123456789012:cluster/mesh/0a1b2c3d-4e5f-6789-abcd-ef0123456789-2';
    await init({ dir, kind: 'mesh', name: 'prod', target: 'aws', account: '123456789012', region: 'eu-west-1', clusterArn: arn });
    await expect(init({ dir, kind: 'producer', name: 'songs', ownerContact: 'c' })).rejects.toMatchObject({
      code: 'MissingFlag',
      hint: 'Pass --account.',
    });
    await init({ dir, kind: 'producer', name: 'songs', ownerContact: 'c', account: '210987654321' });
    const { workspace } = await validateWorkspace(dir);
    expect(workspace?.mesh).toMatchObject({
      target: 'aws',
      streaming: { kind: 'msk', clusterArn: arn, region: 'eu-west-1', account: '123456789012' },
    });
    expect(workspace?.domains[0]?.access).toEqual({ account: '210987654321', region: 'eu-west-1' });
    const example = await emptyDir();
    await init({ dir: example, example: 'music-streaming', target: 'aws' });
    expect((await validateWorkspace(example)).workspace?.mesh.target).toBe('aws');
  });
});
