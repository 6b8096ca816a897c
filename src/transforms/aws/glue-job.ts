/**
 * Runs a domain's transform on aws as a Glue job: the generated PySpark script is uploaded to the domain's artifact
 * bucket, the job is described-or-created (updated when the files changed it, left alone when equal), then a run is
 * started and waited for with the shared waiter. Everything happens in the domain's own account.
 */
import type { GlueClient, JobUpdate } from '@aws-sdk/client-glue';
import type { S3Client } from '@aws-sdk/client-s3';
import type { AwsClients } from '../../aws/clients.js';
import { fromAwsError, isAwsError } from '../../aws/errors.js';
import { MeshError } from '../../core/errors.js';
import { emit, type IoHost, silentHost } from '../../core/messages.js';
import { waitFor } from '../../core/waiter.js';
import type { Domain, Workspace } from '../../workspace/model.js';
import { type GlueJobArtefacts, renderGlueJob } from '../render-aws.js';

export interface DeployGlueOptions {
  readonly workspace: Workspace;
  readonly domain: Domain;
  readonly transform: string;
  readonly clients: AwsClients;
  /** Where messages and the run's progress go (default: nowhere). */
  readonly host?: IoHost;
  readonly signal?: AbortSignal;
  /** Start a run and wait for it (default true). */
  readonly run?: boolean;
  /** Injected in tests. */
  readonly sleep?: (ms: number) => Promise<void>;
}

export interface GlueTransformResult {
  readonly jobName: string;
  readonly job: 'created' | 'updated' | 'unchanged';
  readonly scriptLocation: string;
  readonly outputLocation: string;
  readonly runId?: string;
  readonly runState?: string;
}

function splitS3(uri: string): { bucket: string; key: string } {
  const m = /^s3:\/\/([^/]+)\/(.*)$/.exec(uri);
  if (!m?.[1] || m[2] === undefined) throw new MeshError('InvalidS3Location', `${uri} is not an s3:// location.`);
  return { bucket: m[1], key: m[2] };
}

/** The job fields mesh manages, as UpdateJob takes them. */
export function jobUpdateOf(a: GlueJobArtefacts): JobUpdate {
  const { Name: _name, Tags: _tags, Description, ...rest } = a.createJob;
  return { ...rest, Description };
}

export function sameJob(existing: Record<string, unknown>, wanted: JobUpdate): boolean {
  for (const [key, value] of Object.entries(wanted)) {
    if (JSON.stringify(existing[key]) !== JSON.stringify(value)) return false;
  }
  return true;
}

export async function uploadScript(s3: S3Client, a: GlueJobArtefacts): Promise<void> {
  const { PutObjectCommand } = await import('@aws-sdk/client-s3');
  const { bucket, key } = splitS3(a.scriptLocation);
  try {
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: a.script, ContentType: 'text/x-python' }));
  } catch (error) {
    if (isAwsError(error, 'NoSuchBucket')) {
      throw new MeshError('ArtifactBucketMissing', `The artifact bucket ${bucket} does not exist in the domain's account.`, {
        hint: `Create it (aws s3 mb s3://${bucket}) or set aws.artifactBucketPattern in mesh.yaml.`,
        cause: error,
      });
    }
    throw fromAwsError(error, `upload ${a.scriptLocation}`);
  }
}

export async function ensureJob(glue: GlueClient, a: GlueJobArtefacts): Promise<'created' | 'updated' | 'unchanged'> {
  const { CreateJobCommand, GetJobCommand, UpdateJobCommand } = await import('@aws-sdk/client-glue');
  const wanted = jobUpdateOf(a);
  try {
    const { Job } = await glue.send(new GetJobCommand({ JobName: a.jobName }));
    if (Job && sameJob(Job as Record<string, unknown>, wanted)) return 'unchanged';
    await glue.send(new UpdateJobCommand({ JobName: a.jobName, JobUpdate: wanted }));
    return 'updated';
  } catch (error) {
    if (!isAwsError(error, 'EntityNotFoundException')) throw fromAwsError(error, `Glue job ${a.jobName}`);
  }
  try {
    await glue.send(new CreateJobCommand(a.createJob));
    return 'created';
  } catch (error) {
    throw fromAwsError(error, `create Glue job ${a.jobName}`);
  }
}

export async function deployGlueTransform(options: DeployGlueOptions): Promise<GlueTransformResult> {
  const { GlueClient, StartJobRunCommand, GetJobRunCommand } = await import('@aws-sdk/client-glue');
  const { S3Client } = await import('@aws-sdk/client-s3');
  const artefacts = renderGlueJob(options.workspace, options.domain, options.transform);
  const access = options.domain.access;
  const [glue, s3] = await Promise.all([options.clients.get(GlueClient, access), options.clients.get(S3Client, access)]);
  await uploadScript(s3, artefacts);
  const job = await ensureJob(glue, artefacts);
  const host = options.host ?? silentHost;
  emit(host, 'info', 'transform.glue.job', { jobName: artefacts.jobName, job, script: artefacts.scriptLocation });
  const base = { jobName: artefacts.jobName, job, scriptLocation: artefacts.scriptLocation, outputLocation: artefacts.outputLocation };
  if (options.run === false) return base;

  const started = await glue.send(new StartJobRunCommand({ JobName: artefacts.jobName })).catch((error: unknown) => {
    throw fromAwsError(error, `start Glue job ${artefacts.jobName}`);
  });
  const runId = started.JobRunId ?? '';
  const final = await waitFor({
    label: `Glue job ${artefacts.jobName} run ${runId}`,
    host,
    signal: options.signal,
    sleep: options.sleep,
    initialDelayMs: 5_000,
    maxDelayMs: 30_000,
    resumeHint: `The run goes on in Glue: aws glue get-job-run --job-name ${artefacts.jobName} --run-id ${runId}`,
    poll: async () => {
      const { JobRun } = await glue.send(new GetJobRunCommand({ JobName: artefacts.jobName, RunId: runId }));
      const state = JobRun?.JobRunState ?? 'UNKNOWN';
      return {
        status: state,
        done: state === 'SUCCEEDED',
        failed: ['FAILED', 'ERROR', 'TIMEOUT', 'STOPPED', 'EXPIRED'].includes(state),
        reason: JobRun?.ErrorMessage,
      };
    },
  });
  return { ...base, runId, runState: final.status };
}
