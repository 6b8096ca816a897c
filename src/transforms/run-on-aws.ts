/** A domain's transform on aws, with the engine the domain file names: a Glue job or an Athena query. */
import { AwsClients, type AwsClientsOptions } from '../aws/clients.js';
import type { Output } from '../io/output.js';
import type { Domain, Workspace } from '../workspace/model.js';
import type { GlueTransformResult } from './deploy-glue.js';
import type { AthenaTransformResult } from './run-athena.js';

export interface RunOnAwsOptions {
  readonly workspace: Workspace;
  readonly domain: Domain;
  readonly transform: string;
  readonly engine: 'glue' | 'athena';
  readonly output: Output;
  readonly signal?: AbortSignal;
  /** Glue: start a run and wait for it (default true). */
  readonly run?: boolean;
  readonly aws?: AwsClientsOptions;
}

export async function runTransformOnAws(
  options: RunOnAwsOptions,
): Promise<{ result: GlueTransformResult | AthenaTransformResult; summary: string }> {
  const clients = new AwsClients({ ...options.aws, centralAccount: options.workspace.mesh.central.account });
  const common = {
    workspace: options.workspace,
    domain: options.domain,
    transform: options.transform,
    clients,
    output: options.output,
    signal: options.signal,
  };
  try {
    if (options.engine === 'glue') {
      const { deployGlueTransform } = await import('./deploy-glue.js');
      const result = await deployGlueTransform({ ...common, run: options.run });
      const summary = result.runId
        ? `Glue job ${result.jobName} run ${result.runId}: ${result.runState}; output in ${result.outputLocation}`
        : `Glue job ${result.jobName}: ${result.job}.`;
      return { result, summary };
    }
    const { runAthenaTransform } = await import('./run-athena.js');
    const result = await runAthenaTransform(common);
    return {
      result,
      summary: `Athena: ${result.rowCount} row(s) (${result.state}); results in ${result.outputLocation}, rows in ${result.outputFile}`,
    };
  } finally {
    clients.destroy();
  }
}
