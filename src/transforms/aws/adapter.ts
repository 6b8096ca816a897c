/** The transforms port on aws: Glue jobs and Athena queries in the domain's account, with the run's clients. */
import { GetJobCommand, GlueClient } from '@aws-sdk/client-glue';
import { S3Client } from '@aws-sdk/client-s3';
import type { AwsClients } from '../../aws/clients.js';
import { fromAwsError, isAwsError } from '../../aws/errors.js';
import type { IoHost } from '../../core/messages.js';
import type { Domain, Transform, Workspace } from '../../workspace/model.js';
import { requireDomain } from '../../workspace/require-domain.js';
import type { TransformPort, TransformResult } from '../port.js';
import { renderGlueJob } from '../render-aws.js';
import type { GlueJobSpec } from '../resources.js';
import { deployGlueTransform, ensureJob, uploadScript } from './glue-job.js';

export class AwsTransformPort implements TransformPort {
  readonly target = 'aws' as const;

  constructor(
    private readonly workspace: Workspace,
    private readonly clients: AwsClients,
    private readonly host: IoHost,
    private readonly signal?: AbortSignal,
  ) {}

  async observeJobs(wanted: readonly GlueJobSpec[]): Promise<Map<string, GlueJobSpec>> {
    const found = new Map<string, GlueJobSpec>();
    for (const spec of wanted) {
      const glue = await this.clients.get(GlueClient, requireDomain(this.workspace, spec.domain).access);
      try {
        const { Job } = await glue.send(new GetJobCommand({ JobName: spec.jobName }));
        if (!Job) continue;
        const job = Object.fromEntries(Object.keys(spec.job).map((k) => [k, (Job as Record<string, unknown>)[k]]));
        found.set(spec.jobName, { ...spec, job });
      } catch (error) {
        if (!isAwsError(error, 'EntityNotFoundException')) throw fromAwsError(error, `Glue job ${spec.jobName}`);
      }
    }
    return found;
  }

  async applyJob(spec: GlueJobSpec): Promise<'created' | 'updated' | 'unchanged'> {
    const domain = requireDomain(this.workspace, spec.domain);
    const artefacts = renderGlueJob(this.workspace, domain, spec.transform);
    const [glue, s3] = await Promise.all([this.clients.get(GlueClient, domain.access), this.clients.get(S3Client, domain.access)]);
    await uploadScript(s3, artefacts);
    return ensureJob(glue, artefacts);
  }

  async run(domain: Domain, transform: Transform, options: { readonly run?: boolean }): Promise<TransformResult> {
    const common = {
      workspace: this.workspace,
      domain,
      transform: transform.name,
      clients: this.clients,
      host: this.host,
      ...(this.signal ? { signal: this.signal } : {}),
    };
    if (transform.engine === 'glue') return deployGlueTransform({ ...common, ...(options.run === false ? { run: false } : {}) });
    const { runAthenaTransform } = await import('./athena.js');
    return runAthenaTransform(common);
  }

  async close(): Promise<void> {}
}
