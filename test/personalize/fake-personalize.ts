/**
 * A stateful stand-in for the Personalize control plane on aws-sdk-client-mock: resources are kept by ARN and walk
 * CREATE PENDING → CREATE IN_PROGRESS → ACTIVE, one step per Describe call (or CREATE FAILED with a reason when a
 * test says so). List calls return what exists, so describe-or-create and resume behave as against AWS.
 */

import { GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import {
  CreateCampaignCommand,
  CreateDatasetCommand,
  CreateDatasetGroupCommand,
  CreateDatasetImportJobCommand,
  CreateEventTrackerCommand,
  CreateFilterCommand,
  CreateSchemaCommand,
  CreateSolutionCommand,
  CreateSolutionVersionCommand,
  DeleteCampaignCommand,
  DescribeCampaignCommand,
  DescribeDatasetCommand,
  DescribeDatasetGroupCommand,
  DescribeDatasetImportJobCommand,
  DescribeEventTrackerCommand,
  DescribeFilterCommand,
  DescribeSchemaCommand,
  DescribeSolutionCommand,
  DescribeSolutionVersionCommand,
  GetSolutionMetricsCommand,
  ListCampaignsCommand,
  ListDatasetGroupsCommand,
  ListDatasetImportJobsCommand,
  ListDatasetsCommand,
  ListEventTrackersCommand,
  ListFiltersCommand,
  ListSchemasCommand,
  ListSolutionsCommand,
  ListSolutionVersionsCommand,
  PersonalizeClient,
  ResourceNotFoundException,
  UpdateCampaignCommand,
} from '@aws-sdk/client-personalize';
import { GetBucketPolicyCommand, HeadBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { ACCOUNT, REGION } from './helpers.js';

const PROGRESSION = ['CREATE PENDING', 'CREATE IN_PROGRESS', 'ACTIVE'];

interface Resource {
  arn: string;
  kind: string;
  name: string;
  input: Record<string, unknown>;
  /** index into PROGRESSION */
  step: number;
  failWith?: string;
  created: Date;
  extra: Record<string, unknown>;
}

export class FakePersonalize {
  readonly pz = mockClient(PersonalizeClient);
  readonly s3 = mockClient(S3Client);
  readonly iam = mockClient(IAMClient);
  readonly resources = new Map<string, Resource>();
  /** Metrics of the n-th solution version (1-based) of a solution. */
  metricsFor: (solution: string, n: number) => Record<string, number> = () => ({
    normalized_discounted_cumulative_gain_at_10: 0.2,
    precision_at_10: 0.1,
  });
  /** Names (or name prefixes) of resources to fail, with the reason. */
  readonly failures = new Map<string, string>();
  /** Called on every Describe of a solution version (tests interrupt here). */
  onDescribeVersion: () => void = () => {};
  private clock = 0;

  constructor() {
    this.install();
    this.s3.on(HeadBucketCommand).resolves({});
    this.s3.on(PutObjectCommand).resolves({});
    this.s3.on(GetBucketPolicyCommand).resolves({
      Policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: 'personalize.amazonaws.com' },
            Action: ['s3:GetObject', 's3:ListBucket'],
            Resource: '*',
          },
        ],
      }),
    });
    this.iam.on(GetRoleCommand).callsFake((input: { RoleName: string }) => ({
      Role: {
        RoleName: input.RoleName,
        Arn: `arn:aws:iam::${ACCOUNT}:role/${input.RoleName}`,
        Path: '/',
        RoleId: 'AROAEXAMPLE',
        CreateDate: new Date(0),
        AssumeRolePolicyDocument: encodeURIComponent(
          JSON.stringify({
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Principal: { Service: 'personalize.amazonaws.com' }, Action: 'sts:AssumeRole' }],
          }),
        ),
      },
    }));
  }

  restore(): void {
    this.pz.restore();
    this.s3.restore();
    this.iam.restore();
  }

  /** Every Create, Update or Delete call made (command name + input), in order. */
  mutations(): { command: string; input: Record<string, unknown> }[] {
    return this.pz
      .calls()
      .map((c) => c.args[0] as unknown as { constructor: { name: string }; input: Record<string, unknown> })
      .filter((c) => /^(Create|Update|Delete)/.test(c.constructor.name))
      .map((c) => ({ command: c.constructor.name.replace(/Command$/, ''), input: c.input }));
  }

  arn(resource: string): string {
    return `arn:aws:personalize:${REGION}:${ACCOUNT}:${resource}`;
  }

  /** Adds a resource as if it existed before the test (ACTIVE). */
  seed(kind: string, arn: string, name: string, input: Record<string, unknown>, extra: Record<string, unknown> = {}): void {
    this.resources.set(arn, { arn, kind, name, input, step: 2, created: new Date(this.clock++), extra });
  }

  private add(kind: string, arn: string, name: string, input: Record<string, unknown>, extra: Record<string, unknown> = {}): Resource {
    const failWith = [...this.failures].find(([prefix]) => name.startsWith(prefix))?.[1];
    const r: Resource = {
      arn,
      kind,
      name,
      input,
      step: 0,
      created: new Date(1_700_000_000_000 + this.clock++ * 1000),
      extra,
      ...(failWith ? { failWith } : {}),
    };
    this.resources.set(arn, r);
    return r;
  }

  private get(arn: string, kind: string): Resource {
    const r = this.resources.get(arn);
    if (!r || r.kind !== kind) throw new ResourceNotFoundException({ message: `${kind} ${arn} not found`, $metadata: {} });
    return r;
  }

  /** One Describe: the status now, then one step further. */
  private observe(r: Resource): { status: string; failureReason?: string } {
    if (r.failWith && r.step >= 1) return { status: 'CREATE FAILED', failureReason: r.failWith };
    const status = PROGRESSION[r.step] as string;
    if (r.step < 2) r.step++;
    return { status };
  }

  private list(kind: string, parentKey?: string, parent?: unknown): Resource[] {
    return [...this.resources.values()].filter((r) => r.kind === kind && (parentKey === undefined || r.input[parentKey] === parent));
  }

  private install(): void {
    const { pz } = this;
    pz.on(ListDatasetGroupsCommand).callsFake(() => ({
      datasetGroups: this.list('dsg').map((r) => ({ name: r.name, datasetGroupArn: r.arn })),
    }));
    pz.on(CreateDatasetGroupCommand).callsFake((input: { name: string }) => ({
      datasetGroupArn: this.add('dsg', this.arn(`dataset-group/${input.name}`), input.name, input).arn,
    }));
    pz.on(DescribeDatasetGroupCommand).callsFake((input: { datasetGroupArn: string }) => {
      const r = this.get(input.datasetGroupArn, 'dsg');
      return { datasetGroup: { name: r.name, datasetGroupArn: r.arn, ...this.observe(r) } };
    });
    pz.on(ListSchemasCommand).callsFake(() => ({ schemas: this.list('schema').map((r) => ({ name: r.name, schemaArn: r.arn })) }));
    pz.on(CreateSchemaCommand).callsFake((input: { name: string }) => ({
      schemaArn: this.add('schema', this.arn(`schema/${input.name}`), input.name, input).arn,
    }));
    pz.on(DescribeSchemaCommand).callsFake((input: { schemaArn: string }) => {
      const r = this.get(input.schemaArn, 'schema');
      return { schema: { name: r.name, schemaArn: r.arn, schema: r.input.schema } };
    });
    pz.on(ListDatasetsCommand).callsFake((input: { datasetGroupArn: string }) => ({
      datasets: this.list('dataset', 'datasetGroupArn', input.datasetGroupArn).map((r) => ({
        name: r.name,
        datasetArn: r.arn,
        datasetType: r.input.datasetType,
      })),
    }));
    pz.on(CreateDatasetCommand).callsFake((input: { name: string; datasetGroupArn: string; datasetType: string }) => {
      const group = input.datasetGroupArn.split('/').pop();
      return { datasetArn: this.add('dataset', this.arn(`dataset/${group}/${input.datasetType.toUpperCase()}`), input.name, input).arn };
    });
    pz.on(DescribeDatasetCommand).callsFake((input: { datasetArn: string }) => {
      const r = this.get(input.datasetArn, 'dataset');
      return {
        dataset: { name: r.name, datasetArn: r.arn, schemaArn: r.input.schemaArn, datasetType: r.input.datasetType, ...this.observe(r) },
      };
    });
    pz.on(ListDatasetImportJobsCommand).callsFake((input: { datasetArn: string }) => ({
      datasetImportJobs: this.list('import', 'datasetArn', input.datasetArn).map((r) => ({
        jobName: r.name,
        datasetImportJobArn: r.arn,
        creationDateTime: r.created,
        status: r.failWith && r.step >= 1 ? 'CREATE FAILED' : PROGRESSION[r.step],
      })),
    }));
    pz.on(CreateDatasetImportJobCommand).callsFake((input: { jobName: string }) => ({
      datasetImportJobArn: this.add('import', this.arn(`dataset-import-job/${input.jobName}`), input.jobName, input).arn,
    }));
    pz.on(DescribeDatasetImportJobCommand).callsFake((input: { datasetImportJobArn: string }) => {
      const r = this.get(input.datasetImportJobArn, 'import');
      return { datasetImportJob: { jobName: r.name, datasetImportJobArn: r.arn, ...this.observe(r) } };
    });
    pz.on(ListSolutionsCommand).callsFake((input: { datasetGroupArn: string }) => ({
      solutions: this.list('solution', 'datasetGroupArn', input.datasetGroupArn).map((r) => ({ name: r.name, solutionArn: r.arn })),
    }));
    pz.on(CreateSolutionCommand).callsFake((input: { name: string }) => ({
      solutionArn: this.add('solution', this.arn(`solution/${input.name}`), input.name, input).arn,
    }));
    pz.on(DescribeSolutionCommand).callsFake((input: { solutionArn: string }) => {
      const r = this.get(input.solutionArn, 'solution');
      const { tags: _tags, ...config } = r.input;
      return { solution: { ...config, solutionArn: r.arn, ...this.observe(r) } };
    });
    pz.on(ListSolutionVersionsCommand).callsFake((input: { solutionArn: string }) => ({
      solutionVersions: this.list('version', 'solutionArn', input.solutionArn)
        .sort((a, b) => b.created.getTime() - a.created.getTime())
        .map((r) => ({
          solutionVersionArn: r.arn,
          status: r.failWith && r.step >= 1 ? 'CREATE FAILED' : PROGRESSION[r.step],
          trainingMode: r.input.trainingMode,
          creationDateTime: r.created,
        })),
    }));
    pz.on(CreateSolutionVersionCommand).callsFake((input: { solutionArn: string; name: string }) => {
      const n = this.list('version', 'solutionArn', input.solutionArn).length + 1;
      return { solutionVersionArn: this.add('version', `${input.solutionArn}/v${n}`, input.name, input, { n }).arn };
    });
    pz.on(DescribeSolutionVersionCommand).callsFake((input: { solutionVersionArn: string }) => {
      this.onDescribeVersion();
      const r = this.get(input.solutionVersionArn, 'version');
      return {
        solutionVersion: {
          name: r.name,
          solutionVersionArn: r.arn,
          trainingMode: r.input.trainingMode,
          trainingHours: 1.5,
          ...this.observe(r),
        },
      };
    });
    pz.on(GetSolutionMetricsCommand).callsFake((input: { solutionVersionArn: string }) => {
      const r = this.get(input.solutionVersionArn, 'version');
      const solution = (r.input.solutionArn as string).split('/').pop() as string;
      return { solutionVersionArn: r.arn, metrics: this.metricsFor(solution, r.extra.n as number) };
    });
    pz.on(ListCampaignsCommand).callsFake((input: { solutionArn: string }) => ({
      campaigns: [...this.resources.values()]
        .filter((r) => r.kind === 'campaign' && (r.extra.solutionVersionArn as string).startsWith(`${input.solutionArn}/`))
        .map((r) => ({ name: r.name, campaignArn: r.arn })),
    }));
    pz.on(CreateCampaignCommand).callsFake((input: { name: string; solutionVersionArn: string; minProvisionedTPS: number }) => ({
      campaignArn: this.add('campaign', this.arn(`campaign/${input.name}`), input.name, input, {
        solutionVersionArn: input.solutionVersionArn,
        minProvisionedTPS: input.minProvisionedTPS,
      }).arn,
    }));
    pz.on(UpdateCampaignCommand).callsFake((input: { campaignArn: string; solutionVersionArn: string; minProvisionedTPS: number }) => {
      const r = this.get(input.campaignArn, 'campaign');
      r.extra.update = { solutionVersionArn: input.solutionVersionArn, minProvisionedTPS: input.minProvisionedTPS, step: 0 };
      return { campaignArn: r.arn };
    });
    pz.on(DescribeCampaignCommand).callsFake((input: { campaignArn: string }) => {
      const r = this.get(input.campaignArn, 'campaign');
      const base = this.observe(r);
      const update = r.extra.update as { solutionVersionArn: string; minProvisionedTPS: number; step: number } | undefined;
      let latestCampaignUpdate: Record<string, unknown> | undefined;
      if (update) {
        const status = PROGRESSION[update.step] as string;
        if (update.step < 2) update.step++;
        else {
          r.extra.solutionVersionArn = update.solutionVersionArn;
          r.extra.minProvisionedTPS = update.minProvisionedTPS;
        }
        latestCampaignUpdate = { solutionVersionArn: update.solutionVersionArn, minProvisionedTPS: update.minProvisionedTPS, status };
      }
      return {
        campaign: {
          name: r.name,
          campaignArn: r.arn,
          solutionVersionArn: r.extra.solutionVersionArn,
          minProvisionedTPS: r.extra.minProvisionedTPS,
          ...base,
          ...(latestCampaignUpdate ? { latestCampaignUpdate } : {}),
        },
      };
    });
    pz.on(DeleteCampaignCommand).callsFake((input: { campaignArn: string }) => {
      this.get(input.campaignArn, 'campaign');
      this.resources.delete(input.campaignArn);
      return {};
    });
    pz.on(ListFiltersCommand).callsFake((input: { datasetGroupArn: string }) => ({
      Filters: this.list('filter', 'datasetGroupArn', input.datasetGroupArn).map((r) => ({ name: r.name, filterArn: r.arn })),
    }));
    pz.on(CreateFilterCommand).callsFake((input: { name: string }) => ({
      filterArn: this.add('filter', this.arn(`filter/${input.name}`), input.name, input).arn,
    }));
    pz.on(DescribeFilterCommand).callsFake((input: { filterArn: string }) => {
      const r = this.get(input.filterArn, 'filter');
      return { filter: { name: r.name, filterArn: r.arn, filterExpression: r.input.filterExpression, ...this.observe(r) } };
    });
    pz.on(ListEventTrackersCommand).callsFake((input: { datasetGroupArn: string }) => ({
      eventTrackers: this.list('tracker', 'datasetGroupArn', input.datasetGroupArn).map((r) => ({ name: r.name, eventTrackerArn: r.arn })),
    }));
    pz.on(CreateEventTrackerCommand).callsFake((input: { name: string }) => {
      const r = this.add('tracker', this.arn(`event-tracker/et-${this.clock}`), input.name, input, {
        trackingId: `tracking-${this.clock}`,
      });
      return { eventTrackerArn: r.arn, trackingId: r.extra.trackingId };
    });
    pz.on(DescribeEventTrackerCommand).callsFake((input: { eventTrackerArn: string }) => {
      const r = this.get(input.eventTrackerArn, 'tracker');
      return { eventTracker: { name: r.name, eventTrackerArn: r.arn, trackingId: r.extra.trackingId, ...this.observe(r) } };
    });
  }
}
