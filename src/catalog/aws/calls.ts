/**
 * How the catalog adapter talks to AWS: one client config (retries), one error mapping, one paginator.
 * Throttling, 5xx and dropped connections are retried by AwsClients' retry strategy (src/aws/retry.ts: jittered
 * exponential backoff, each retry shown to the user). Nothing here sleeps on a fixed timer.
 */
import type { AwsClients } from '../../aws/clients.js';
import { fromAwsError } from '../../aws/errors.js';
import type { AccountAccess } from '../../workspace/model.js';

/**
 * The one place the catalog's retry budget is set: 10 attempts, so a call fails only after 10 throttles in a row
 * (at 30% throttling: once in ~170,000 calls). MESH_AWS_MAX_ATTEMPTS (read by AwsClients) wins when set.
 */
export const CATALOG_MAX_ATTEMPTS = 10;

export function catalogClientConfig(): Record<string, unknown> {
  return { maxAttempts: CATALOG_MAX_ATTEMPTS };
}

// why: SDK client constructors differ per service; AwsClients.get takes any of them
// biome-ignore lint/suspicious/noExplicitAny: see above
type Ctor<C> = new (config: any) => C;

export interface ServiceClients {
  glue(access: AccountAccess): Promise<import('@aws-sdk/client-glue').GlueClient>;
  lakeFormation(access: AccountAccess): Promise<import('@aws-sdk/client-lakeformation').LakeFormationClient>;
  s3(access: AccountAccess): Promise<import('@aws-sdk/client-s3').S3Client>;
}

/** Lazily imported SDK clients, made by AwsClients (credentials per account, endpoint, cache). */
export function serviceClients(clients: AwsClients): ServiceClients {
  const get = async <C>(load: () => Promise<Ctor<C>>, access: AccountAccess) => clients.get(await load(), access, catalogClientConfig());
  return {
    glue: (access) => get(async () => (await import('@aws-sdk/client-glue')).GlueClient, access),
    lakeFormation: (access) => get(async () => (await import('@aws-sdk/client-lakeformation')).LakeFormationClient, access),
    s3: (access) => get(async () => (await import('@aws-sdk/client-s3')).S3Client, access),
  };
}

/** Runs one AWS call; errors become actionable MeshErrors naming the action and resource. */
export async function awsCall<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw fromAwsError(error, what);
  }
}

/** Collects every page of a NextToken-paginated list call. */
export async function paginate<P extends { NextToken?: string }, I>(
  page: (token: string | undefined) => Promise<P>,
  items: (p: P) => readonly I[] | undefined,
): Promise<I[]> {
  const out: I[] = [];
  let token: string | undefined;
  do {
    const p = await page(token);
    out.push(...(items(p) ?? []));
    token = p.NextToken || undefined;
  } while (token);
  return out;
}

/** True for an AWS error (or a MeshError wrapping one) of one of these names. */
export function isNamed(error: unknown, ...names: string[]): boolean {
  const direct = (error as { name?: string })?.name;
  const cause = (error as { cause?: { name?: string } })?.cause?.name;
  return names.includes(direct ?? '') || names.includes(cause ?? '');
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
