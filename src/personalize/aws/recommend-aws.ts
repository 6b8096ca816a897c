/** `mesh personalize recommend` on aws: GetRecommendations on the solution's campaign, with the filter's ARN. */
import { GetRecommendationsCommand, type PersonalizeRuntimeClient } from '@aws-sdk/client-personalize-runtime';
import { didYouMean, MeshError, usageError } from '../../core/errors.js';
import { readOutputsFile } from '../outputs.js';
import type { RecommendationsResult, RecommendRequest } from '../port.js';
import { type PersonalizeProject, selectSolution } from '../project.js';
import { call } from './aws-env.js';

export async function recommendAws(
  project: PersonalizeProject,
  runtime: PersonalizeRuntimeClient,
  req: RecommendRequest,
): Promise<RecommendationsResult> {
  const outputs = readOutputsFile(project.paths.outputsFile);
  const solution = selectSolution(project, req.itemId !== undefined ? 'item' : 'user', req.solution);
  const campaignArn = outputs?.target === 'aws' ? outputs.campaigns[solution.name] : undefined;
  if (!campaignArn) {
    throw new MeshError(
      'PersonalizeNotDeployed',
      `Solution "${solution.name}" has no campaign on aws (no ${project.paths.outputsFile} from a deploy).`,
      {
        hint: 'Run `mesh personalize deploy --target aws` first.',
      },
    );
  }
  const filterName = req.filter === undefined ? project.config.defaultFilter : (req.filter ?? undefined);
  let filterArn: string | undefined;
  if (filterName !== undefined) {
    filterArn = outputs?.filterArns[filterName];
    if (!filterArn) {
      const known = Object.keys(outputs?.filterArns ?? {});
      throw usageError(
        `No deployed filter named "${filterName}".`,
        didYouMean(filterName, known) ?? 'Add it under filters: in personalize.yaml and deploy.',
      );
    }
  }
  const r = await call('GetRecommendations', () =>
    runtime.send(
      new GetRecommendationsCommand({
        campaignArn,
        ...(req.userId !== undefined ? { userId: req.userId } : {}),
        ...(req.itemId !== undefined ? { itemId: req.itemId } : {}),
        numResults: req.numResults ?? 25,
        ...(filterArn ? { filterArn } : {}),
        ...(req.filterValues ? { filterValues: quotedFilterValues(req.filterValues) } : {}),
      }),
    ),
  );
  return {
    itemList: (r.itemList ?? []).map((i) => ({ itemId: i.itemId ?? '', score: i.score ?? 0 })),
    recommendationId: r.recommendationId ?? '',
  };
}

/**
 * Personalize wants each filter value as it appears in the expression: a string in double quotes, several
 * comma-separated (`"\"rock\",\"jazz\""`). The local engine and `--filter-value genre=rock` take bare values; quote
 * them here unless they already are.
 */
export function quotedFilterValues(values: Readonly<Record<string, string>>): Record<string, string> {
  const quote = (v: string) =>
    v.trim().startsWith('"')
      ? v
      : v
          .split(',')
          .map((part) => JSON.stringify(part.trim()))
          .join(',');
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, quote(v)]));
}
