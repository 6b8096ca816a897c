import path from 'node:path';
import { type AccessDecisionEntry, DOMAIN_DEFAULTS } from './domain-schema.js';
import type { DomainEntry } from './entries.js';
import { formatS3Prefix, s3Prefix } from './locations.js';
import type { AccessDecision, Domain, MeshConfig, Product, StreamSubscription, Subscription, Transform } from './model.js';
import { exists, inMeshState, isInside, relativeTo, resolveInside } from './paths.js';
import { type PathSegment, ProblemCode } from './problems.js';
import type { ParsedDomain } from './read-files.js';
import type { Reporter } from './reporter.js';
import { readText } from './yaml-source.js';

/** Default dead-letter topic of a stream subscription: `<topic>.dlq.<consumer>`. */
export function defaultDeadLetterTopic(topic: string | undefined, consumer: string, product: string): string {
  return topic ? `${topic}.dlq.${consumer}` : `mesh.dlq.${consumer}.${product}`;
}

function decisionOf(entry: AccessDecisionEntry): AccessDecision {
  return { ...entry, ...(entry.columns ? { columns: [...entry.columns] } : {}) };
}

/** A path from the domain file, resolved inside the workspace; reports an escape. */
function inside(
  reporter: Reporter,
  root: string,
  mesh: MeshConfig,
  parsed: ParsedDomain,
  ref: string,
  at: PathSegment[],
): string | undefined {
  const resolved = resolveInside(root, parsed.dir, ref);
  const abs = resolved && !inMeshState(root, mesh.localDir, resolved) ? resolved : undefined;
  if (!abs) {
    const where = resolved ? "into mesh's own state folder" : 'outside the workspace';
    reporter.at(parsed.source, at, ProblemCode.PathEscapesWorkspace, `"${ref}" points ${where}.`, {
      hint: 'Paths in a domain file are relative to the domain folder and stay inside the workspace, as files, not links to files elsewhere.',
    });
  }
  return abs;
}

/**
 * A transform's output: a file inside the domain's own folder. mesh writes it to `<local dir>/transforms/<domain>/
 * <output>`, where a path that climbs out would land in another domain's outputs or in the local object store.
 */
function outputInside(reporter: Reporter, root: string, parsed: ParsedDomain, ref: string, at: PathSegment[]): void {
  const abs = path.resolve(parsed.dir, ref);
  if (abs !== parsed.dir && isInside(parsed.dir, abs)) return;
  const inWorkspace = isInside(root, abs);
  reporter.at(
    parsed.source,
    at,
    inWorkspace ? ProblemCode.PathEscapesDomain : ProblemCode.PathEscapesWorkspace,
    `"${ref}" points outside the domain folder ${relativeTo(root, parsed.dir) || '.'}.`,
    { hint: "A transform's output is a file inside its own domain's folder, e.g. datasets/items.csv." },
  );
}

/** A domain file as written → the resolved Domain. Products must be resolved first (for dead-letter topic names). */
export async function normalizeDomain(
  reporter: Reporter,
  root: string,
  mesh: MeshConfig,
  parsed: ParsedDomain,
  products: ReadonlyMap<string, Product>,
): Promise<DomainEntry> {
  const raw = parsed.raw;
  const subscriptions: Subscription[] = [];
  for (const [index, entry] of (raw.subscriptions ?? []).entries()) {
    const at: PathSegment[] = ['subscriptions', index];
    let stream: StreamSubscription | undefined;
    if (entry.stream) {
      const s = entry.stream;
      const dirRef = s.handlerDir ?? `handlers/${s.function}`;
      const dirAt = [...at, 'stream', s.handlerDir ? 'handlerDir' : 'function'];
      const handlerDir = inside(reporter, root, mesh, parsed, dirRef, dirAt);
      if (handlerDir && (await exists(handlerDir)) !== 'dir') {
        reporter.at(parsed.source, dirAt, ProblemCode.FileNotFound, `Handler folder ${relativeTo(root, handlerDir)} does not exist.`, {
          hint: `Create it (mesh init consumer copies a starter handler), or set handlerDir.`,
        });
      }
      stream = {
        function: s.function,
        handlerDir: handlerDir ?? '',
        handler: s.handler ?? DOMAIN_DEFAULTS.handler,
        startingPosition: s.startingPosition ?? DOMAIN_DEFAULTS.startingPosition,
        batchSize: s.batchSize ?? DOMAIN_DEFAULTS.batchSize,
        batchingWindowSeconds: s.batchingWindowSeconds ?? DOMAIN_DEFAULTS.batchingWindowSeconds,
        maximumRetryAttempts: s.maximumRetryAttempts ?? DOMAIN_DEFAULTS.maximumRetryAttempts,
        deadLetterTopic: s.deadLetterTopic ?? defaultDeadLetterTopic(products.get(entry.product)?.stream?.topic, raw.name, entry.product),
        permissions: (s.permissions ?? []).map((p) => ({ actions: [...p.actions], resources: [...p.resources] })),
        environment: { ...(s.environment ?? {}) },
      };
    }
    const table = entry.table === true ? {} : typeof entry.table === 'object' ? { columns: [...entry.table.columns] } : undefined;
    const request = entry.request ? { ...entry.request } : undefined;
    subscriptions.push({
      product: entry.product,
      ...(table ? { table } : {}),
      ...(stream ? { stream } : {}),
      ...(request ? { request } : {}),
    });
  }

  const transforms: Transform[] = [];
  for (const [index, entry] of (raw.transforms ?? []).entries()) {
    const at: PathSegment[] = ['transforms', index];
    const sqlFile = inside(reporter, root, mesh, parsed, entry.sql, [...at, 'sql']);
    let sql = '';
    if (sqlFile) {
      const read = await readText(sqlFile);
      if (read.ok) sql = read.text;
      else {
        reporter.at(
          parsed.source,
          [...at, 'sql'],
          read.reason === 'missing' ? ProblemCode.FileNotFound : ProblemCode.FileUnreadable,
          `${relativeTo(root, sqlFile)} ${read.reason === 'missing' ? 'does not exist' : `cannot be read: ${read.detail}`}.`,
        );
      }
    }
    outputInside(reporter, root, parsed, entry.output, [...at, 'output']);
    transforms.push({ name: entry.name, sqlFile: sqlFile ?? '', sql, output: entry.output, engine: entry.engine ?? 'athena' });
  }

  let personalizeFile: string | undefined;
  if (raw.personalize !== undefined) {
    personalizeFile = inside(reporter, root, mesh, parsed, raw.personalize, ['personalize']);
    if (personalizeFile && (await exists(personalizeFile)) !== 'file') {
      reporter.at(parsed.source, ['personalize'], ProblemCode.FileNotFound, `${relativeTo(root, personalizeFile)} does not exist.`);
    }
  }

  const domain: Domain = {
    name: raw.name,
    kind: raw.kind,
    owner: { team: raw.owner?.team ?? '', contact: raw.owner?.contact ?? '' },
    ...(raw.description ? { description: raw.description } : {}),
    access: {
      account: String(raw.account),
      region: raw.region ?? mesh.central.region,
      ...(raw.profile ? { profile: raw.profile } : {}),
      ...(raw.roleArn ? { roleArn: raw.roleArn } : {}),
    },
    roleName: raw.roleName ?? `mesh-${raw.name}`,
    ...(raw.trustedPrincipals ? { trustedPrincipals: [...raw.trustedPrincipals] } : {}),
    ...(raw.storage ? { storage: { kind: raw.storage.kind, ...(raw.storage.source ? { source: raw.storage.source } : {}) } } : {}),
    // Unsafe entries are left out here and reported by the location rules.
    locations: (raw.locations ?? []).flatMap((l) => {
      const p = s3Prefix(l);
      return p ? [formatS3Prefix(p)] : [];
    }),
    dir: parsed.dir,
    file: parsed.source.abs,
    subscriptions,
    transforms,
    ...(personalizeFile ? { personalizeFile } : {}),
    ...(raw.firehoseStream ? { firehoseStream: raw.firehoseStream } : {}),
    ...(raw.streamAccess ? { mskVpcConnectionArn: raw.streamAccess.vpcConnectionArn } : {}),
    ...(raw.approvals ? { approvals: raw.approvals.map(decisionOf) } : {}),
    ...(raw.denials ? { denials: raw.denials.map(decisionOf) } : {}),
  };
  return { source: parsed.source, raw, domain };
}
