/**
 * Describe-or-create for the Personalize resources of a domain, found by their deterministic names. A resource
 * that exists but differs from personalize.yaml stops the run with the difference (Personalize cannot change
 * these in place, and mesh never replaces them silently). Each creation waits for ACTIVE through waitForJob.
 */
import {
  CreateDatasetCommand,
  CreateDatasetGroupCommand,
  CreateEventTrackerCommand,
  CreateFilterCommand,
  CreateSchemaCommand,
  CreateSolutionCommand,
  DescribeDatasetCommand,
  DescribeDatasetGroupCommand,
  DescribeEventTrackerCommand,
  DescribeFilterCommand,
  DescribeSchemaCommand,
  DescribeSolutionCommand,
  ListDatasetGroupsCommand,
  ListDatasetsCommand,
  ListEventTrackersCommand,
  ListFiltersCommand,
  ListSchemasCommand,
  ListSolutionsCommand,
} from '@aws-sdk/client-personalize';
import { MeshError } from '../../core/errors.js';
import { managedTags } from '../../workspace/naming.js';
import { type DatasetType, RECORD_NAMES, sameSchema } from '../avro-rules.js';
import type { SolutionConfig } from '../config.js';
import { resourceNames } from '../project.js';
import { type AwsPersonalizeEnv, call, jobStatus, waitForJob } from './aws-env.js';

export interface Difference {
  readonly field: string;
  readonly aws: unknown;
  readonly file: unknown;
}

export function driftError(kind: string, name: string, differences: readonly Difference[]): MeshError {
  const lines = differences.map((d) => `  ${d.field}: ${JSON.stringify(d.aws)} in AWS, ${JSON.stringify(d.file)} in personalize.yaml`);
  return new MeshError('PersonalizeDrift', `The ${kind} "${name}" exists but differs from personalize.yaml:\n${lines.join('\n')}`, {
    hint: `Personalize cannot change a ${kind} in place. Make personalize.yaml match it, or delete the ${kind} in AWS (or rename it in personalize.yaml) and run again.`,
    details: { kind, name, differences },
  });
}

function tags(env: AwsPersonalizeEnv): { tagKey: string; tagValue: string }[] {
  return Object.entries(managedTags(env.project.workspace.mesh, env.project.domain.name)).map(([tagKey, tagValue]) => ({
    tagKey,
    tagValue,
  }));
}

/** Follows nextToken until the item is found or the list ends. */
async function findInPages<T>(
  what: string,
  page: (token?: string) => Promise<{ items: T[] | undefined; next?: string }>,
  match: (t: T) => boolean,
): Promise<T | undefined> {
  let token: string | undefined;
  do {
    const { items, next } = await call(what, () => page(token));
    const found = (items ?? []).find(match);
    if (found) return found;
    token = next;
  } while (token);
  return undefined;
}

function record(env: AwsPersonalizeEnv, key: string, created: boolean, arn: string): void {
  env.state.record(`personalize/${env.project.domain.name}/${key}`, created ? 'create' : 'observe', { arn });
}

/** The dataset group's ARN, or undefined when it does not exist (no creation). */
export async function findDatasetGroup(env: AwsPersonalizeEnv): Promise<string | undefined> {
  const name = env.project.config.datasetGroup;
  const found = await findInPages(
    'listing Personalize dataset groups',
    async (nextToken) => {
      const r = await env.personalize.send(new ListDatasetGroupsCommand({ ...(nextToken ? { nextToken } : {}) }));
      return { items: r.datasetGroups, ...(r.nextToken ? { next: r.nextToken } : {}) };
    },
    (g) => g.name === name,
  );
  return found?.datasetGroupArn;
}

export async function ensureDatasetGroup(env: AwsPersonalizeEnv): Promise<string> {
  const name = env.project.config.datasetGroup;
  const describe = async (arn: string) =>
    (await call(`describing dataset group ${name}`, () => env.personalize.send(new DescribeDatasetGroupCommand({ datasetGroupArn: arn }))))
      .datasetGroup;
  let arn = await findDatasetGroup(env);
  const created = arn === undefined;
  if (arn) {
    const group = await describe(arn);
    if (group?.domain) throw driftError('dataset group', name, [{ field: 'domain', aws: group.domain, file: '(custom: none)' }]);
  } else {
    const r = await call(`creating dataset group ${name}`, () =>
      env.personalize.send(new CreateDatasetGroupCommand({ name, tags: tags(env) })),
    );
    arn = r.datasetGroupArn as string;
  }
  const groupArn = arn;
  await waitForJob(env, { kind: 'dataset-group', arn: groupArn, label: `dataset group ${name}` }, async () => {
    const g = await describe(groupArn);
    return jobStatus(g?.status, g?.failureReason);
  });
  record(env, 'dataset-group', created, groupArn);
  return groupArn;
}

export async function ensureSchema(env: AwsPersonalizeEnv, type: DatasetType): Promise<string> {
  const dataset = env.project.config.datasets[type];
  if (!dataset) throw new MeshError('InternalError', `no ${type} dataset configured`);
  const name = resourceNames.schema(env.project, type);
  const found = await findInPages(
    'listing Personalize schemas',
    async (nextToken) => {
      const r = await env.personalize.send(new ListSchemasCommand({ ...(nextToken ? { nextToken } : {}) }));
      return { items: r.schemas, ...(r.nextToken ? { next: r.nextToken } : {}) };
    },
    (s) => s.name === name,
  );
  if (found?.schemaArn) {
    const arn = found.schemaArn;
    const r = await call(`describing schema ${name}`, () => env.personalize.send(new DescribeSchemaCommand({ schemaArn: arn })));
    const existing = r.schema?.schema ?? '';
    if (!sameSchema(existing, dataset.schema.text)) {
      throw driftError('schema', name, [{ field: 'schema', aws: JSON.parse(existing || 'null'), file: JSON.parse(dataset.schema.text) }]);
    }
    record(env, `schema/${type}`, false, arn);
    return arn;
  }
  const r = await call(`creating schema ${name}`, () =>
    env.personalize.send(new CreateSchemaCommand({ name, schema: dataset.schema.text })),
  );
  record(env, `schema/${type}`, true, r.schemaArn as string);
  return r.schemaArn as string;
}

export async function findDatasets(env: AwsPersonalizeEnv, datasetGroupArn: string): Promise<Partial<Record<DatasetType, string>>> {
  const out: Partial<Record<DatasetType, string>> = {};
  let token: string | undefined;
  do {
    const r = await call('listing Personalize datasets', () =>
      env.personalize.send(new ListDatasetsCommand({ datasetGroupArn, ...(token ? { nextToken: token } : {}) })),
    );
    for (const d of r.datasets ?? []) {
      const type = (Object.keys(RECORD_NAMES) as DatasetType[]).find((t) => RECORD_NAMES[t].toLowerCase() === d.datasetType?.toLowerCase());
      if (type && d.datasetArn) out[type] = d.datasetArn;
    }
    token = r.nextToken;
  } while (token);
  return out;
}

export async function ensureDataset(
  env: AwsPersonalizeEnv,
  type: DatasetType,
  datasetGroupArn: string,
  schemaArn: string,
  existing?: string,
): Promise<string> {
  const name = resourceNames.dataset(env.project, type);
  const describe = async (arn: string) =>
    (await call(`describing dataset ${name}`, () => env.personalize.send(new DescribeDatasetCommand({ datasetArn: arn })))).dataset;
  let arn = existing;
  if (arn) {
    const d = await describe(arn);
    if (d?.schemaArn !== schemaArn)
      throw driftError('dataset', d?.name ?? name, [{ field: 'schemaArn', aws: d?.schemaArn, file: schemaArn }]);
  } else {
    const r = await call(`creating dataset ${name}`, () =>
      env.personalize.send(
        new CreateDatasetCommand({ name, schemaArn, datasetGroupArn, datasetType: RECORD_NAMES[type], tags: tags(env) }),
      ),
    );
    arn = r.datasetArn as string;
  }
  const datasetArn = arn;
  await waitForJob(env, { kind: 'dataset', arn: datasetArn, label: `dataset ${name}` }, async () =>
    jobStatus((await describe(datasetArn))?.status),
  );
  record(env, `dataset/${type}`, existing === undefined, datasetArn);
  return datasetArn;
}

export async function findSolution(env: AwsPersonalizeEnv, datasetGroupArn: string, solution: SolutionConfig): Promise<string | undefined> {
  const name = resourceNames.solution(env.project, solution);
  const found = await findInPages(
    'listing Personalize solutions',
    async (nextToken) => {
      const r = await env.personalize.send(new ListSolutionsCommand({ datasetGroupArn, ...(nextToken ? { nextToken } : {}) }));
      return { items: r.solutions, ...(r.nextToken ? { next: r.nextToken } : {}) };
    },
    (s) => s.name === name,
  );
  return found?.solutionArn;
}

export async function ensureSolution(env: AwsPersonalizeEnv, datasetGroupArn: string, solution: SolutionConfig): Promise<string> {
  const name = resourceNames.solution(env.project, solution);
  const schedule = solution.autoTraining ? (solution.autoTrainingSchedule ?? 'rate(7 days)') : undefined;
  const describe = async (arn: string) =>
    (await call(`describing solution ${name}`, () => env.personalize.send(new DescribeSolutionCommand({ solutionArn: arn })))).solution;
  let arn = await findSolution(env, datasetGroupArn, solution);
  const created = arn === undefined;
  if (arn) {
    const s = await describe(arn);
    const differences: Difference[] = [];
    if (s?.recipeArn !== solution.recipeArn) differences.push({ field: 'recipeArn', aws: s?.recipeArn, file: solution.recipeArn });
    if ((s?.performAutoTraining ?? true) !== solution.autoTraining)
      differences.push({ field: 'performAutoTraining', aws: s?.performAutoTraining ?? true, file: solution.autoTraining });
    if ((s?.performHPO ?? false) !== solution.performHPO)
      differences.push({ field: 'performHPO', aws: s?.performHPO ?? false, file: solution.performHPO });
    if ((s?.eventType ?? undefined) !== solution.eventType)
      differences.push({ field: 'eventType', aws: s?.eventType, file: solution.eventType });
    const awsSchedule = s?.solutionConfig?.autoTrainingConfig?.schedulingExpression;
    if (schedule && awsSchedule && awsSchedule !== schedule)
      differences.push({ field: 'autoTrainingConfig.schedulingExpression', aws: awsSchedule, file: schedule });
    if (differences.length > 0) throw driftError('solution', name, differences);
  } else {
    const r = await call(`creating solution ${name}`, () =>
      env.personalize.send(
        new CreateSolutionCommand({
          name,
          datasetGroupArn,
          recipeArn: solution.recipeArn,
          performHPO: solution.performHPO,
          performAutoTraining: solution.autoTraining,
          ...(solution.eventType ? { eventType: solution.eventType } : {}),
          ...(schedule ? { solutionConfig: { autoTrainingConfig: { schedulingExpression: schedule } } } : {}),
          tags: tags(env),
        }),
      ),
    );
    arn = r.solutionArn as string;
  }
  const solutionArn = arn;
  await waitForJob(env, { kind: 'solution', arn: solutionArn, label: `solution ${name}` }, async () =>
    jobStatus((await describe(solutionArn))?.status),
  );
  record(env, `solution/${solution.name}`, created, solutionArn);
  return solutionArn;
}

export async function ensureFilter(
  env: AwsPersonalizeEnv,
  datasetGroupArn: string,
  filter: { name: string; expression: string },
): Promise<string> {
  const name = resourceNames.filter(env.project, filter.name);
  const describe = async (arn: string) =>
    (await call(`describing filter ${name}`, () => env.personalize.send(new DescribeFilterCommand({ filterArn: arn })))).filter;
  const found = await findInPages(
    'listing Personalize filters',
    async (nextToken) => {
      const r = await env.personalize.send(new ListFiltersCommand({ datasetGroupArn, ...(nextToken ? { nextToken } : {}) }));
      return { items: r.Filters, ...(r.nextToken ? { next: r.nextToken } : {}) };
    },
    (f) => f.name === name,
  );
  let arn = found?.filterArn;
  if (arn) {
    const f = await describe(arn);
    if (f?.filterExpression !== filter.expression)
      throw driftError('filter', name, [{ field: 'filterExpression', aws: f?.filterExpression, file: filter.expression }]);
  } else {
    const r = await call(`creating filter ${name}`, () =>
      env.personalize.send(new CreateFilterCommand({ name, datasetGroupArn, filterExpression: filter.expression, tags: tags(env) })),
    );
    arn = r.filterArn as string;
  }
  const filterArn = arn;
  await waitForJob(env, { kind: 'filter', arn: filterArn, label: `filter ${name}` }, async () => {
    const f = await describe(filterArn);
    return jobStatus(f?.status, f?.failureReason);
  });
  record(env, `filter/${filter.name}`, found === undefined, filterArn);
  return filterArn;
}

/** The dataset group's event tracker (one per group): its ARN and tracking id. */
export async function ensureEventTracker(env: AwsPersonalizeEnv, datasetGroupArn: string): Promise<{ arn: string; trackingId: string }> {
  const name = env.project.config.eventTrackerName;
  const r = await call('listing Personalize event trackers', () => env.personalize.send(new ListEventTrackersCommand({ datasetGroupArn })));
  const existing = r.eventTrackers?.[0];
  if (existing && existing.name !== name) {
    throw driftError('event tracker', existing.name ?? '?', [{ field: 'name', aws: existing.name, file: name }]);
  }
  let arn = existing?.eventTrackerArn;
  if (!arn) {
    const created = await call(`creating event tracker ${name}`, () =>
      env.personalize.send(new CreateEventTrackerCommand({ name, datasetGroupArn, tags: tags(env) })),
    );
    arn = created.eventTrackerArn as string;
  }
  const trackerArn = arn;
  let trackingId = '';
  await waitForJob(env, { kind: 'event-tracker', arn: trackerArn, label: `event tracker ${name}` }, async () => {
    const d = await call(`describing event tracker ${name}`, () =>
      env.personalize.send(new DescribeEventTrackerCommand({ eventTrackerArn: trackerArn })),
    );
    trackingId = d.eventTracker?.trackingId ?? trackingId;
    return jobStatus(d.eventTracker?.status);
  });
  record(env, 'event-tracker', existing === undefined, trackerArn);
  return { arn: trackerArn, trackingId };
}
