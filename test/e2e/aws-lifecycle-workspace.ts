// The workspace the lifecycle test runs: `mesh init --example music-streaming`, switched to aws by rewriteExample
// (test/e2e/aws-example-setup.ts), then adjusted to the environment (test/e2e/aws-lifecycle-environment.ts):
// - each domain and the central catalog reached as the environment says (moto: the rewritten roleArn; aws: the
//   user's profile or role), in the environment's region; consumers' stream access (a managed VPC connection) set
//   or left out;
// - producer buckets carry the run id (S3 bucket names are global on real AWS), topics and consumer groups a per-run
//   prefix;
// - replication factor for the cluster (1 on the single test broker; 3 by default on MSK);
// - the recommendations domain's songs subscription handled by `lifecycle-probe`, mesh's starter handler
//   (templates/handlers/starter: it logs each record and reports no failure), so its consumption shows without
//   Personalize behind it.
import { copyFileSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type Document, isScalar, parseDocument, visit } from 'yaml';
import { contract } from './aws-example-files.js';
import { bucketOf, type DomainName, PRODUCERS, rewriteExample } from './aws-example-setup.js';
import type { LifecycleEnvironment } from './aws-lifecycle-environment.js';

export const PROBE = { consumer: 'recommendations', product: 'songs', fn: 'lifecycle-probe' } as const;
const STARTER_HANDLER = path.resolve(import.meta.dirname, '..', '..', 'templates', 'handlers', 'starter', 'index.ts');

export interface LifecycleWorkspace {
  readonly root: string;
  readonly topicPrefix: string;
  /** The producer buckets the example expects to exist (the test creates and deletes them). */
  readonly buckets: readonly { readonly account: string; readonly bucket: string; readonly domain: string }[];
  readonly probeTopic: string;
  readonly probeFunction: string;
  readonly probeGroup: string;
  readonly probeHandlerDir: string;
  /** Names this run gives what it makes, to pick them out of a real account's Lake Formation grants. */
  readonly markers: readonly string[];
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) return yamlFiles(file);
    return /\.ya?ml$/.test(name) ? [file] : [];
  });
}

function edit(file: string, change: (doc: Document) => void): void {
  const doc = parseDocument(readFileSync(file, 'utf8'));
  change(doc);
  writeFileSync(file, doc.toString());
}

function setAccess(doc: Document, at: string[], env: LifecycleEnvironment, domain: DomainName | 'central'): void {
  doc.setIn([...at, 'region'], env.region);
  const access = env.access(domain);
  if (!access) return;
  doc.deleteIn([...at, 'roleArn']);
  doc.deleteIn([...at, 'profile']);
  if ('profile' in access) doc.setIn([...at, 'profile'], access.profile);
  else doc.setIn([...at, 'roleArn'], access.roleArn);
}

/** Rewrites the scaffolded example in `root` for this environment; returns what the test needs to know of it. */
export function prepareWorkspace(root: string, env: LifecycleEnvironment): LifecycleWorkspace {
  const topicPrefix = `life${env.runId}`;
  rewriteExample(root, { accounts: env.accounts, clusterArn: env.clusterArn, topicPrefix });
  const bucketWithRun = (text: string) => text.replace(/^s3:\/\/(music-[a-z]+-\d{12})\//, `s3://$1-${env.runId}/`);
  for (const file of yamlFiles(path.join(root, 'domains')).concat(path.join(root, 'mesh.yaml'))) {
    edit(file, (doc) => {
      visit(doc, {
        Scalar(_key, node) {
          if (typeof node.value === 'string') node.value = bucketWithRun(node.value);
        },
      });
      const rel = path.relative(root, file);
      if (rel === 'mesh.yaml') {
        setAccess(doc, ['centralCatalog'], env, 'central');
        // Consumer groups carry the run id too: a real cluster may hold a deployed mesh's mesh.<consumer>.<product>.
        doc.setIn(['naming', 'consumerGroupPattern'], `${topicPrefix}.{consumer}.{product}`);
      } else if (rel.endsWith('domain.yaml')) {
        const name = String(doc.get('name')) as DomainName;
        setAccess(doc, [], env, name);
        if (doc.get('kind') === 'consumer' && env.kind === 'aws') {
          if (env.vpcConnectionArn) doc.setIn(['streamAccess', 'vpcConnectionArn'], env.vpcConnectionArn);
          else doc.delete('streamAccess');
        }
      } else if (rel.endsWith('.odcs.yaml')) {
        const props = doc.get('customProperties') as { items: unknown[] } | undefined;
        for (const [i] of (props?.items ?? []).entries()) {
          if (doc.getIn(['customProperties', i, 'property']) === 'streamPort') {
            doc.setIn(['customProperties', i, 'value', 'replicationFactor'], env.replicationFactor);
          }
        }
      }
    });
  }
  // The probe: the songs subscription of recommendations, on its own function with the starter handler.
  const consumerFile = path.join(root, 'domains', PROBE.consumer, 'domain.yaml');
  edit(consumerFile, (doc) => {
    const subs = doc.get('subscriptions') as { items: unknown[] };
    const i = subs.items.findIndex((_s, n) => {
      const product = doc.getIn(['subscriptions', n, 'product']);
      return (isScalar(product) ? product.value : product) === PROBE.product;
    });
    if (i < 0) throw new Error(`the example's ${PROBE.consumer} domain no longer subscribes to ${PROBE.product}`);
    doc.setIn(['subscriptions', i, 'stream'], doc.createNode({ function: PROBE.fn, startingPosition: 'TRIM_HORIZON', batchSize: 100 }));
  });
  const probeHandlerDir = path.join(root, 'domains', PROBE.consumer, 'handlers', PROBE.fn);
  mkdirSync(probeHandlerDir, { recursive: true });
  copyFileSync(STARTER_HANDLER, path.join(probeHandlerDir, 'index.ts'));

  const buckets = PRODUCERS.map((domain) => ({ domain, account: env.accounts[domain], bucket: bucketOf(contract(root, domain).location) }));
  const songs = contract(root, PROBE.product).stream;
  return {
    root,
    topicPrefix,
    buckets,
    probeTopic: `${topicPrefix}.${PROBE.product}.${songs.entity}.v${songs.major}`,
    probeFunction: `music-${PROBE.consumer}-${PROBE.fn}`,
    probeGroup: `${topicPrefix}.${PROBE.consumer}.${PROBE.product}`,
    probeHandlerDir,
    markers: [
      ...PRODUCERS.flatMap((d) => [`music_${d}`, `mesh_${d}`]),
      ...buckets.map((b) => b.bucket),
      ...(['central', ...PRODUCERS, 'recommendations', 'analytics'] as const).map((d) => `:role/mesh-${d}`),
      ':role/music-',
      ':role/MeshLfDataAccess',
    ],
  };
}
