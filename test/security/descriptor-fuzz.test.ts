// The descriptor fuzzing of test/workspace/property.test.ts carried past `validate`: generated table locations
// (hostile segments, encodings, traversals aimed at a victim folder), declared locations and local server paths go
// through `validate`, `publish-product --dry-run`, `plan` and `subscribe --dry-run`. Whatever the files say, no file
// outside .mesh/ changes, the victim folder neither, and every command either succeeds or fails with a coded error.
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, test } from 'vitest';
import { parseDocument } from 'yaml';
import { edit, validFiles, writeWorkspace } from '../workspace/fixture.js';
import { mesh, removeTempDirs, snapshot, victimDir } from './location-fixture.js';

afterAll(removeTempDirs);

const SHOP = 'domains/shop/domain.yaml';
const ORDERS = 'domains/shop/products/orders.odcs.yaml';
const INSIGHTS = 'domains/insights/domain.yaml';
const victim = victimDir();
const victimRel = path.relative('/', path.join(victim, 'srv', 'exports'));

const segment = fc.constantFrom('products', 'orders', 'x', '..', '.', '', '%2e%2e', '%2E', '%2F', '%2f..', '..\\..', 'a\\b', victimRel);
const bucket = fc.constantFrom('demo-shop-222222222222', 'demo-other-222222222222');
const s3Location = fc.oneof(
  fc
    .tuple(bucket, fc.array(segment, { maxLength: 5 }), fc.boolean())
    .map(([b, segs, slash]) => `s3://${b}/${segs.join('/')}${slash ? '/' : ''}`),
  fc.integer({ min: 1, max: 14 }).map((n) => `s3://demo-shop-222222222222/${'../'.repeat(n)}${victimRel}/`),
  fc.constant('s3://demo-shop-222222222222/products/orders/'),
);
const localPath = fc.constantFrom('../data', '../../insights/data', `${'../'.repeat(12)}${victimRel}`, '../products/../data', 'tables');
const declared = fc.subarray([
  's3://demo-shop-222222222222/products/',
  's3://demo-shop-222222222222/',
  's3://demo-other-222222222222/x/',
  's3://demo-shop-222222222222/../',
]);
const insightsDeclared = fc.option(
  fc.constantFrom(
    's3://demo-shop-222222222222/products/orders/',
    's3://demo-other-222222222222/',
    's3://demo-shop-222222222222/productsX/',
  ),
);

const caseArb = fc.record({
  server: fc.oneof(
    s3Location.map((location) => ({ type: 's3' as const, location })),
    localPath.map((p) => ({ type: 'local' as const, path: p })),
  ),
  shopDeclared: declared,
  insightsDeclared,
});
type Case = typeof caseArb extends fc.Arbitrary<infer T> ? T : never;

function filesFor(c: Case): Record<string, string> {
  const files = validFiles();
  const contract = parseDocument(files[ORDERS] ?? '');
  contract.setIn(['servers', 0], contract.createNode({ server: 'lake', ...c.server, format: 'csv' }));
  const shop = parseDocument(files[SHOP] ?? '');
  shop.set('locations', shop.createNode(c.shopDeclared));
  const out: Record<string, string> = { ...files, [ORDERS]: contract.toString(), [SHOP]: shop.toString() };
  if (c.insightsDeclared)
    return edit(out, INSIGHTS, 'account: "333333333333"', `account: "333333333333"\nlocations: ["${c.insightsDeclared}"]`) as Record<
      string,
      string
    >;
  return out;
}

describe('descriptor fuzzing through the commands that read the files', () => {
  test('validate, publish-product --dry-run, plan and subscribe --dry-run change nothing outside .mesh/', async () => {
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(caseArb, async (c) => {
        const root = await writeWorkspace(filesFor(c));
        // The sample data is where the contract's table points on the local target, or beside it.
        writeFileSync(path.join(root, 'domains/shop/data/orders.csv'), validFiles()['domains/shop/data/orders.csv'] ?? '');
        try {
          const before = snapshot(root, ['.mesh']);
          const victimBefore = snapshot(victim);
          const validate = await mesh(root, 'validate');
          expect([0, 2]).toContain(validate.code);
          if (validate.code === 0) accepted++;
          for (const args of [
            ['publish-product', '--dry-run'],
            ['plan'],
            ['subscribe', 'orders', '--domain', 'insights', '--table', '--dry-run'],
          ]) {
            const run = await mesh(root, ...args);
            const context = JSON.stringify({ c, args, stdout: run.stdout, stderr: run.stderr }, null, 1);
            // Invalid files stop every command with the same exit code; valid ones plan (or fail with a coded error).
            if (validate.code === 2) expect(run.code, context).toBe(2);
            else expect([0, 1], context).toContain(run.code);
            if (run.code !== 0) expect(run.stderr, context).toMatch(/[A-Z][A-Za-z]+/);
          }
          expect(snapshot(root, ['.mesh'])).toEqual(before);
          expect(snapshot(victim)).toEqual(victimBefore);
        } finally {
          rmSync(root, { recursive: true, force: true });
        }
      }),
      {
        numRuns: 20,
        // Always also a workspace that passes validation, on each kind of server, so the commands plan for real.
        examples: [
          [
            {
              server: { type: 's3', location: 's3://demo-shop-222222222222/products/orders/' },
              shopDeclared: ['s3://demo-shop-222222222222/products/'],
              insightsDeclared: null,
            },
          ],
          [{ server: { type: 'local', path: '../data' }, shopDeclared: [], insightsDeclared: null }],
        ],
      },
    );
    // The examples pass validation and are planned for real.
    expect(accepted).toBeGreaterThanOrEqual(2);
  });
});
