// The data-access role (MeshLfDataAccess) gets S3 access to every location the domain files declare, in one inline
// policy, and IAM refuses a role's inline policies over 10,240 characters (whitespace not counted). With one
// ListBucket statement per bucket, the project's own 50-domain scale mesh came to 12,372 characters: `mesh bootstrap`
// failed at PutRolePolicy on aws, and any domain adding locations could push every team's bootstrap over. Now the
// buckets that declare the same prefixes share one statement when the exact document is too large (no key allowed
// that was not before), and a document still too large is refused while planning.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateScaleWorkspace } from '../../bench/scale/generate.mjs';
import { dataAccessPolicy, desiredBootstrap } from '../../src/bootstrap/desired.js';
import { loadWorkspace } from '../../src/workspace/load.js';
import type { Workspace } from '../../src/workspace/model.js';

const IAM_INLINE_LIMIT = 10_240;

let dir: string;
let ws: Workspace;
beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'mesh-dap-'));
  generateScaleWorkspace(dir, { tables: 100, target: 'aws' });
  ws = await loadWorkspace(dir);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Statement {
  readonly Sid: string;
  readonly Action: string | string[];
  readonly Resource: string | string[];
  readonly Condition?: { StringLike: { 's3:prefix': string[] } };
}

const list = (v: string | string[]) => (Array.isArray(v) ? v : [v]);

/** Every (bucket, prefix pattern) the ListBucket statements allow, and every object ARN pattern. */
function access(policy: { Statement: readonly Statement[] }) {
  const listing = new Set<string>();
  const objects = new Set<string>();
  for (const s of policy.Statement) {
    if (list(s.Action).includes('s3:ListBucket')) {
      for (const bucket of list(s.Resource))
        for (const p of s.Condition?.StringLike['s3:prefix'] ?? ['(any)']) listing.add(`${bucket} ${p}`);
    } else for (const r of list(s.Resource)) objects.add(r);
  }
  return { listing: [...listing].sort(), objects: [...objects].sort() };
}

describe("the data-access role's policy", () => {
  it('fits IAM for the 50-domain scale mesh, allowing exactly each declared prefix of each bucket', () => {
    const policy = dataAccessPolicy(ws) as unknown as { Statement: Statement[] };
    expect(JSON.stringify(policy).length).toBeLessThanOrEqual(IAM_INLINE_LIMIT);
    const declared = ws.domains.flatMap((d) => (d.locations ?? []).map((l) => /^s3:\/\/([^/]+)\/(.*)$/.exec(l) ?? []));
    expect(declared).toHaveLength(50);
    expect(access(policy)).toEqual({
      listing: declared.map(([, bucket, prefix]) => `arn:aws:s3:::${bucket} ${prefix}*`).sort(),
      objects: declared.map(([, bucket, prefix]) => `arn:aws:s3:::${bucket}/${prefix}*`).sort(),
    });
  });

  it('is refused while planning when even the shared statements do not fit', () => {
    // 300 domains' worth of buckets, each declared by a domain of its own.
    const many: Workspace = {
      ...ws,
      domains: Array.from({ length: 300 }, (_, i) => ({
        ...(ws.domains[0] as Workspace['domains'][number]),
        name: `d${i}`,
        locations: [`s3://scale-bucket-number-${i}-700000000000/products/`],
      })),
    };
    expect(() => desiredBootstrap(many, 'arn:aws:iam::111111111111:role/admin')).toThrow(
      expect.objectContaining({ code: 'DataAccessPolicyTooLarge' }),
    );
  });
});
