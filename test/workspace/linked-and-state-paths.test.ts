// Files a team's workspace files name are checked where they really are, not only as written. A team can commit a
// symbolic link (git keeps them): `data/orders.csv` → a file outside the workspace was inside it as written, so
// `mesh validate` printed that file's first line in its problems, local publishing copied it into the object store,
// and an event schema linked to a JSON file printed its `type`. And a path may not lead into mesh's own folders
// (`.mesh/`, the local target's folder), which hold every domain's published data: a product's sample data pointing
// there would be published as this product's rows.
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadPersonalizeConfig } from '../../src/personalize/config.js';
import { validateWorkspace } from '../../src/workspace/load.js';
import { INTERACTIONS_AVSC } from '../personalize/helpers.js';
import { edit, type Files, removeWorkspace, validFiles, writeWorkspace } from './fixture.js';

const ORDERS = 'domains/shop/products/orders.odcs.yaml';
const SECRET = 'ghp_LINKEDSECRET0123456789';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const clean of cleanups.splice(0)) await clean();
});

async function workspace(files: Files): Promise<string> {
  const root = await writeWorkspace(files);
  cleanups.push(() => removeWorkspace(root));
  return root;
}

/** A folder outside every workspace, holding one file with a secret in it. */
async function outsideFile(name: string, text: string): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mesh-outside-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const file = path.join(dir, name);
  await writeFile(file, text);
  return file;
}

async function replaceWithLink(root: string, rel: string, target: string): Promise<void> {
  await rm(path.join(root, rel), { force: true, recursive: true });
  await mkdir(path.dirname(path.join(root, rel)), { recursive: true });
  await symlink(target, path.join(root, rel));
}

async function problemsOf(root: string): Promise<{ codes: string[]; text: string }> {
  const { problems } = await validateWorkspace(root);
  const errors = problems.filter((p) => p.severity === 'error');
  return { codes: errors.map((p) => `${p.code} ${p.file}`), text: JSON.stringify(problems) };
}

describe('paths through symbolic links', () => {
  it('refuses sample data linked to a file outside the workspace, without printing it', async () => {
    const root = await workspace(validFiles());
    await replaceWithLink(root, 'domains/shop/data/orders.csv', await outsideFile('orders.csv', `${SECRET},1\n`));
    const { codes, text } = await problemsOf(root);
    expect(codes).toEqual([`PathEscapesWorkspace ${ORDERS}`]);
    expect(text).not.toContain(SECRET);
  });

  it('refuses an event schema linked to a file outside the workspace, without printing it', async () => {
    const root = await workspace(validFiles());
    await replaceWithLink(root, 'domains/shop/schemas/order.avsc', await outsideFile('x.json', `{"type":"${SECRET}"}`));
    const { codes, text } = await problemsOf(root);
    expect(codes).toEqual([`PathEscapesWorkspace ${ORDERS}`]);
    expect(text).not.toContain(SECRET);
  });

  it('refuses a product contract, matched by the default pattern, that links outside the workspace', async () => {
    const root = await workspace(validFiles());
    const outside = await outsideFile('stolen.odcs.yaml', `name: ${SECRET}\n`);
    await symlink(outside, path.join(root, 'domains/shop/products/stolen.odcs.yaml'));
    const { codes, text } = await problemsOf(root);
    expect(codes).toEqual(['PathEscapesWorkspace domains/shop/domain.yaml']);
    expect(text).toContain('domains/shop/products/stolen.odcs.yaml leads outside the workspace');
    expect(text).not.toContain(SECRET);
  });

  it('refuses a domain folder that is a link to a folder outside the workspace', async () => {
    const files = validFiles();
    const root = await workspace(files);
    const outside = path.dirname(await outsideFile('domain.yaml', files['domains/insights/domain.yaml'] as string));
    await replaceWithLink(root, 'domains/insights', outside);
    const { codes } = await problemsOf(root);
    expect(codes).toContain('PathEscapesWorkspace mesh.yaml');
  });

  it('still follows a link that stays inside the domain folder', async () => {
    const root = await workspace(edit(validFiles(), ORDERS, 'value: ../data/orders.csv', 'value: ../data/latest.csv'));
    await symlink('orders.csv', path.join(root, 'domains/shop/data/latest.csv'));
    expect((await problemsOf(root)).codes).toEqual([]);
  });

  it('refuses a dangling link: where a write through it would land is not known', async () => {
    const root = await workspace(validFiles());
    await replaceWithLink(root, 'domains/shop/data/orders.csv', path.join(os.tmpdir(), 'mesh-no-such-folder', 'x.csv'));
    expect((await problemsOf(root)).codes).toEqual([`PathEscapesWorkspace ${ORDERS}`]);
  });
});

describe("sample data is the product's own file", () => {
  it("refuses another domain's file (PathEscapesDomain)", async () => {
    const files = { ...validFiles(), 'domains/insights/data/private.csv': 'order_id,amount\n' };
    const root = await workspace(edit(files, ORDERS, 'value: ../data/orders.csv', 'value: ../../insights/data/private.csv'));
    expect((await problemsOf(root)).codes).toEqual([`PathEscapesDomain ${ORDERS}`]);
  });

  it("refuses a link from the domain folder into the local target's object store", async () => {
    const root = await workspace(validFiles());
    const published = path.join(root, '.mesh/local/s3/other-bucket/products/users/part-0.csv');
    await mkdir(path.dirname(published), { recursive: true });
    await writeFile(published, `order_id,amount\n${SECRET},1\n`);
    await replaceWithLink(root, 'domains/shop/data/orders.csv', published);
    const { codes, text } = await problemsOf(root);
    expect(codes).toEqual([`PathEscapesDomain ${ORDERS}`]);
    expect(text).not.toContain(SECRET);
  });

  it("refuses an event schema in mesh's state folder", async () => {
    const root = await workspace(
      edit(validFiles(), ORDERS, 'eventSchema: ../schemas/order.avsc', 'eventSchema: ../../../.mesh/state/order.avsc'),
    );
    await mkdir(path.join(root, '.mesh/state'), { recursive: true });
    await writeFile(path.join(root, '.mesh/state/order.avsc'), `{"type":"${SECRET}"}`);
    const { codes, text } = await problemsOf(root);
    expect(codes).toEqual([`PathEscapesWorkspace ${ORDERS}`]);
    expect(text).toContain("into mesh's own state folder");
    expect(text).not.toContain(SECRET);
  });
});

describe('personalize.yaml paths', () => {
  const schema = INTERACTIONS_AVSC;

  async function recommendations(csv: string): Promise<{ root: string; file: string; domainDir: string }> {
    const root = await workspace({
      'domains/recs/schemas/interactions.avsc': schema,
      'domains/recs/personalize.yaml': [
        'datasetGroup: recs',
        'datasets:',
        '  interactions:',
        '    schema: schemas/interactions.avsc',
        '    source:',
        `      csv: ${csv}`,
        'solutions:',
        '  personalized:',
        '    recipe: user-personalization',
        '    autoTraining: false',
        '',
      ].join('\n'),
      'domains/shop/data/private.csv': `USER_ID,ITEM_ID,TIMESTAMP\n${SECRET},i,1\n`,
    });
    return { root, file: path.join(root, 'domains/recs/personalize.yaml'), domainDir: path.join(root, 'domains/recs') };
  }

  function messageOf(load: () => unknown): string {
    try {
      load();
    } catch (error) {
      return `${(error as { code?: string }).code}: ${(error as Error).message}`;
    }
    return 'loaded';
  }

  it.each([
    ["another domain's file", '../shop/data/private.csv'],
    ['a file outside the workspace', '/etc/hostname'],
    ["mesh's state folder", '../../.mesh/local/s3/shop/private.csv'],
  ])('refuses a CSV source in %s', async (_, csv) => {
    const { root, file, domainDir } = await recommendations(csv);
    const message = messageOf(() => loadPersonalizeConfig(file, {}, { root, domainDir, localDir: path.join(root, '.mesh/local') }));
    expect(message).toMatch(/^PersonalizeConfigInvalid: datasets\.interactions\.source\.csv: /);
    expect(message).toContain(csv);
  });

  it("refuses a schema in mesh's state folder (schemas may be anywhere else in the workspace)", async () => {
    const { root, file, domainDir } = await recommendations('data/interactions.csv');
    await mkdir(path.join(root, '.mesh/state'), { recursive: true });
    await writeFile(path.join(root, '.mesh/state/interactions.avsc'), schema);
    await writeFile(
      file,
      (await readFile(file, 'utf8')).replace('schema: schemas/interactions.avsc', 'schema: ../../.mesh/state/interactions.avsc'),
    );
    const message = messageOf(() => loadPersonalizeConfig(file, {}, { root, domainDir, localDir: path.join(root, '.mesh/local') }));
    expect(message).toBe(
      "PersonalizeConfigInvalid: datasets.interactions.schema: ../../.mesh/state/interactions.avsc points into mesh's own state folder",
    );
  });

  it("accepts a CSV source in the domain's own folder", async () => {
    const { root, file, domainDir } = await recommendations('data/interactions.csv');
    const config = loadPersonalizeConfig(file, {}, { root, domainDir, localDir: path.join(root, '.mesh/local') });
    expect(config.datasets.interactions?.source).toEqual({ kind: 'csv', file: path.join(domainDir, 'data/interactions.csv') });
  });
});
