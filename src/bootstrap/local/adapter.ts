/**
 * The local target keeps everything in the workspace (.mesh/local): nothing to bootstrap but the managed buckets,
 * which are folders of the local object store (`.mesh/local/s3/<bucket>`), made when missing.
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { objectStoreRoot } from '../../catalog/local/object-store.js';
import { MeshError } from '../../core/errors.js';
import { type Change, type Plan, summarize } from '../../engine/plan.js';
import type { Workspace } from '../../workspace/model.js';
import { isInside } from '../../workspace/paths.js';
import { managedBuckets } from '../buckets.js';
import { LOCAL_BUCKET_TYPE, type LocalBucketSpec } from '../resources.js';

function bucketDir(ws: Workspace, name: string): string {
  const root = objectStoreRoot(ws.mesh.localDir);
  const dir = path.join(root, name);
  // Bucket names are S3 names (validated), but a product file is untrusted input: never a folder outside the store.
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(name) || name.includes('..') || !isInside(root, dir))
    throw new MeshError('ManagedBucketRefused', `Bucket name "${name}" is not a plain S3 bucket name. Nothing was changed.`);
  return dir;
}

export function localBootstrapPlan(ws: Workspace): Plan {
  const changes: Change[] = [
    {
      type: 'local-target' as const,
      key: 'local-target:local',
      action: 'noop' as const,
      ref: { plane: 'bootstrap' as const, type: 'local-target' as const, id: 'local', label: 'local target' },
      reason: 'the local target needs nothing bootstrapped (its catalog, object store and log live in .mesh/local)',
      dependsOn: [],
    },
  ];
  for (const b of managedBuckets(ws)) {
    const spec: LocalBucketSpec = { kind: 'local-bucket', name: b.name, domain: b.domain, products: b.products };
    const exists = existsSync(bucketDir(ws, b.name));
    changes.push({
      type: LOCAL_BUCKET_TYPE,
      key: `${LOCAL_BUCKET_TYPE}:${b.name}`,
      action: exists ? 'noop' : 'create',
      ref: { plane: 'bootstrap', type: LOCAL_BUCKET_TYPE, id: b.name, label: `bucket ${b.name} (${b.domain}, local object store)` },
      reason: exists ? 'up to date' : 'does not exist',
      ...(exists ? { before: spec } : {}),
      after: spec,
      dependsOn: [],
    });
  }
  return { changes, summary: summarize(changes) };
}

export function createLocalBucket(ws: Workspace, spec: LocalBucketSpec): Record<string, unknown> {
  const dir = bucketDir(ws, spec.name);
  mkdirSync(dir, { recursive: true });
  return { path: path.relative(ws.root, dir) };
}
