/** Test fixtures for the personalize plane: a workspace literal with a recommendations domain and its files. */
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { createCliHost } from '../../src/cli/io-host.js';
import { messageRenderers, requestPrompts } from '../../src/cli/render/messages/index.js';
import type { IoHost } from '../../src/core/messages.js';
import { createOutput, type Output } from '../../src/io/output.js';
import {
  generateMusicDataset,
  interactionsToCsv,
  itemsToCsv,
  type MusicDataset,
  usersToCsv,
} from '../../src/personalize/recommender/index.js';
import type { Domain, Subscription, Transform, Workspace } from '../../src/workspace/model.js';

export const ACCOUNT = '111122223333';
export const REGION = 'eu-west-1';

export const INTERACTIONS_AVSC = JSON.stringify({
  type: 'record',
  name: 'Interactions',
  namespace: 'com.amazonaws.personalize.schema',
  fields: [
    { name: 'USER_ID', type: 'string' },
    { name: 'ITEM_ID', type: 'string' },
    { name: 'TIMESTAMP', type: 'long' },
    { name: 'EVENT_TYPE', type: 'string' },
  ],
  version: '1.0',
});
export const ITEMS_AVSC = JSON.stringify({
  type: 'record',
  name: 'Items',
  namespace: 'com.amazonaws.personalize.schema',
  fields: [
    { name: 'ITEM_ID', type: 'string' },
    { name: 'CONTENT_TYPE', type: 'string', categorical: true },
    { name: 'GENRE', type: ['null', 'string'], categorical: true },
  ],
  version: '1.0',
});
export const USERS_AVSC = JSON.stringify({
  type: 'record',
  name: 'Users',
  namespace: 'com.amazonaws.personalize.schema',
  fields: [
    { name: 'USER_ID', type: 'string' },
    { name: 'COUNTRY', type: ['null', 'string'], categorical: true },
  ],
  version: '1.0',
});

export interface Fixture {
  readonly root: string;
  readonly workspace: Workspace;
  readonly domain: Domain;
  readonly data: MusicDataset;
  cleanup(): void;
}

/** personalize.yaml with csv sources (mapped), overridable pieces. */
export function personalizeYaml(extra: { solutions?: string; top?: string; aws?: string } = {}): string {
  return `datasetGroup: music-recs
datasets:
  interactions:
    schema: schemas/interactions.avsc
    source: { csv: data/interactions.csv }
    columns: { USER_ID: USER_ID, ITEM_ID: ITEM_ID, TIMESTAMP: TIMESTAMP, EVENT_TYPE: EVENT_TYPE }
  items:
    schema: schemas/items.avsc
    source: { csv: data/items.csv }
    columns: { ITEM_ID: ITEM_ID, CONTENT_TYPE: CONTENT_TYPE, GENRE: GENRE }
  users:
    schema: schemas/users.avsc
    source: { csv: data/users.csv }
    columns: { USER_ID: USER_ID, COUNTRY: COUNTRY }
solutions:
${
  extra.solutions ??
  `  personalized:
    recipe: user-personalization
    autoTraining: false
    campaign: { minProvisionedTPS: 1 }
  similar:
    recipe: similar-items
    autoTraining: false
    campaign: { minProvisionedTPS: 1 }`
}
maxProvisionedTPS: 5
filters:
  exclude-played: EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("play")
  podcasts-only: INCLUDE ItemID WHERE Items.CONTENT_TYPE IN ("podcast")
defaultFilter: exclude-played
deployGate: { metric: normalized_discounted_cumulative_gain_at_10, threshold: 0.01 }
${extra.aws ?? `aws:\n  roleArn: arn:aws:iam::{account}:role/{mesh}-{domain}-personalize\n  prefix: personalize`}
${extra.top ?? ''}
`;
}

export interface FixtureOptions {
  readonly users?: number;
  readonly yaml?: string;
  readonly data?: MusicDataset;
  readonly subscriptions?: readonly Subscription[];
  readonly transforms?: readonly Transform[];
}

export function makeFixture(options: FixtureOptions = {}): Fixture {
  const root = mkdtempSync(path.join(os.tmpdir(), 'mesh-personalize-'));
  const dir = path.join(root, 'domains', 'recommendations');
  const pdir = path.join(dir, 'personalize');
  mkdirSync(path.join(pdir, 'schemas'), { recursive: true });
  mkdirSync(path.join(pdir, 'data'), { recursive: true });
  writeFileSync(path.join(pdir, 'schemas', 'interactions.avsc'), INTERACTIONS_AVSC);
  writeFileSync(path.join(pdir, 'schemas', 'items.avsc'), ITEMS_AVSC);
  writeFileSync(path.join(pdir, 'schemas', 'users.avsc'), USERS_AVSC);
  const data = options.data ?? generateMusicDataset({ seed: 7, users: options.users ?? 200, songs: 150, podcasts: 40, eventsPerUser: 20 });
  writeFileSync(path.join(pdir, 'data', 'interactions.csv'), interactionsToCsv(data.interactions));
  writeFileSync(path.join(pdir, 'data', 'items.csv'), itemsToCsv(data.items));
  writeFileSync(path.join(pdir, 'data', 'users.csv'), usersToCsv(data.users));
  writeFileSync(path.join(pdir, 'personalize.yaml'), options.yaml ?? personalizeYaml());
  const domain: Domain = {
    name: 'recommendations',
    kind: 'consumer',
    owner: { team: 'recs', contact: 'recs@example.com' },
    access: { account: ACCOUNT, region: REGION },
    roleName: 'mesh-recommendations',
    dir,
    file: path.join(dir, 'domain.yaml'),
    subscriptions: options.subscriptions ?? [],
    transforms: options.transforms ?? [],
    personalizeFile: path.join(pdir, 'personalize.yaml'),
  };
  const workspace: Workspace = {
    root,
    meshFile: path.join(root, 'mesh.yaml'),
    mesh: {
      name: 'music',
      target: 'local',
      central: { account: '999988887777', region: REGION, dataAccessRoleName: 'mesh-central' },
      streaming: { kind: 'embedded' },
      naming: {
        topicPattern: 'mesh.{domain}.{entity}.v{major}',
        databasePattern: '{mesh}_{domain}',
        linkDatabasePattern: 'mesh_{domain}',
        consumerGroupPattern: 'mesh.{consumer}.{product}',
      },
      requiredOwnerFields: ['team'],
      schemaRegistry: 'music',
      localDir: path.join(root, '.mesh', 'local'),
      aws: { artifactBucketPattern: '{mesh}-{domain}-{account}' },
    },
    domains: [domain],
    products: [],
  };
  return { root, workspace, domain, data, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

/** An Output that records what it prints. */
/**
 * An Output that records what it prints, and is also the CLI's IoHost over it (the renderers in src/cli/render/messages):
 * pass it as `host` and assert on `stderr()`, which holds what a user sees.
 */
export function recordingOutput(options: { json?: boolean } = {}): Output & IoHost & { stdout: () => string; stderr: () => string } {
  let out = '';
  let err = '';
  const sink = (append: (s: string) => void) =>
    new Writable({
      write(chunk, _enc, cb) {
        append(String(chunk));
        cb();
      },
    });
  const output = createOutput({ json: options.json ?? false, stdout: sink((s) => (out += s)), stderr: sink((s) => (err += s)) });
  const host = createCliHost({ output, prompts: { interactive: false }, yes: true, renderers: { messageRenderers, requestPrompts } });
  return Object.assign(output, { stdout: () => out, stderr: () => err, notify: host.notify, request: host.request });
}

/**
 * A whole workspace on disk for the CLI tests: mesh.yaml (local target, embedded streams) and the recommendations
 * consumer domain with the fixture's personalize.yaml and its ready CSVs. The caller removes `root`.
 */
export function makeWorkspace(prefix: string): string {
  const fixture = makeFixture();
  const root = mkdtempSync(path.join(os.tmpdir(), prefix));
  const dir = path.join(root, 'domains', 'recommendations');
  mkdirSync(dir, { recursive: true });
  cpSync(path.dirname(fixture.domain.personalizeFile as string), dir, { recursive: true });
  fixture.cleanup();
  writeFileSync(
    path.join(root, 'mesh.yaml'),
    [
      'apiVersion: mesh/v1',
      'name: music',
      'target: local',
      'centralCatalog: { account: "111111111111", region: us-east-1, dataAccessRoleName: MeshLfDataAccess }',
      'streaming: { kind: embedded }',
      'domains: [domains/recommendations]',
      '',
    ].join('\n'),
  );
  writeFileSync(
    path.join(dir, 'domain.yaml'),
    [
      'name: recommendations',
      'kind: consumer',
      'owner: { team: recs, contact: recs@example.com }',
      'account: "666666666666"',
      'region: us-east-1',
      'subscriptions: []',
      'personalize: personalize.yaml',
      '',
    ].join('\n'),
  );
  return root;
}
