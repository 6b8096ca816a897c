// Issue 13, findings 1 and 2, reproduced on the local target exactly as reported, and refused: a table location
// that climbs out of the object store (publish-product used to delete the .csv files it found there), and a podcasts
// product whose table is the users domain's data (mesh query then returned users' emails).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storePath } from '../../src/catalog/local/object-store.js';
import { runQuery } from '../../src/catalog/local/query.js';
import { loadWorkspace } from '../../src/workspace/load.js';
import type { Workspace } from '../../src/workspace/model.js';
import { PUBLISH_ALL, runCatalog } from '../catalog/fixtures.js';
import {
  editFile,
  exampleCopy,
  lineOf,
  mesh,
  PODCASTS_BUCKET,
  PODCASTS_CONTRACT,
  PODCASTS_DOMAIN,
  removeTempDirs,
  setPodcastsLocation,
  snapshot,
  traversalTo,
  USERS_BUCKET,
  victimDir,
  writeEvilContract,
} from './location-fixture.js';

afterAll(removeTempDirs);

describe('finding 1: a table location that climbs out of the object store', () => {
  let root: string;
  let victim: string;
  let location: string;
  beforeAll(async () => {
    root = await exampleCopy();
    victim = victimDir();
    location = traversalTo(root, PODCASTS_BUCKET, path.join(victim, 'srv', 'exports'));
    setPodcastsLocation(root, location);
  }, 120_000);

  it('is the location of the report: ten or more ".." segments that resolve to the victim folder', () => {
    expect(location).toMatch(/^s3:\/\/music-podcasts-444444444444\/(\.\.\/){10,}/);
    expect(path.resolve(root, '.mesh/local/s3', location.slice('s3://'.length))).toBe(path.join(victim, 'srv', 'exports'));
  });

  it('mesh validate refuses it with file:line, the field and a hint', async () => {
    const run = await mesh(root, 'validate');
    expect(run.code).toBe(2);
    const line = lineOf(root, PODCASTS_CONTRACT, 'location: ');
    expect(run.stdout).toMatch(
      new RegExp(
        `^${PODCASTS_CONTRACT}:${line}:\\d+ {2}UnsafeLocation {2}servers\\[0\\]\\.location {2}".*" is refused: it has a "\\.\\." path segment\\.$`,
        'm',
      ),
    );
    expect(run.stdout).toContain('hint: Write the location plainly');
  });

  it('publish-product refuses it; the victim folder and the workspace files are exactly as before', async () => {
    const victimBefore = snapshot(victim);
    const filesBefore = snapshot(root, ['.mesh']);
    const run = await mesh(root, 'publish-product');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('UnsafeLocation');
    expect(snapshot(victim)).toEqual(victimBefore);
    expect(Object.keys(victimBefore)).toEqual(['srv/', 'srv/exports/', 'srv/exports/customers.csv', 'srv/exports/orders.csv']);
    expect(snapshot(root, ['.mesh'])).toEqual(filesBefore);
    expect(existsSync(path.join(root, '.mesh', 'local', 's3'))).toBe(false);
  });

  it('a workspace that skipped validation is refused too, before any change; the store refuses the path itself', async () => {
    const clean = await exampleCopy();
    const ws = await loadWorkspace(clean);
    const hostile: Workspace = {
      ...ws,
      products: ws.products.map((p) => (p.name === 'podcasts' && p.table ? { ...p, table: { ...p.table, location } } : p)),
    };
    const victimBefore = snapshot(victim);
    await expect(runCatalog(hostile, PUBLISH_ALL)).rejects.toMatchObject({ code: 'UnsafeLocation' });
    expect(() => storePath(ws.mesh.localDir, location)).toThrow(expect.objectContaining({ code: 'PathOutsideStore' }));
    expect(snapshot(victim)).toEqual(victimBefore);
    expect(existsSync(path.join(clean, '.mesh', 'local', 's3'))).toBe(false);
  });
});

describe("finding 2: a podcasts product whose table is the users domain's data", () => {
  let root: string;
  const SQL = 'select user_id, email from evil';
  beforeAll(async () => {
    root = await exampleCopy();
    const published = await mesh(root, 'publish-product', 'users');
    expect(published.code, published.stderr).toBe(0);
  }, 120_000);

  it.each([
    ["the users domain's bucket", `s3://${USERS_BUCKET}/products/users/`, 'LocationNotDeclared'],
    [
      "the podcasts bucket, then '..' into the users bucket",
      `s3://${PODCASTS_BUCKET}/../${USERS_BUCKET}/products/users/`,
      'UnsafeLocation',
    ],
  ])('%s: validate and publish-product refuse it, and the query reads no email', async (_name, location, code) => {
    const rel = writeEvilContract(root, location);
    const validate = await mesh(root, 'validate');
    expect(validate.code).toBe(2);
    expect(validate.stdout).toMatch(
      new RegExp(`^${rel}:${lineOf(root, rel, 'location: ')}:\\d+ {2}${code} {2}servers\\[0\\]\\.location`, 'm'),
    );
    if (code === 'LocationNotDeclared') {
      expect(validate.stdout).toContain(`which domain "users" declares, not "podcasts"`);
    }
    const publish = await mesh(root, 'publish-product', 'evil');
    expect(publish.code).toBe(2);
    const query = await mesh(root, 'query', '--domain', 'podcasts', SQL);
    expect(query.code).not.toBe(0);
    expect(`${query.stdout}${query.stderr}`).not.toContain('@example.com');
  });

  it('podcasts declaring the users bucket as its own is an overlap, reported in its domain file', async () => {
    writeEvilContract(root, `s3://${USERS_BUCKET}/products/users/`);
    editFile(
      root,
      PODCASTS_DOMAIN,
      `  - s3://${PODCASTS_BUCKET}/products/`,
      `  - s3://${PODCASTS_BUCKET}/products/\n  - s3://${USERS_BUCKET}/`,
    );
    const run = await mesh(root, 'validate');
    expect(run.code).toBe(2);
    const line = lineOf(root, PODCASTS_DOMAIN, `s3://${USERS_BUCKET}/`);
    expect(run.stdout).toMatch(
      new RegExp(
        `^${PODCASTS_DOMAIN}:${line}:\\d+ {2}LocationOverlap {2}locations\\[1\\] {2}"s3://${USERS_BUCKET}/" overlaps "s3://${USERS_BUCKET}/products/", declared by domain "users"\\.$`,
        'm',
      ),
    );
    editFile(root, PODCASTS_DOMAIN, `\n  - s3://${USERS_BUCKET}/`, '');
  });

  it('a workspace that skipped validation: publishing evil is refused, and the query answers no rows of users', async () => {
    const clean = await exampleCopy();
    const published = await mesh(clean, 'publish-product', 'users');
    expect(published.code, published.stderr).toBe(0);
    const ws = await loadWorkspace(clean);
    const users = ws.products.find((p) => p.name === 'users');
    if (!users?.table) throw new Error('example: users has no table');
    const evil = {
      ...users,
      name: 'evil',
      id: 'urn:mesh:music:podcasts:evil',
      domain: 'podcasts',
      table: { ...users.table, tableName: 'evil' },
    };
    // Even with the users bucket in podcasts' locations: the users domain declares it too.
    const hostile: Workspace = {
      ...ws,
      domains: ws.domains.map((d) => (d.name === 'podcasts' ? { ...d, locations: [...(d.locations ?? []), `s3://${USERS_BUCKET}/`] } : d)),
      products: [...ws.products, evil],
    };
    await expect(runCatalog(hostile, { products: ['evil'], include: { publish: true, subscriptions: false } })).rejects.toMatchObject({
      code: 'LocationNotDeclared',
    });
    await expect(runQuery(hostile, 'podcasts', SQL)).rejects.toMatchObject({ code: 'ProductNotPublished' });
  });
});
