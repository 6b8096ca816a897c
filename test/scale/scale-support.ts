// Shared by the scale tests: a generated mesh (bench/scale/generate.mjs) on a moto of the test's own whose list calls
// page (scripts/moto_launcher.py, MESH_MOTO_PAGE_SIZE: a size, or `aws` for AWS's own page sizes), the catalog plane
// run the way publish-product / subscribe / apply run it, and a record of every AWS request with its NextToken in and
// out.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GlueClient } from '@aws-sdk/client-glue';
import { generateScaleWorkspace, type ScaleOptions, type ScaleWorkspace } from '../../bench/scale/generate.mjs';
import { type PagedMoto, startPagedMoto } from '../../bench/scale/moto.mjs';
import { AwsClients } from '../../src/aws/clients.js';
import { AwsCallCounter, CountingAwsClients, isMutating } from '../../src/catalog/aws/call-counter.js';
import { createCatalogPlane } from '../../src/catalog/plane.js';
import type { PlanScope } from '../../src/engine/plane.js';
import { runPlanes } from '../../src/engine/run.js';
import { loadWorkspace } from '../../src/workspace/load.js';
import type { AccountAccess } from '../../src/workspace/model.js';
import { freshAccountId } from '../support/moto.js';

/** One AWS request as sent and answered. */
export interface RecordedRequest {
  readonly operation: string;
  readonly account: string;
  readonly input: Record<string, unknown>;
  /** The answer's NextToken (S3: NextContinuationToken), when there was one. */
  readonly next?: string;
  /** How many items the answer listed (list calls). */
  readonly items: number;
}

const LIST_KEYS = ['DatabaseList', 'TableList', 'Partitions', 'PrincipalResourcePermissions', 'ResourceInfoList', 'LFTags', 'Contents'];

interface Stack {
  middlewareStack: {
    add(
      mw: (
        next: (args: { input: Record<string, unknown> }) => Promise<{ output: Record<string, unknown> }>,
        context: { commandName?: string },
      ) => (args: { input: Record<string, unknown> }) => Promise<{ output: Record<string, unknown> }>,
      options: { step: 'initialize'; name: string },
    ): void;
  };
}

/** CountingAwsClients that also record each request's input and the answer's NextToken and item count. */
export class RecordingAwsClients extends CountingAwsClients {
  readonly requests: RecordedRequest[] = [];
  private readonly recorded = new WeakSet<object>();

  // why: matches AwsClients.get's constructor parameter
  // biome-ignore lint/suspicious/noExplicitAny: see above
  override async get<C>(ctor: new (config: any) => C, access: AccountAccess, extra: Record<string, unknown> = {}): Promise<C> {
    const client = await super.get(ctor, access, extra);
    const target = client as unknown as Stack & object;
    if (!this.recorded.has(target)) {
      this.recorded.add(target);
      target.middlewareStack.add(
        (next, context) => async (args) => {
          const result = await next(args);
          const out = result.output;
          const key = LIST_KEYS.find((k) => Array.isArray(out[k]));
          const token = (out.NextToken ?? out.NextContinuationToken) as string | undefined;
          this.requests.push({
            operation: (context.commandName ?? '').replace(/Command$/, ''),
            account: access.account,
            input: { ...args.input },
            ...(token ? { next: token } : {}),
            items: key ? (out[key] as unknown[]).length : 0,
          });
          return result;
        },
        { step: 'initialize', name: 'scaleRequestRecorder' },
      );
    }
    return client;
  }
}

export interface ScaleMoto {
  readonly moto: PagedMoto;
  readonly ws: ScaleWorkspace;
  stop(): Promise<void>;
}

/**
 * A moto of this test's own (its page size applies to the whole server, so the shared one at :5000 is left alone),
 * pointed at by AWS_ENDPOINT_URL for the rest of this test file, and a generated aws workspace with fresh accounts.
 */
export async function scaleOnMoto(pageSize: number | 'aws', options: ScaleOptions): Promise<ScaleMoto> {
  const moto = await startPagedMoto({ pageSize });
  const before = process.env.AWS_ENDPOINT_URL;
  process.env.AWS_ENDPOINT_URL = moto.endpoint;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mesh-scale-test-'));
  // fresh accounts: 1 central + one per domain, consecutive from a random base that leaves room for them
  const accountBase = `${freshAccountId().slice(0, 10)}00`;
  const ws = generateScaleWorkspace(dir, { ...options, target: 'aws', accountBase });
  return {
    moto,
    ws,
    async stop() {
      rmSync(dir, { recursive: true, force: true });
      await moto.stop();
      process.env.AWS_ENDPOINT_URL = before;
    },
  };
}

export const SCOPES = {
  publish: { include: { publish: true, subscriptions: false } },
  subscribe: { include: { publish: false, subscriptions: true } },
  all: { include: { publish: true, subscriptions: true } },
} satisfies Record<string, PlanScope>;

/** The calls of a run by `service:Operation`, split into the central account's and the domain accounts' (summed). */
export function byAccount(counter: AwsCallCounter, central: string, reads = true) {
  const out = { central: {} as Record<string, number>, domains: {} as Record<string, number> };
  for (const c of counter.calls) {
    if (reads && isMutating(c.operation)) continue;
    const side = c.account === central ? out.central : out.domains;
    const k = `${c.service}:${c.operation}`;
    side[k] = (side[k] ?? 0) + 1;
  }
  return out;
}

/** Loads the workspace with mesh's loader and plans + applies the catalog plane, counting and recording calls. */
export async function runCatalogStep(root: string, scope: PlanScope) {
  const counter = new AwsCallCounter();
  const clients = new RecordingAwsClients(counter);
  const workspace = await loadWorkspace(root);
  try {
    const result = await runPlanes({
      workspace,
      target: 'aws',
      signal: new AbortController().signal,
      scope,
      factories: [(env) => createCatalogPlane(env, { clients })],
      allowed: new Set(),
      clients,
    });
    return { ...result, counter, requests: clients.requests };
  } finally {
    clients.destroy();
  }
}

export const accessOf = (account: string): AccountAccess => ({
  account,
  region: 'us-east-1',
  roleArn: `arn:aws:iam::${account}:role/mesh-scale`,
});

/** Creates each domain's bucket in its own account (mesh expects producers' buckets to exist). */
export async function createBuckets(ws: ScaleWorkspace): Promise<void> {
  const { S3Client, CreateBucketCommand } = await import('@aws-sdk/client-s3');
  const clients = new AwsClients();
  for (const d of ws.domains) {
    const s3 = await clients.get(S3Client, accessOf(d.account));
    await s3.send(new CreateBucketCommand({ Bucket: d.bucket }));
  }
  clients.destroy();
}

/** Every item of a paginated Glue list, read in one account of this file's moto (credentials from its own STS). */
export async function glueList<T>(
  account: string,
  page: (glue: GlueClient, token: string | undefined) => Promise<{ items?: T[]; next?: string }>,
): Promise<T[]> {
  const clients = new AwsClients();
  const glue = await clients.get(GlueClient, accessOf(account));
  const out: T[] = [];
  let token: string | undefined;
  do {
    const p = await page(glue, token);
    out.push(...(p.items ?? []));
    token = p.next;
  } while (token);
  clients.destroy();
  return out;
}
