// Hostile table locations, each refused on both targets. Local: `mesh validate` and `mesh publish-product` on the
// example (nothing outside .mesh/ changes, the victim folder neither), then the same location in a Workspace that
// skipped validation (refused before any change), and a symbolic link in the store. aws (moto, three accounts plus
// a stranger's): validation with --target aws, then the catalog plane on a Workspace that skipped validation — refused
// with no mutating AWS call — and a bucket that another account owns (S3 ExpectedBucketOwner).
import { existsSync, mkdirSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AwsCallCounter, CountingAwsClients } from '../../src/catalog/aws/call-counter.js';
import { loadWorkspace } from '../../src/workspace/load.js';
import type { Workspace } from '../../src/workspace/model.js';
import { type Fixture, musicFixture, PUBLISH_ALL, runCatalog } from '../catalog/fixtures.js';
import { createBucket } from '../catalog/moto-accounts.js';
import { freshAccountId, freshAccounts } from '../support/moto.js';
import {
  exampleCopy,
  mesh,
  PODCASTS_BUCKET,
  PODCASTS_CONTRACT,
  PODCASTS_DOMAIN,
  removeTempDirs,
  setPodcastsDeclared,
  setPodcastsLocation,
  snapshot,
  USERS_BUCKET,
  victimDir,
} from './location-fixture.js';

process.env.MESH_AWS_MAX_ATTEMPTS = '1';
afterAll(removeTempDirs);

interface Row {
  readonly name: string;
  /** The podcasts table location, with `{own}` and `{other}` standing for the podcasts and users buckets. */
  readonly location: string;
  /** What the podcasts domain declares instead of its own prefix. */
  readonly declared?: readonly string[];
  /** Problem code `mesh validate` reports, and the file it points at. */
  readonly problem: string;
  readonly file: string;
  /** Code of the error a plan from a Workspace that skipped validation fails with. */
  readonly planError: string;
}

const ROWS: readonly Row[] = [
  {
    name: '..',
    location: 's3://{own}/products/../../{other}/products/users/',
    problem: 'UnsafeLocation',
    file: PODCASTS_CONTRACT,
    planError: 'UnsafeLocation',
  },
  {
    name: '.',
    location: 's3://{own}/products/./podcasts/',
    problem: 'UnsafeLocation',
    file: PODCASTS_CONTRACT,
    planError: 'UnsafeLocation',
  },
  {
    name: '//',
    location: 's3://{own}/products//podcasts/',
    problem: 'UnsafeLocation',
    file: PODCASTS_CONTRACT,
    planError: 'UnsafeLocation',
  },
  {
    name: '%2e%2e',
    location: 's3://{own}/products/%2e%2e/%2E%2E/{other}/products/users/',
    problem: 'UnsafeLocation',
    file: PODCASTS_CONTRACT,
    planError: 'UnsafeLocation',
  },
  {
    name: '%2F',
    location: 's3://{own}/products%2F..%2F..%2F{other}/',
    problem: 'UnsafeLocation',
    file: PODCASTS_CONTRACT,
    planError: 'UnsafeLocation',
  },
  {
    name: 'backslash',
    location: 's3://{own}/products\\..\\..\\{other}\\products\\users\\',
    problem: 'UnsafeLocation',
    file: PODCASTS_CONTRACT,
    planError: 'UnsafeLocation',
  },
  {
    name: "another domain's bucket",
    location: 's3://{other}/products/users/',
    problem: 'LocationNotDeclared',
    file: PODCASTS_CONTRACT,
    planError: 'LocationNotDeclared',
  },
  {
    name: "a prefix of another domain's declared prefix",
    location: 's3://{other}/exports/',
    declared: ['s3://{other}/'],
    problem: 'LocationOverlap',
    file: PODCASTS_DOMAIN,
    planError: 'LocationNotDeclared',
  },
];

const fill = (text: string, own: string, other: string) => text.replaceAll('{own}', own).replaceAll('{other}', other);

/** The workspace with the podcasts product (and declared locations) changed as the row says, validation skipped. */
function hostile(ws: Workspace, row: Row, own: string, other: string): Workspace {
  return {
    ...ws,
    domains: ws.domains.map((d) =>
      d.name === 'podcasts' && row.declared ? { ...d, locations: row.declared.map((l) => fill(l, own, other)) } : d,
    ),
    products: ws.products.map((p) =>
      p.name === 'podcasts' && p.table ? { ...p, table: { ...p.table, location: fill(row.location, own, other) } } : p,
    ),
  };
}

describe('local target', () => {
  let victim: string;
  beforeAll(() => {
    victim = victimDir();
  });

  it.each(ROWS)('$name: validate (local and aws) and publish-product refuse it; nothing outside .mesh/ changes', async (row) => {
    const root = await exampleCopy();
    setPodcastsLocation(root, fill(row.location, PODCASTS_BUCKET, USERS_BUCKET));
    if (row.declared)
      setPodcastsDeclared(
        root,
        row.declared.map((l) => fill(l, PODCASTS_BUCKET, USERS_BUCKET)),
      );
    const files = snapshot(root, ['.mesh']);
    const victimBefore = snapshot(victim);
    for (const target of ['local', 'aws']) {
      const run = await mesh(root, 'validate', '--target', target);
      expect(run.code).toBe(2);
      expect(run.stdout).toMatch(new RegExp(`^${row.file}:\\d+:\\d+ {2}${row.problem} `, 'm'));
    }
    const publish = await mesh(root, 'publish-product');
    expect(publish.code).toBe(2);
    expect(snapshot(root, ['.mesh'])).toEqual(files);
    expect(snapshot(victim)).toEqual(victimBefore);
    expect(existsSync(path.join(root, '.mesh', 'local', 's3'))).toBe(false);
  });

  it.each(ROWS)('$name: a plan from a Workspace that skipped validation fails before any change', async (row) => {
    const root = await exampleCopy();
    const ws = hostile(await loadWorkspace(root), row, PODCASTS_BUCKET, USERS_BUCKET);
    await expect(runCatalog(ws, PUBLISH_ALL)).rejects.toMatchObject({ code: row.planError });
    expect(existsSync(path.join(root, '.mesh', 'local'))).toBe(false);
  });

  it('a symbolic link in the store that leads out of it: publish-product refuses it, the victim folder is untouched', async () => {
    const root = await exampleCopy();
    const store = path.join(root, '.mesh', 'local', 's3');
    mkdirSync(store, { recursive: true });
    symlinkSync(path.join(victim, 'srv', 'exports'), path.join(store, PODCASTS_BUCKET));
    const validate = await mesh(root, 'validate');
    expect(validate.code).toBe(0);
    const victimBefore = snapshot(victim);
    const run = await mesh(root, 'publish-product', 'podcasts');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('PathOutsideStore');
    expect(snapshot(victim)).toEqual(victimBefore);
    expect(existsSync(path.join(root, '.mesh', 'local', 'catalog.db'))).toBe(false);
    // A link deeper down, inside the bucket folder, is refused the same way.
    const deeper = await exampleCopy();
    mkdirSync(path.join(deeper, '.mesh', 'local', 's3', PODCASTS_BUCKET), { recursive: true });
    symlinkSync(victim, path.join(deeper, '.mesh', 'local', 's3', PODCASTS_BUCKET, 'products'));
    const again = await mesh(deeper, 'publish-product', 'podcasts');
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('PathOutsideStore');
    expect(snapshot(victim)).toEqual(victimBefore);
  });
});

describe('aws target (moto)', () => {
  const accounts = freshAccounts();
  const stranger = freshAccountId();
  const bucket = `music-data-${accounts.producer}`;
  const foreign = `music-foreign-${stranger}`;
  const counter = new AwsCallCounter();
  const clients = new CountingAwsClients(counter);
  let fx: Fixture;
  beforeAll(async () => {
    await createBucket(accounts.producer, bucket);
    await createBucket(stranger, foreign);
    fx = musicFixture({ target: 'aws', accounts, bucket });
  });
  afterAll(() => fx.cleanup());

  it.each(ROWS)('$name: the plan fails before any AWS call', async (row) => {
    // The fixture's producers share one bucket, each with its own prefix; "other" is the listeners' prefix.
    const ws = hostile(fx.workspace, row, `${bucket}/podcasts`, `${bucket}/listeners`);
    counter.reset();
    await expect(runCatalog(ws, PUBLISH_ALL, { plane: { clients } })).rejects.toMatchObject({ code: row.planError });
    expect(counter.calls).toEqual([]);
  });

  it('a bucket another account owns: refused at observation (ExpectedBucketOwner), one check per bucket, no mutating call', async () => {
    const ws: Workspace = {
      ...fx.workspace,
      domains: fx.workspace.domains.map((d) => (d.name === 'podcasts' ? { ...d, locations: [`s3://${foreign}/`] } : d)),
      products: fx.workspace.products.map((p) =>
        p.name === 'podcasts' && p.table ? { ...p, table: { ...p.table, location: `s3://${foreign}/podcasts/` } } : p,
      ),
    };
    counter.reset();
    const error = await runCatalog(ws, PUBLISH_ALL, { plane: { clients } }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 'BucketNotOwned', details: { bucket: foreign, account: accounts.producer } });
    expect((error as Error).message).toContain(`Bucket ${foreign} is not owned by account ${accounts.producer}`);
    expect(counter.mutating).toEqual([]);
    expect(counter.count('s3', 'GetBucketPolicy')).toBe(2); // the shared bucket and the foreign one, once each
    expect(counter.calls.filter((c) => c.service === 's3').every((c) => c.account === accounts.producer)).toBe(true);
  });
});
