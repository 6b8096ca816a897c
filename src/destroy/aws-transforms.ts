/**
 * What `mesh transform` made on aws for each domain: the Glue job of a transform whose engine is glue (found by the
 * name mesh gives it and the script location mesh set, so a job of the same name made by hand is left alone), and,
 * with --delete-data, what it wrote under the transform's prefix in the domain's artifact bucket (the generated
 * script, the job's or Athena's output). Athena runs leave no resource but their output files. The artifact bucket
 * stays: mesh never creates it.
 */
import type { AwsClients } from '../aws/clients.js';
import { fromAwsError, isAwsError } from '../aws/errors.js';
import type { Domain, Workspace } from '../workspace/model.js';
import { fill } from '../workspace/naming.js';
import type { RefMaker, Removal } from './specs.js';

type ObjectCounter = (access: Domain['access'], bucket: string, prefix: string) => Promise<number>;

/**
 * The names src/transforms/render-aws.ts gives a transform's job and files, without rendering its SQL: a domain
 * that no longer subscribes to what its SQL reads must still be destroyable.
 */
function transformNames(ws: Workspace, domain: Domain, transform: string): { jobName: string; scriptLocation: string } {
  const bucket = fill(ws.mesh.aws.artifactBucketPattern, { mesh: ws.mesh.name, domain: domain.name, account: domain.access.account });
  return {
    jobName: `${ws.mesh.name}-${domain.name}-${transform}`,
    scriptLocation: `s3://${bucket}/transforms/${domain.name}/${transform}/job.py`,
  };
}

function splitS3(uri: string): { bucket: string; prefix: string } {
  const m = /^s3:\/\/([^/]+)\/(.*)$/.exec(uri);
  return { bucket: m?.[1] ?? '', prefix: m?.[2] ?? '' };
}

export async function observeTransforms(
  clients: AwsClients,
  ws: Workspace,
  ref: RefMaker,
  countObjects: ObjectCounter,
  deleteData: boolean,
): Promise<Removal[]> {
  const domains = ws.domains.filter((d) => d.transforms.length > 0);
  if (domains.length === 0) return [];
  const { GlueClient, GetJobCommand } = await import('@aws-sdk/client-glue');
  const out: Removal[] = [];
  for (const domain of domains) {
    const account = domain.access.account;
    const group = `transforms:${domain.name}`;
    const glue = await clients.get(GlueClient, domain.access);
    for (const t of domain.transforms) {
      const rendered = transformNames(ws, domain, t.name);
      if (t.engine === 'glue') {
        try {
          const { Job } = await glue.send(new GetJobCommand({ JobName: rendered.jobName }));
          if (Job?.Command?.ScriptLocation === rendered.scriptLocation) {
            out.push({
              ref: {
                ...ref(`glue-job:${account}:${rendered.jobName}`, `Glue job ${rendered.jobName} (${domain.name})`, account),
                plane: 'transforms',
              },
              spec: { kind: 'glue-job', account, name: rendered.jobName },
              action: 'delete',
              layer: 0,
              group,
            });
          }
        } catch (error) {
          if (!isAwsError(error, 'EntityNotFoundException')) throw fromAwsError(error, `Reading Glue job ${rendered.jobName}`);
        }
      }
      if (!deleteData) continue;
      // `s3://<artifact bucket>/transforms/<domain>/<transform>/`: the script and the outputs of either engine.
      const { bucket, prefix } = splitS3(rendered.scriptLocation.replace(/job\.py$/, ''));
      const objects = await countObjects(domain.access, bucket, prefix);
      if (objects === 0) continue;
      out.push({
        ref: {
          ...ref(`data:s3://${bucket}/${prefix}`, `transform files in s3://${bucket}/${prefix} (${objects} objects)`, account),
          plane: 'transforms',
        },
        spec: { kind: 'data', account, bucket, prefix, objects },
        action: 'delete',
        layer: 1,
        group,
      });
    }
  }
  return out;
}
