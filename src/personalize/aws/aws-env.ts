/**
 * What the aws flows share: the clients, the project, the message host and the state, plus the one wait helper that
 * records a job as pending before waiting (so Ctrl-C leaves it resumable by `mesh personalize status`) and
 * clears it once the job is ACTIVE.
 */

import type { IAMClient } from '@aws-sdk/client-iam';
import type { PersonalizeClient } from '@aws-sdk/client-personalize';
import type { S3Client } from '@aws-sdk/client-s3';
import { fromAwsError } from '../../aws/errors.js';
import type { IoHost } from '../../core/messages.js';
import type { JobStatus, WaitOptions } from '../../core/waiter.js';
import { waitFor } from '../../core/waiter.js';
import type { StateStore } from '../../engine/state.js';
import type { PersonalizeProject } from '../project.js';

export interface AwsPersonalizeEnv {
  readonly project: PersonalizeProject;
  readonly personalize: PersonalizeClient;
  readonly s3: S3Client;
  readonly iam: IAMClient;
  /** Where messages and the waits' progress go. */
  readonly host: IoHost;
  readonly state: StateStore;
  readonly signal?: AbortSignal;
  /** Injected in tests: no real waiting. */
  readonly sleep?: WaitOptions['sleep'];
  readonly now?: () => number;
}

export type PendingKind =
  | 'dataset-group'
  | 'dataset'
  | 'import-job'
  | 'solution'
  | 'solution-version'
  | 'campaign'
  | 'filter'
  | 'event-tracker';

/** A job mesh started and has not yet seen finish. Kept in the state's records. */
export interface PendingJob {
  readonly kind: PendingKind;
  readonly arn: string;
  readonly label: string;
  readonly since: string;
}

export const pendingKey = (domain: string) => `personalize/${domain}/pending`;
export const trainKey = (domain: string) => `personalize/${domain}/train`;
export const campaignsKey = (domain: string) => `personalize/${domain}/campaigns`;

export function pendingJobs(env: Pick<AwsPersonalizeEnv, 'state' | 'project'>): PendingJob[] {
  return env.state.getRecord<PendingJob[]>(pendingKey(env.project.domain.name)) ?? [];
}

function setPending(env: Pick<AwsPersonalizeEnv, 'state' | 'project'>, jobs: PendingJob[]): void {
  env.state.setRecord(pendingKey(env.project.domain.name), jobs.length > 0 ? jobs : undefined);
}

/** Calls AWS, turning its errors into MeshErrors that say what was being done. */
export async function call<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw fromAwsError(error, what);
  }
}

/** Personalize's status strings → the waiter's view. */
export function jobStatus(status: string | undefined, failureReason?: string): JobStatus {
  const s = status ?? 'UNKNOWN';
  if (s === 'ACTIVE') return { status: s, done: true, failed: false };
  if (s.includes('FAILED') || s === 'CREATE STOPPED' || s.startsWith('DELETE')) {
    return {
      status: s,
      done: false,
      failed: true,
      ...(failureReason ? { reason: failureReason } : s.startsWith('DELETE') ? { reason: 'it is being deleted' } : {}),
    };
  }
  return { status: s, done: false, failed: false };
}

/** Records a job as in progress (right after the create call, so an interrupt before its wait still leaves it listed). */
export function addPending(env: AwsPersonalizeEnv, job: { kind: PendingKind; arn: string; label: string }): void {
  const jobs = pendingJobs(env).filter((j) => j.arn !== job.arn || j.kind !== job.kind);
  setPending(env, [...jobs, { ...job, since: new Date((env.now ?? Date.now)()).toISOString() }]);
}

/** Slow jobs (imports, training, campaigns) are polled from 30 s up to 5 min; quick ones from 3 s up to 30 s. */
const SLOW: ReadonlySet<PendingKind> = new Set(['import-job', 'solution-version', 'campaign']);

/**
 * Waits for a Personalize job to become ACTIVE. The job is recorded as pending first, so an interrupted wait
 * (Ctrl-C, a timeout) leaves it for `mesh personalize status`; it is cleared when the job ends either way.
 */
function waitLimitMs(slow: boolean): number {
  const minutes = Number(process.env.MESH_PERSONALIZE_WAIT_MINUTES);
  if (Number.isFinite(minutes) && minutes > 0) return minutes * 60_000;
  return slow ? 12 * 3_600_000 : 3_600_000;
}

export async function waitForJob(
  env: AwsPersonalizeEnv,
  job: { kind: PendingKind; arn: string; label: string },
  describe: () => Promise<JobStatus>,
): Promise<JobStatus> {
  if (!pendingJobs(env).some((j) => j.arn === job.arn && j.kind === job.kind)) addPending(env, job);
  const slow = SLOW.has(job.kind);
  try {
    const result = await waitFor({
      label: job.label,
      poll: describe,
      host: env.host,
      initialDelayMs: slow ? 30_000 : 3_000,
      maxDelayMs: slow ? 300_000 : 30_000,
      // A bound on one wait (the job goes on in Personalize; `mesh personalize status` resumes it): imports and
      // training can take hours, the rest minutes. MESH_PERSONALIZE_WAIT_MINUTES overrides both.
      timeoutMs: waitLimitMs(slow),
      resumeHint: 'Run `mesh personalize status` to see it and continue where this stopped.',
      ...(env.signal ? { signal: env.signal } : {}),
      ...(env.sleep ? { sleep: env.sleep } : {}),
      ...(env.now ? { now: env.now } : {}),
    });
    clearPending(env, job.arn, job.kind);
    return result;
  } catch (error) {
    if ((error as { code?: string }).code === 'JobFailed') clearPending(env, job.arn, job.kind);
    throw error;
  }
}

export function clearPending(env: Pick<AwsPersonalizeEnv, 'state' | 'project'>, arn: string, kind: PendingKind): void {
  setPending(
    env,
    pendingJobs(env).filter((j) => j.arn !== arn || j.kind !== kind),
  );
}
