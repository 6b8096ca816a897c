/**
 * Personalize-compatible routes: the request and response shapes of PutEvents, PutItems, PutUsers
 * (personalize-events) and GetRecommendations, GetPersonalizedRanking (personalize-runtime) as the SDK v3 clients
 * send them (REST-JSON; timestamps as epoch seconds; `properties` as a JSON string with camelCase keys of the
 * schema's fields). Local deviation, documented: a GetRecommendations without filterArn applies personalize.yaml's
 * defaultFilter. Also `GET /recommendations/{userId}?num=&filter=&domain=` for other services.
 */
import type { Props } from '../../personalize/engine/index.js';
import type { EventInput } from '../../personalize/local/events-store.js';
import { invalidInput } from './http-error.js';
import type { PersonalizeRegistry } from './personalize-registry.js';
import type { Router } from './router.js';

type Json = Record<string, unknown>;

function str(body: Json, key: string, required: true, max?: number): string;
function str(body: Json, key: string, required?: false, max?: number): string | undefined;
function str(body: Json, key: string, required = false, max = 256): string | undefined {
  const v = body[key];
  if (v === undefined || v === null) {
    if (required) throw invalidInput(`${key} is required.`);
    return undefined;
  }
  if (typeof v !== 'string' || v.length === 0 || v.length > max) throw invalidInput(`${key} must be a string of 1 to ${max} characters.`);
  return v;
}

function list(body: Json, key: string, max: number): Json[] {
  const v = body[key];
  if (!Array.isArray(v) || v.length < 1 || v.length > max) throw invalidInput(`${key} must hold 1 to ${max} entries.`);
  return v.map((e) => {
    if (!e || typeof e !== 'object') throw invalidInput(`${key} entries must be objects.`);
    return e as Json;
  });
}

/** `numberOfRatings` → `NUMBER_OF_RATINGS` (Personalize's camelCase property keys → schema field names). */
export function fieldName(key: string): string {
  return key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
}

/** A `properties` JSON string → metadata keyed by schema field name. */
export function parseProperties(text: unknown, what: string): Props {
  if (text === undefined || text === null || text === '') return {};
  if (typeof text !== 'string') throw invalidInput(`${what}.properties must be a JSON string.`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw invalidInput(`${what}.properties is not valid JSON.`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw invalidInput(`${what}.properties must be a JSON object.`);
  const out: Props = {};
  for (const [k, v] of Object.entries(parsed as Record<string, unknown>)) {
    out[fieldName(k)] =
      v === null
        ? null
        : Array.isArray(v)
          ? v.map(String).join('|')
          : typeof v === 'object'
            ? JSON.stringify(v)
            : (v as string | number | boolean);
  }
  return out;
}

/** sentAt as the SDK sends it (epoch seconds, maybe fractional), or an ISO string. */
function epochSeconds(v: unknown, what: string): number {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && !Number.isNaN(Date.parse(v))) return Date.parse(v) / 1000;
  throw invalidInput(`${what}.sentAt is required (a timestamp).`);
}

export function registerPersonalizeRoutes(router: Router, registry: PersonalizeRegistry): void {
  router.addRoute('POST', '/events', async (req) => {
    const body = await req.json<Json>();
    const trackingId = str(body, 'trackingId', true);
    const sessionId = str(body, 'sessionId', true);
    const userId = str(body, 'userId');
    const events = list(body, 'eventList', 10).map((e, i): EventInput => {
      const what = `eventList[${i}]`;
      const properties = e.properties === undefined ? undefined : parseProperties(e.properties, what);
      if (typeof e.properties === 'string' && e.properties.length > 1024)
        throw invalidInput(`${what}.properties is longer than 1024 characters.`);
      const eventValue = e.eventValue;
      if (eventValue !== undefined && typeof eventValue !== 'number') throw invalidInput(`${what}.eventValue must be a number.`);
      return {
        userId: userId ?? sessionId,
        sessionId,
        eventType: str(e, 'eventType', true),
        sentAt: epochSeconds(e.sentAt, what),
        ...(str(e, 'itemId') !== undefined ? { itemId: str(e, 'itemId') as string } : {}),
        ...(typeof eventValue === 'number' ? { eventValue } : {}),
        ...(str(e, 'eventId') !== undefined ? { eventId: str(e, 'eventId') as string } : {}),
        ...(str(e, 'recommendationId', false, 40) !== undefined
          ? { recommendationId: str(e, 'recommendationId', false, 40) as string }
          : {}),
        ...(properties && Object.keys(properties).length > 0 ? { properties: JSON.stringify(properties) } : {}),
      };
    });
    const { runtime } = await registry.byTrackingId(trackingId);
    runtime.store.putEvents(events);
    return { status: 200, body: {} };
  });

  router.addRoute('POST', '/items', async (req) => {
    const body = await req.json<Json>();
    const datasetArn = str(body, 'datasetArn', true, 2048);
    const items = list(body, 'items', 10).map((e, i) => ({
      itemId: str(e, 'itemId', true),
      props: parseProperties(e.properties, `items[${i}]`),
    }));
    const { runtime } = await registry.byDatasetArn(datasetArn, 'items');
    runtime.store.putItems(items);
    return { status: 200, body: {} };
  });

  router.addRoute('POST', '/users', async (req) => {
    const body = await req.json<Json>();
    const datasetArn = str(body, 'datasetArn', true, 2048);
    const users = list(body, 'users', 10).map((e, i) => ({
      userId: str(e, 'userId', true),
      props: parseProperties(e.properties, `users[${i}]`),
    }));
    const { runtime } = await registry.byDatasetArn(datasetArn, 'users');
    runtime.store.putUsers(users);
    return { status: 200, body: {} };
  });

  router.addRoute('POST', '/recommendations', async (req) => {
    const body = await req.json<Json>();
    const campaignArn = str(body, 'campaignArn', false, 2048);
    if (!campaignArn)
      throw invalidInput(
        body.recommenderArn ? 'Recommenders (domain dataset groups) are not served locally; use a campaign.' : 'campaignArn is required.',
      );
    const { runtime, solution } = await registry.byCampaignArn(campaignArn);
    const numResults = body.numResults === undefined ? 25 : Number(body.numResults);
    if (!Number.isInteger(numResults) || numResults < 1 || numResults > 500) throw invalidInput('numResults must be 1 to 500.');
    const filterArn = str(body, 'filterArn', false, 2048);
    const filter = filterArn === undefined ? undefined : runtime.filterNameOfArn(filterArn);
    if (filterArn !== undefined && filter === undefined) throw invalidInput(`Filter ${filterArn} is not defined in personalize.yaml.`);
    const result = await runtime.recommend({
      solution,
      ...(str(body, 'userId') !== undefined ? { userId: str(body, 'userId') as string } : {}),
      ...(str(body, 'itemId') !== undefined ? { itemId: str(body, 'itemId') as string } : {}),
      numResults,
      ...(filter !== undefined ? { filter } : {}),
      ...(body.filterValues && typeof body.filterValues === 'object' ? { filterValues: body.filterValues as Record<string, string> } : {}),
    });
    return { body: result };
  });

  router.addRoute('POST', '/personalize-ranking', async (req) => {
    const body = await req.json<Json>();
    const campaignArn = str(body, 'campaignArn', true, 2048);
    const userId = str(body, 'userId', true);
    const inputList = body.inputList;
    if (!Array.isArray(inputList) || inputList.length === 0 || inputList.length > 500 || inputList.some((i) => typeof i !== 'string')) {
      throw invalidInput('inputList must hold 1 to 500 item ids.');
    }
    const { runtime, solution } = await registry.byCampaignArn(campaignArn);
    const filterArn = str(body, 'filterArn', false, 2048);
    const filter = filterArn === undefined ? null : runtime.filterNameOfArn(filterArn);
    if (filter === undefined) throw invalidInput(`Filter ${filterArn} is not defined in personalize.yaml.`);
    return { body: await runtime.rank({ solution, userId, inputList: inputList as string[], filter }) };
  });

  router.addRoute('GET', '/recommendations/{userId}', async (req) => {
    const num = Number(req.query.get('num') ?? '10');
    if (!Number.isInteger(num) || num < 1 || num > 500) throw invalidInput('num must be 1 to 500.');
    const { domain, runtime } = await registry.forApi(req.query.get('domain'));
    const filter = req.query.get('filter');
    const result = await runtime.recommend({
      userId: req.params.userId as string,
      numResults: num,
      ...(filter !== null ? { filter: filter === 'none' ? null : filter } : {}),
      ...(req.query.get('solution') ? { solution: req.query.get('solution') as string } : {}),
    });
    return { body: { userId: req.params.userId, domain, ...result } };
  });
}
