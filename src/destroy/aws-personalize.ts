/**
 * The Personalize resources `mesh personalize train/deploy` made for a domain, found by the names mesh gives them
 * (src/personalize/project.ts): the dataset group of personalize.yaml and everything in it (campaigns of its
 * solutions, the event tracker, filters, solutions with their versions, datasets), and the schemas named after it.
 * They are deleted in the order Personalize allows (campaigns → event tracker and filters → solutions → datasets →
 * dataset group → schemas), each waited for until Personalize no longer knows it: a resource in DELETE PENDING or
 * DELETE IN_PROGRESS still blocks its parent. Dataset import jobs and solution versions go with their dataset and
 * solution (Personalize has no call to delete them). With --delete-data the CSVs mesh uploaded and the Athena results
 * of the dataset queries go too; the bucket stays (mesh never creates it).
 */
import path from 'node:path';
import type { PersonalizeClient } from '@aws-sdk/client-personalize';
import type { AwsClients } from '../aws/clients.js';
import { isAwsError } from '../aws/errors.js';
import type { IoHost } from '../core/messages.js';
import { waitFor } from '../core/waiter.js';
import type { Domain, Workspace } from '../workspace/model.js';
import { allPages } from './pages.js';
import type { PersonalizeKind, RefMaker, Removal } from './specs.js';

/** The layer of each kind in its domain's `personalize:<domain>` group. */
const LAYER: Record<PersonalizeKind, number> = {
  campaign: 0,
  'event-tracker': 1,
  filter: 1,
  solution: 2,
  dataset: 3,
  'dataset-group': 4,
  schema: 5,
};
const PERSONALIZE_DATA_LAYER = 6;

interface Found {
  readonly resource: PersonalizeKind;
  readonly arn: string;
  readonly name: string;
}

const tokenOf = (nextToken?: string) => (nextToken ? { nextToken } : {});

/**
 * What exists of one domain's project. The schemas are read first: training makes them before anything that needs
 * them, and destroy deletes them last, so with none of mesh's schemas left (and no dataset group in this workspace's
 * state) nothing else of the project exists and the dataset groups are not listed.
 */
async function findAll(pz: PersonalizeClient, groupName: string, schemaNames: ReadonlySet<string>, knownGroup: boolean): Promise<Found[]> {
  const sdk = await import('@aws-sdk/client-personalize');
  const out: Found[] = [];
  const schemas = await allPages(async (t) => {
    const r = await pz.send(new sdk.ListSchemasCommand(tokenOf(t)));
    return { items: r.schemas, next: r.nextToken };
  });
  for (const s of schemas)
    if (s.schemaArn && schemaNames.has(s.name ?? '')) out.push({ resource: 'schema', arn: s.schemaArn, name: s.name ?? '' });
  if (out.length === 0 && !knownGroup) return out;
  const groups = await allPages(async (t) => {
    const r = await pz.send(new sdk.ListDatasetGroupsCommand(tokenOf(t)));
    return { items: r.datasetGroups, next: r.nextToken };
  });
  const group = groups.find((g) => g.name === groupName)?.datasetGroupArn;
  if (group) {
    const solutions = await allPages(async (t) => {
      const r = await pz.send(new sdk.ListSolutionsCommand({ datasetGroupArn: group, ...tokenOf(t) }));
      return { items: r.solutions, next: r.nextToken };
    });
    for (const s of solutions) {
      if (!s.solutionArn) continue;
      const campaigns = await allPages(async (t) => {
        const r = await pz.send(new sdk.ListCampaignsCommand({ solutionArn: s.solutionArn, ...tokenOf(t) }));
        return { items: r.campaigns, next: r.nextToken };
      });
      for (const c of campaigns) if (c.campaignArn) out.push({ resource: 'campaign', arn: c.campaignArn, name: c.name ?? c.campaignArn });
    }
    const trackers = await allPages(async (t) => {
      const r = await pz.send(new sdk.ListEventTrackersCommand({ datasetGroupArn: group, ...tokenOf(t) }));
      return { items: r.eventTrackers, next: r.nextToken };
    });
    for (const e of trackers)
      if (e.eventTrackerArn) out.push({ resource: 'event-tracker', arn: e.eventTrackerArn, name: e.name ?? e.eventTrackerArn });
    const filters = await allPages(async (t) => {
      const r = await pz.send(new sdk.ListFiltersCommand({ datasetGroupArn: group, ...tokenOf(t) }));
      return { items: r.Filters, next: r.nextToken };
    });
    for (const f of filters) if (f.filterArn) out.push({ resource: 'filter', arn: f.filterArn, name: f.name ?? f.filterArn });
    for (const s of solutions) if (s.solutionArn) out.push({ resource: 'solution', arn: s.solutionArn, name: s.name ?? s.solutionArn });
    const datasets = await allPages(async (t) => {
      const r = await pz.send(new sdk.ListDatasetsCommand({ datasetGroupArn: group, ...tokenOf(t) }));
      return { items: r.datasets, next: r.nextToken };
    });
    for (const d of datasets) if (d.datasetArn) out.push({ resource: 'dataset', arn: d.datasetArn, name: d.name ?? d.datasetArn });
    out.push({ resource: 'dataset-group', arn: group, name: groupName });
  }
  return out;
}

/** The removals of every domain's Personalize project on aws (and, with --delete-data, of what it uploaded). */
export async function observePersonalize(
  clients: AwsClients,
  ws: Workspace,
  ref: RefMaker,
  listObjects: (account: Domain['access'], bucket: string, prefix: string) => Promise<number>,
  options: { readonly deleteData: boolean; readonly known: (key: string) => boolean },
): Promise<Removal[]> {
  const domains = ws.domains.filter((d) => d.personalizeFile !== undefined);
  if (domains.length === 0) return [];
  const [{ PersonalizeClient }, project, { readOutputsFile }] = await Promise.all([
    import('@aws-sdk/client-personalize'),
    import('../personalize/project.js'),
    import('../workspace/personalize-outputs.js'),
  ]);
  const out: Removal[] = [];
  for (const domain of domains) {
    const p = project.openPersonalizeProject(ws, domain.name);
    const types = Object.keys(p.config.datasets) as Parameters<typeof project.resourceNames.schema>[1][];
    const schemaNames = new Set(types.map((t) => project.resourceNames.schema(p, t)));
    const pz = await clients.get(PersonalizeClient, domain.access);
    const account = domain.access.account;
    const group = `personalize:${domain.name}`;
    const knownGroup = options.known(`personalize/${domain.name}/dataset-group`);
    for (const f of await findAll(pz, p.config.datasetGroup, schemaNames, knownGroup)) {
      out.push({
        ref: { ...ref(`personalize:${f.arn}`, `Personalize ${f.resource} ${f.name} (${domain.name})`, account), plane: 'personalize' },
        spec: { kind: 'personalize', account, resource: f.resource, arn: f.arn, name: f.name },
        action: 'delete',
        layer: LAYER[f.resource],
        group,
      });
    }
    // The deploy's outputs.json names the tracker and campaigns just deleted: the functions must not be handed them again.
    const outputs = p.paths.outputsFile;
    if (readOutputsFile(outputs)?.target === 'aws') {
      out.push({
        ref: {
          ...ref(`file:${outputs}`, `${path.relative(ws.root, outputs)} (the deployed recommender's ARNs)`, account),
          plane: 'personalize',
        },
        spec: { kind: 'local-file', account, path: outputs },
        action: 'delete',
        layer: PERSONALIZE_DATA_LAYER,
        group,
      });
    }
    if (!options.deleteData) continue;
    const bucket = project.personalizeBucket(p);
    const base = p.config.aws.prefix.replace(/^\/+|\/+$/g, '');
    for (const prefix of [`${domain.name}/`, 'athena/'].map((x) => (base === '' ? x : `${base}/${x}`))) {
      const objects = await listObjects(domain.access, bucket, prefix);
      if (objects === 0) continue;
      out.push({
        ref: {
          ...ref(`data:s3://${bucket}/${prefix}`, `Personalize files in s3://${bucket}/${prefix} (${objects} objects)`, account),
          plane: 'personalize',
        },
        spec: { kind: 'data', account, bucket, prefix, objects },
        action: 'delete',
        layer: PERSONALIZE_DATA_LAYER,
        group,
      });
    }
  }
  return out;
}

/** Personalize's Describe of one resource: its status, or undefined when Personalize no longer knows it. */
async function statusOf(pz: PersonalizeClient, resource: PersonalizeKind, arn: string): Promise<string | undefined> {
  const sdk = await import('@aws-sdk/client-personalize');
  try {
    switch (resource) {
      case 'campaign':
        return (await pz.send(new sdk.DescribeCampaignCommand({ campaignArn: arn }))).campaign?.status ?? 'UNKNOWN';
      case 'event-tracker':
        return (await pz.send(new sdk.DescribeEventTrackerCommand({ eventTrackerArn: arn }))).eventTracker?.status ?? 'UNKNOWN';
      case 'filter':
        return (await pz.send(new sdk.DescribeFilterCommand({ filterArn: arn }))).filter?.status ?? 'UNKNOWN';
      case 'solution':
        return (await pz.send(new sdk.DescribeSolutionCommand({ solutionArn: arn }))).solution?.status ?? 'UNKNOWN';
      case 'dataset':
        return (await pz.send(new sdk.DescribeDatasetCommand({ datasetArn: arn }))).dataset?.status ?? 'UNKNOWN';
      case 'dataset-group':
        return (await pz.send(new sdk.DescribeDatasetGroupCommand({ datasetGroupArn: arn }))).datasetGroup?.status ?? 'UNKNOWN';
      case 'schema':
        return (await pz.send(new sdk.DescribeSchemaCommand({ schemaArn: arn }))).schema ? 'ACTIVE' : undefined;
    }
  } catch (error) {
    if (isAwsError(error, 'ResourceNotFoundException')) return undefined;
    throw error;
  }
}

async function sendDelete(pz: PersonalizeClient, resource: PersonalizeKind, arn: string): Promise<void> {
  const sdk = await import('@aws-sdk/client-personalize');
  switch (resource) {
    case 'campaign':
      await pz.send(new sdk.DeleteCampaignCommand({ campaignArn: arn }));
      return;
    case 'event-tracker':
      await pz.send(new sdk.DeleteEventTrackerCommand({ eventTrackerArn: arn }));
      return;
    case 'filter':
      await pz.send(new sdk.DeleteFilterCommand({ filterArn: arn }));
      return;
    case 'solution':
      await pz.send(new sdk.DeleteSolutionCommand({ solutionArn: arn }));
      return;
    case 'dataset':
      await pz.send(new sdk.DeleteDatasetCommand({ datasetArn: arn }));
      return;
    case 'dataset-group':
      await pz.send(new sdk.DeleteDatasetGroupCommand({ datasetGroupArn: arn }));
      return;
    case 'schema':
      await pz.send(new sdk.DeleteSchemaCommand({ schemaArn: arn }));
      return;
  }
}

export interface PersonalizeDeleteEnv {
  readonly clients: AwsClients;
  readonly access: Domain['access'];
  readonly host: IoHost;
  readonly signal?: AbortSignal;
}

const RESUME = 'Run `mesh destroy` again: it waits for the deletions under way and goes on.';

/**
 * Deletes one Personalize resource and waits until it is gone. A resource already being deleted (a resumed run) is
 * only waited for; one still being created or updated is waited for until it settles, then deleted.
 */
export async function deletePersonalize(
  env: PersonalizeDeleteEnv,
  spec: { resource: PersonalizeKind; arn: string; name: string },
): Promise<void> {
  const { PersonalizeClient } = await import('@aws-sdk/client-personalize');
  const pz = await env.clients.get(PersonalizeClient, env.access);
  const label = `Personalize ${spec.resource} ${spec.name}`;
  const wait = (until: 'gone' | 'settled') =>
    waitFor({
      label: until === 'gone' ? `deleting ${label}` : label,
      host: env.host,
      initialDelayMs: 3_000,
      maxDelayMs: 30_000,
      timeoutMs: 3_600_000,
      resumeHint: RESUME,
      ...(env.signal ? { signal: env.signal } : {}),
      poll: async () => {
        const status = await statusOf(pz, spec.resource, spec.arn);
        if (status === undefined) return { status: 'DELETED', done: true, failed: false };
        if (until === 'gone') return { status, done: false, failed: status === 'DELETE FAILED' };
        return { status, done: !/PENDING|IN_PROGRESS/.test(status), failed: false };
      },
    });
  for (let attempt = 0; ; attempt++) {
    try {
      await sendDelete(pz, spec.resource, spec.arn);
      break;
    } catch (error) {
      if (isAwsError(error, 'ResourceNotFoundException')) return;
      if (!isAwsError(error, 'ResourceInUseException') || attempt > 0) throw error;
      const status = await statusOf(pz, spec.resource, spec.arn);
      if (status === undefined) return;
      if (!status.startsWith('DELETE')) {
        await wait('settled');
        continue;
      }
      break;
    }
  }
  // Schemas are deleted at once; everything else passes DELETE PENDING and DELETE IN_PROGRESS first.
  if (spec.resource !== 'schema') await wait('gone');
}
