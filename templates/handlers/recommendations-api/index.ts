/**
 * GET /recommendations/{userId}: an API Gateway HTTP API (payload format 2.0) function that asks the domain's
 * Personalize campaign for a user's recommendations.
 *
 *   200 { "userId": "u1", "itemList": [{ "itemId": "s42", "score": 0.1234 }, …], "recommendationId": "RID-…" }
 *   (the shape `mesh dev` serves on the local target, and GetRecommendations' own)
 *   400 { "message": "…" }   bad userId / numResults / filter name
 *   500 { "message": "…" }   misconfiguration or Personalize failure (details in the function's log)
 *
 * Query string: numResults (or num, as `mesh dev` spells it; 1-500, default 25); filter (a filter name from
 * FILTER_ARNS, overriding the default).
 * Environment: CAMPAIGN_ARN (required); FILTER_ARN (the filter applied by default, optional); FILTER_ARNS (optional
 * JSON object, filter name → filter ARN, e.g. {"podcasts-only":"arn:aws:personalize:…:filter/…"}).
 * Local target: `mesh dev` sets AWS_ENDPOINT_URL_PERSONALIZE_RUNTIME to the local recommendation API.
 */
import { GetRecommendationsCommand, PersonalizeRuntimeClient } from '@aws-sdk/client-personalize-runtime';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

const DEFAULT_RESULTS = 25;
const MAX_RESULTS = 500;

export interface RecommendationsBody {
  readonly userId: string;
  readonly itemList: { readonly itemId: string; readonly score: number | null }[];
  readonly recommendationId?: string;
}

let client: PersonalizeRuntimeClient | undefined;
function personalizeRuntime(): PersonalizeRuntimeClient {
  client ??= new PersonalizeRuntimeClient({});
  return client;
}

function reply(statusCode: number, body: unknown): APIGatewayProxyStructuredResultV2 {
  return { statusCode, headers: { 'content-type': 'application/json', 'cache-control': 'no-store' }, body: JSON.stringify(body) };
}

class BadRequest extends Error {}

function numResultsOf(raw: string | undefined): number {
  if (raw === undefined || raw === '') return DEFAULT_RESULTS;
  if (!/^\d+$/.test(raw)) throw new BadRequest(`numResults must be a whole number from 1 to ${MAX_RESULTS}, not "${raw}".`);
  const n = Number(raw);
  if (n < 1 || n > MAX_RESULTS) throw new BadRequest(`numResults must be from 1 to ${MAX_RESULTS}, not ${n}.`);
  return n;
}

function namedFilters(): Record<string, string> {
  const raw = process.env.FILTER_ARNS;
  if (!raw) return {};
  const parsed: unknown = JSON.parse(raw);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new Error('FILTER_ARNS must be a JSON object of name → ARN.');
  return parsed as Record<string, string>;
}

function filterArnOf(name: string | undefined): string | undefined {
  if (name === undefined || name === '') return process.env.FILTER_ARN || undefined;
  const filters = namedFilters();
  const arn = Object.hasOwn(filters, name) ? filters[name] : undefined;
  if (!arn) {
    const known = Object.keys(filters);
    throw new BadRequest(
      `Unknown filter "${name}"${known.length > 0 ? `: use one of ${known.join(', ')}` : ': this API has no named filters'}.`,
    );
  }
  return arn;
}

export async function handler(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  const method = event.requestContext?.http?.method ?? 'GET';
  if (method !== 'GET') return reply(405, { message: `${method} is not allowed: use GET /recommendations/{userId}.` });
  const userId = event.pathParameters?.userId;
  if (!userId || userId.length > 256)
    return reply(400, { message: 'The path needs a userId of 1 to 256 characters: GET /recommendations/{userId}.' });

  const campaignArn = process.env.CAMPAIGN_ARN;
  if (!campaignArn) {
    console.error('CAMPAIGN_ARN is not set');
    return reply(500, { message: 'The recommendations API is not configured (no campaign).' });
  }

  let numResults: number;
  let filterArn: string | undefined;
  try {
    numResults = numResultsOf(event.queryStringParameters?.numResults ?? event.queryStringParameters?.num);
    filterArn = filterArnOf(event.queryStringParameters?.filter);
  } catch (error) {
    if (error instanceof BadRequest) return reply(400, { message: error.message });
    console.error(JSON.stringify({ message: 'bad configuration', error: String(error) }));
    return reply(500, { message: 'The recommendations API is misconfigured.' });
  }

  try {
    const output = await personalizeRuntime().send(
      new GetRecommendationsCommand({ campaignArn, userId, numResults, ...(filterArn ? { filterArn } : {}) }),
    );
    const body: RecommendationsBody = {
      userId,
      itemList: (output.itemList ?? []).flatMap((item) => (item.itemId ? [{ itemId: item.itemId, score: item.score ?? null }] : [])),
      ...(output.recommendationId ? { recommendationId: output.recommendationId } : {}),
    };
    return reply(200, body);
  } catch (error) {
    const name = error instanceof Error ? error.name : 'Error';
    console.error(
      JSON.stringify({
        message: 'GetRecommendations failed',
        userId,
        error: error instanceof Error ? `${name}: ${error.message}` : String(error),
      }),
    );
    if (name === 'InvalidInputException') return reply(400, { message: error instanceof Error ? error.message : 'Invalid input.' });
    return reply(500, { message: 'Recommendations are unavailable right now.' });
  }
}
