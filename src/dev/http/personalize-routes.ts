/**
 * Personalize-compatible routes: the request and response shapes of PutEvents, PutItems, PutUsers
 * (personalize-events) and GetRecommendations, GetPersonalizedRanking (personalize-runtime) as the SDK v3 clients
 * send them (REST-JSON; timestamps as epoch seconds; `properties` as a JSON string with camelCase keys of the
 * schema's fields). Local deviation, documented: a GetRecommendations without filterArn applies personalize.yaml's
 * defaultFilter. Also `GET /recommendations/{userId}?num=&filter=&domain=` for other services.
 */

import type * as z from 'zod';
import type { EventInput } from '../../personalize/local/events-store.js';
import type { Props } from '../../personalize/recommender/index.js';
import { invalidInput } from './http-error.js';
import type { PersonalizeRegistry } from './personalize-registry.js';
import {
  getPersonalizedRankingInput,
  getRecommendationsInput,
  parseInput,
  putEventsInput,
  putItemsInput,
  putUsersInput,
  recommendationsQuery,
} from './personalize-schemas.js';
import type { Router } from './router.js';

/** Recommendation bodies are JSON text already (the runtime serialises a cached item list once). */
const JSON_HEADERS = { 'content-type': 'application/json' } as const;

/**
 * Valid recommendation requests already parsed, by their exact text (URL, or content type and body): validation
 * is a pure function of that text, and on the serving path it cost more than the cached answer (≈ 5 µs of a
 * ≈ 25 µs request, profiled). Only successes of texts up to MAX_KEPT_TEXT characters are kept (a typical request
 * is 100–300), at most `size` of them, the oldest dropped first (tens of MB per route at most). A parsed value
 * is shared by the requests that hit it: the handlers only read it.
 */
class ParsedInputs<T> {
  private readonly entries = new Map<string, T>();
  constructor(private readonly size: number) {}
  get(key: string): T | undefined {
    return this.entries.get(key);
  }
  set(key: string, value: T): T {
    if (key.length > MAX_KEPT_TEXT) return value;
    if (this.entries.size >= this.size) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(key, value);
    return value;
  }
}
const PARSED_INPUTS = 10_000;
const MAX_KEPT_TEXT = 2_048;

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

export function registerPersonalizeRoutes(router: Router, registry: PersonalizeRegistry): void {
  const recommendationBodies = new ParsedInputs<z.output<typeof getRecommendationsInput>>(PARSED_INPUTS);
  const recommendationQueries = new ParsedInputs<z.output<typeof recommendationsQuery>>(PARSED_INPUTS);
  router.addRoute('POST', '/events', async (req) => {
    const body = parseInput(putEventsInput, await req.json(), 'PutEvents');
    const events = body.eventList.map((e, i): EventInput => {
      const properties = e.properties === undefined ? undefined : parseProperties(e.properties, `eventList[${i}]`);
      return {
        userId: body.userId ?? body.sessionId,
        sessionId: body.sessionId,
        eventType: e.eventType,
        sentAt: e.sentAt,
        ...(e.itemId !== undefined ? { itemId: e.itemId } : {}),
        ...(e.eventValue !== undefined ? { eventValue: e.eventValue } : {}),
        ...(e.eventId !== undefined ? { eventId: e.eventId } : {}),
        ...(e.recommendationId !== undefined ? { recommendationId: e.recommendationId } : {}),
        ...(properties && Object.keys(properties).length > 0 ? { properties: JSON.stringify(properties) } : {}),
      };
    });
    const { runtime } = await registry.byTrackingId(body.trackingId);
    runtime.store.putEvents(events);
    return { status: 200, body: {} };
  });

  router.addRoute('POST', '/items', async (req) => {
    const body = parseInput(putItemsInput, await req.json(), 'PutItems');
    const items = body.items.map((e, i) => ({ itemId: e.itemId, props: parseProperties(e.properties, `items[${i}]`) }));
    const { runtime } = await registry.byDatasetArn(body.datasetArn, 'items');
    runtime.store.putItems(items);
    return { status: 200, body: {} };
  });

  router.addRoute('POST', '/users', async (req) => {
    const body = parseInput(putUsersInput, await req.json(), 'PutUsers');
    const users = body.users.map((e, i) => ({ userId: e.userId, props: parseProperties(e.properties, `users[${i}]`) }));
    const { runtime } = await registry.byDatasetArn(body.datasetArn, 'users');
    runtime.store.putUsers(users);
    return { status: 200, body: {} };
  });

  router.addRoute('POST', '/recommendations', async (req) => {
    // the text decides everything about the parse, the content type included (a wrong one answers 400)
    const key = `${req.headers['content-type'] ?? ''}\u0000${await req.text()}`;
    const body =
      recommendationBodies.get(key) ??
      recommendationBodies.set(key, parseInput(getRecommendationsInput, await req.json(), 'GetRecommendations'));
    if (!body.campaignArn)
      throw invalidInput(
        body.recommenderArn ? 'Recommenders (domain dataset groups) are not served locally; use a campaign.' : 'campaignArn is required.',
      );
    if (body.userId === undefined && body.itemId === undefined) throw invalidInput('GetRecommendations needs a userId or an itemId.');
    const { runtime, solution } = await registry.byCampaignArn(body.campaignArn);
    const filter = body.filterArn === undefined ? undefined : runtime.filterNameOfArn(body.filterArn);
    if (body.filterArn !== undefined && filter === undefined)
      throw invalidInput(`Filter ${body.filterArn} is not defined in personalize.yaml.`);
    const json = await runtime.recommendJson({
      solution,
      ...(body.userId !== undefined ? { userId: body.userId } : {}),
      ...(body.itemId !== undefined ? { itemId: body.itemId } : {}),
      numResults: body.numResults ?? 25,
      ...(filter !== undefined ? { filter } : {}),
      ...(body.filterValues ? { filterValues: body.filterValues } : {}),
    });
    return { headers: JSON_HEADERS, body: json };
  });

  router.addRoute('POST', '/personalize-ranking', async (req) => {
    const body = parseInput(getPersonalizedRankingInput, await req.json(), 'GetPersonalizedRanking');
    const { runtime, solution } = await registry.byCampaignArn(body.campaignArn);
    const filter = body.filterArn === undefined ? null : runtime.filterNameOfArn(body.filterArn);
    if (filter === undefined) throw invalidInput(`Filter ${body.filterArn} is not defined in personalize.yaml.`);
    return {
      body: await runtime.rank({
        solution,
        userId: body.userId,
        inputList: body.inputList,
        filter,
        ...(body.filterValues ? { filterValues: body.filterValues } : {}),
      }),
    };
  });

  router.addRoute('GET', '/recommendations/{userId}', async (req) => {
    const key = req.raw.req.url ?? '';
    const q =
      recommendationQueries.get(key) ??
      recommendationQueries.set(
        key,
        parseInput(recommendationsQuery, { ...Object.fromEntries(req.query), userId: req.params.userId }, 'GET /recommendations/{userId}'),
      );
    const { domain, runtime } = await registry.forApi(q.domain ?? null);
    const json = await runtime.recommendJson(
      {
        userId: q.userId,
        numResults: q.num,
        ...(q.filter !== undefined ? { filter: q.filter === 'none' ? null : q.filter } : {}),
        ...(q.solution !== undefined ? { solution: q.solution } : {}),
      },
      { userId: q.userId, domain },
    );
    return { headers: JSON_HEADERS, body: json };
  });
}
