/**
 * The local campaigns of a domain, serving: loads the model each campaign points at (reloading when a deploy or
 * rollback moves it), adds items put since training (PutItems → the engine's addItems), passes the user's events
 * since training as history (PutEvents → the next recommendation at once), and applies Personalize filters.
 * Used by `mesh personalize recommend` and by the dev server; all state is on disk, so both see the same thing.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { didYouMean, MeshError, usageError } from '../../core/errors.js';
import { compileFilter, type FilterContext, type ParsedFilter, parseFilterExpression } from '../filter-expression.js';
import type { RecommendRequest as LocalRecommendRequest, RecommendationsResult } from '../port.js';
import type { PersonalizeProject } from '../project.js';
import {
  addItems,
  deserializeModel,
  hasHistory,
  type Props,
  parseInteractionsCsv,
  parseItemsCsv,
  recommend,
  similarItems,
  type TrainedModel,
} from '../recommender/index.js';
import { addEventType, addEventTypeTo, round, stampOf } from './campaign-helpers.js';
import { DirSignal, WatchedValue } from './change-signal.js';
import { type LocalCampaigns, readLocalCampaigns } from './deploy-local.js';
import { EventsStore } from './events-store.js';
import { type CachedRanking, DEFAULT_RESULT_CACHE_SIZE, ResultCache } from './result-cache.js';
import { TurnMemo } from './turn-memo.js';
import { type LocalVersionMetadata, readVersion, versionDir } from './versions.js';

/** The request and answer shapes are the port's (GetRecommendations' on both targets). */
export type { RecommendationsResult, RecommendRequest as LocalRecommendRequest } from '../port.js';

interface Loaded {
  version: number;
  meta: LocalVersionMetadata;
  model: TrainedModel;
  itemProps: Map<string, Props>;
  /** user → item → event types (training data). */
  eventTypes: Map<string, Map<string, Set<string>>>;
  itemsSeq: number;
  /** The store generation at which items put since training were last applied (-1: not yet). */
  itemsGen: number;
  /** Ranked answers of this model, by request; see `cachedRank`. */
  results: ResultCache;
}

export interface LocalCampaignOptions {
  /**
   * Re-reads the project (personalize.yaml) when the deployment changes. A long-lived runtime (`mesh dev`) passes
   * it, so that what a `mesh personalize deploy` or rollback changes (served version, filters, default filter) is
   * served from the next request on, without a restart.
   */
  readonly reopen?: () => PersonalizeProject;
  /**
   * How many ranked answers to keep per loaded model (default DEFAULT_RESULT_CACHE_SIZE, result-cache.ts; 0: none).
   * An answer is reused only while it is exact: the user's events, the items and the deployment are unchanged
   * (a PutEvents, PutItems, a write by another process or a deploy drops it before the next request).
   */
  readonly resultCacheSize?: number;
  /**
   * Check campaigns.json and the events store again only after a change notification for their directory
   * (change-signal.ts), instead of once per event-loop turn. For a server whose requests call the runtime only
   * after `afterPoll()` (the dev server's registry does).
   */
  readonly changeSignals?: boolean;
}

export class LocalCampaignRuntime {
  private readonly loaded = new Map<string, Loaded>();
  private filters = new Map<string, ParsedFilter>();
  private campaigns: LocalCampaigns = {};
  private campaignsStamp: string | undefined;
  /** resolveSolution's answers without a name, until the deployment or the project changes. */
  private readonly solutionOfKind = new Map<'user' | 'item', string>();
  private current: PersonalizeProject;
  private deployments = 0;
  private readonly campaignsStat: { get(): string };

  private constructor(
    project: PersonalizeProject,
    readonly store: EventsStore,
    private readonly options: LocalCampaignOptions,
    private readonly signal: DirSignal | undefined,
  ) {
    this.current = project;
    this.useProject(project);
    const stat = () => stampOf(statSync(this.project.paths.campaignsFile, { throwIfNoEntry: false }));
    this.campaignsStat = signal ? new WatchedValue(signal, stat) : new TurnMemo(stat);
  }

  static async open(project: PersonalizeProject, options: LocalCampaignOptions = {}): Promise<LocalCampaignRuntime> {
    let signal: DirSignal | undefined;
    if (options.changeSignals) {
      // campaigns.json and events.db(-wal) share the directory
      const dir = path.dirname(project.paths.eventsDb);
      mkdirSync(dir, { recursive: true });
      signal = new DirSignal(dir);
    }
    return new LocalCampaignRuntime(project, await EventsStore.open(project.paths.eventsDb, signal), options, signal);
  }

  get project(): PersonalizeProject {
    return this.current;
  }

  /** How many deployment states this runtime has loaded (1 after the first request; +1 per deploy or rollback seen). */
  get deploymentsSeen(): number {
    return this.deployments;
  }

  close(): void {
    this.signal?.close();
    this.store.close();
  }

  private useProject(project: PersonalizeProject): void {
    const filters = new Map<string, ParsedFilter>();
    for (const f of project.config.filters) filters.set(f.name, parseFilterExpression(f.expression, f.name));
    this.current = project;
    this.filters = filters;
    this.solutionOfKind.clear();
  }

  /**
   * Re-reads campaigns.json when a deploy or rollback has rewritten it (a stat per turn, or per change notification);
   * then, with `reopen`, the project too, and drops the loaded models (a filter may now need other training data).
   */
  private refreshCampaigns(): void {
    // statSync: a few µs on a cached inode, where the promise version's thread-pool round trip was the largest
    // cost of serving a recommendation (profiled); same stamp, same reload semantics; once per event-loop turn,
    // or with change signals only after a notification for the directory
    const stamp = this.campaignsStat.get();
    if (stamp === this.campaignsStamp) return;
    const first = this.campaignsStamp === undefined;
    this.campaigns = readLocalCampaigns(this.project.paths.campaignsFile);
    this.campaignsStamp = stamp;
    this.solutionOfKind.clear();
    this.deployments++;
    if (first || !this.options.reopen) return;
    try {
      this.useProject(this.options.reopen());
    } catch {
      // personalize.yaml was edited into an invalid state after the deploy: keep serving the deployed filters.
    }
    this.loaded.clear();
  }

  /** The solution that answers a request, by name or by kind. */
  async solutionFor(kind: 'user' | 'item', name?: string): Promise<string> {
    this.refreshCampaigns();
    return this.resolveSolution(kind, name);
  }

  private resolveSolution(kind: 'user' | 'item', name?: string): string {
    if (name === undefined) {
      const known = this.solutionOfKind.get(kind);
      if (known !== undefined) return known;
    }
    const deployed = Object.keys(this.campaigns);
    if (name !== undefined) {
      if (!this.campaigns[name]) {
        throw new MeshError('PersonalizeNotDeployed', `Solution "${name}" has no local campaign.`, {
          hint: deployed.length > 0 ? `Deployed: ${deployed.join(', ')}.` : 'Run `mesh personalize deploy` first.',
        });
      }
      return name;
    }
    for (const s of this.project.config.solutions) {
      const isItem = /similar|sims/.test(s.recipeArn);
      if (this.campaigns[s.name] && isItem === (kind === 'item')) {
        this.solutionOfKind.set(kind, s.name);
        return s.name;
      }
    }
    throw new MeshError(
      'PersonalizeNotDeployed',
      `No local campaign answers ${kind === 'user' ? 'user' : 'similar-item'} requests in domain "${this.project.domain.name}".`,
      {
        hint: 'Run `mesh personalize train` then `mesh personalize deploy`.',
      },
    );
  }

  /** The solution a campaign ARN names (dev server). */
  async solutionOfCampaign(campaignArn: string): Promise<string | undefined> {
    this.refreshCampaigns();
    return Object.entries(this.campaigns).find(([, c]) => c.campaignArn === campaignArn)?.[0];
  }

  /** The model a solution's campaign serves; `refreshed`: the caller has just called refreshCampaigns (one stat a request). */
  private async load(solution: string, refreshed = false): Promise<Loaded> {
    if (!refreshed) this.refreshCampaigns();
    const campaign = this.campaigns[solution];
    if (!campaign)
      throw new MeshError('PersonalizeNotDeployed', `Solution "${solution}" has no local campaign.`, {
        hint: 'Run `mesh personalize deploy` first.',
      });
    let l = this.loaded.get(solution);
    if (!l || l.version !== campaign.version) {
      const meta = await readVersion(this.project.paths.versionsDir, campaign.version);
      const dir = versionDir(this.project.paths.versionsDir, campaign.version);
      const info = meta.solutions[solution];
      if (!info)
        throw new MeshError('PersonalizeVersionMissing', `Version ${campaign.version} has no model for "${solution}".`, {
          hint: 'Train and deploy again.',
        });
      const model = deserializeModel(await readFile(path.join(dir, info.modelFile)));
      const itemProps = new Map<string, Props>();
      const itemsText = await readFile(path.join(dir, 'items.csv'), 'utf8').catch(() => undefined);
      if (itemsText) for (const r of parseItemsCsv(itemsText).records) itemProps.set(r.itemId, r.props);
      const eventTypes = new Map<string, Map<string, Set<string>>>();
      const interactionsText = await readFile(path.join(dir, 'interactions.csv'), 'utf8').catch(() => undefined);
      if (interactionsText && this.needsEventTypes()) {
        for (const it of parseInteractionsCsv(interactionsText).records) addEventType(eventTypes, it.userId, it.itemId, it.eventType ?? '');
      }
      l = {
        version: campaign.version,
        meta,
        model,
        itemProps,
        eventTypes,
        itemsSeq: meta.watermarks.items,
        itemsGen: -1,
        results: new ResultCache(this.options.resultCacheSize ?? DEFAULT_RESULT_CACHE_SIZE),
      };
      this.loaded.set(solution, l);
    }
    // the items table is read again only when the store saw a write that may have changed it
    const gen = this.store.generation();
    if (!this.store.itemsChangedSince(l.itemsGen) && l.itemsGen >= 0) return l;
    l.itemsGen = gen;
    const fresh = this.store.itemsAfter(l.itemsSeq);
    if (fresh.length > 0) {
      addItems(
        l.model,
        fresh.map((f) => f.record),
      );
      for (const f of fresh) l.itemProps.set(f.record.itemId, { ...(l.itemProps.get(f.record.itemId) ?? {}), ...f.record.props });
      l.itemsSeq = (fresh[fresh.length - 1] as (typeof fresh)[number]).seq;
      l.results.clear();
    }
    return l;
  }

  /** The loaded model of a solution when nothing needs doing first (the serving fast path: no await). */
  private ready(solution: string): Loaded | undefined {
    const campaign = this.campaigns[solution];
    const l = this.loaded.get(solution);
    if (!campaign || !l || l.version !== campaign.version || l.itemsGen < 0) return undefined;
    this.store.generation();
    return this.store.itemsChangedSince(l.itemsGen) ? undefined : l;
  }

  private needsEventTypes(): boolean {
    return [...this.filters.values()].some((f) =>
      f.clauses.some((c) => c.anyOf.some((g) => g.some((cond) => cond.dataset === 'Interactions'))),
    );
  }

  private filterFor(name: string | null | undefined): ParsedFilter | undefined {
    const chosen = name === undefined ? this.project.config.defaultFilter : name;
    if (chosen === null || chosen === undefined) return undefined;
    const f = this.filters.get(chosen);
    if (!f) throw usageError(`No filter named "${chosen}" in ${this.project.config.file}.`, didYouMean(chosen, [...this.filters.keys()]));
    return f;
  }

  /** Filter name from a filter ARN (dev server), via outputs' naming. */
  filterNameOfArn(filterArn: string): string | undefined {
    const tail = filterArn.split('/').pop() ?? '';
    const prefix = `${this.project.config.datasetGroup}-`;
    const name = tail.startsWith(prefix) ? tail.slice(prefix.length) : tail;
    return this.filters.has(name) ? name : undefined;
  }

  async recommend(req: LocalRecommendRequest): Promise<RecommendationsResult> {
    const r = await this.cachedRank(req);
    return {
      itemList: r.items.slice(),
      recommendationId: `RID-${randomUUID()}`,
      ...(r.cold ? { coldStart: true } : {}),
    };
  }

  /**
   * The same answer as `recommend`, as the JSON text of `{ ...head, itemList, recommendationId, coldStart? }`
   * (the dev server's response body): a cached answer's item list is serialised once, not per request.
   */
  async recommendJson(req: LocalRecommendRequest, head: Readonly<Record<string, string>> = {}): Promise<string> {
    const r = await this.cachedRank(req);
    r.json ??= JSON.stringify(r.items);
    let out = '{';
    for (const [k, v] of Object.entries(head)) out += `${JSON.stringify(k)}:${JSON.stringify(v)},`;
    return `${out}"itemList":${r.json},"recommendationId":"RID-${randomUUID()}"${r.cold ? ',"coldStart":true' : ''}}`;
  }

  /**
   * A recommendation request's ranked answer, from the per-model cache when it is still exact. The store's
   * generation is read after the model is loaded and before ranking, and an entry is used only while the
   * store reports nothing newer for that user (events) or for everyone (items, another writer); a deploy
   * loads another model, whose cache starts empty.
   */
  private async cachedRank(req: LocalRecommendRequest): Promise<CachedRanking> {
    const kind = req.itemId !== undefined ? 'item' : 'user';
    if (req.userId === undefined && req.itemId === undefined) throw usageError('Give a user id or an item id.');
    this.refreshCampaigns();
    const solution = this.resolveSolution(kind, req.solution);
    const l = this.ready(solution) ?? (await this.load(solution, true));
    const userId = kind === 'user' ? req.userId : undefined;
    const key = l.results.enabled
      ? ResultCache.key(kind, (userId ?? req.itemId) as string, req.numResults ?? 25, req.filter, req.filterValues)
      : '';
    const gen = this.store.lastGeneration; // synced with other writers just now (ready / load)
    const hit = l.results.enabled ? l.results.get(key) : undefined;
    if (hit && this.store.unchangedSince(userId, hit.gen)) return hit;
    const cold = { value: false };
    const ranked = this.rankLoaded(l, kind, { ...req, solution }, undefined, cold);
    const entry: CachedRanking = { gen, items: ranked.map((i) => ({ itemId: i.itemId, score: round(i.score) })), cold: cold.value };
    l.results.set(key, entry);
    return entry;
  }

  /** GetPersonalizedRanking: `inputList` ordered for the user; items the model cannot score come last, without a score. */
  async rank(
    req: LocalRecommendRequest & { inputList: readonly string[] },
  ): Promise<{ personalizedRanking: { itemId: string; score?: number }[]; recommendationId: string }> {
    const only = new Set(req.inputList);
    const ranked = await this.rankItems({ ...req, itemId: undefined, numResults: only.size }, only);
    const seen = new Set(ranked.map((r) => r.itemId));
    const rest = req.inputList.filter((id) => !seen.has(id)).map((itemId) => ({ itemId }));
    return {
      personalizedRanking: [...ranked.map((r) => ({ itemId: r.itemId, score: round(r.score) })), ...rest],
      recommendationId: `RID-${randomUUID()}`,
    };
  }

  private async rankItems(
    req: LocalRecommendRequest,
    only?: ReadonlySet<string>,
    cold?: { value: boolean },
  ): Promise<{ itemId: string; score: number }[]> {
    const kind = req.itemId !== undefined ? 'item' : 'user';
    if (req.userId === undefined && req.itemId === undefined) throw usageError('Give a user id or an item id.');
    const solution = await this.solutionFor(kind, req.solution);
    const l = await this.load(solution, true);
    return this.rankLoaded(l, kind, req, only, cold);
  }

  private rankLoaded(
    l: Loaded,
    kind: 'item' | 'user',
    req: LocalRecommendRequest,
    only?: ReadonlySet<string>,
    cold?: { value: boolean },
  ): { itemId: string; score: number }[] {
    const history = req.userId === undefined ? [] : this.store.userEvents(req.userId, l.meta.watermarks.events);
    const filter = this.filterFor(req.filter);
    let predicate: ((itemId: string) => boolean) | undefined;
    if (filter) {
      const userTypes = req.userId === undefined ? undefined : l.eventTypes.get(req.userId);
      const recent = new Map<string, Set<string>>();
      for (const e of history) addEventTypeTo(recent, e.itemId, e.eventType ?? '');
      const ctx: FilterContext = {
        itemProps: (id) => l.itemProps.get(id),
        userEventTypes: (id) => {
          const a = userTypes?.get(id);
          const b = recent.get(id);
          return a && b ? new Set([...a, ...b]) : (a ?? b);
        },
        ...(req.filterValues ? { filterValues: req.filterValues } : {}),
        ...(req.itemId !== undefined && l.itemProps.get(req.itemId) ? { currentItem: l.itemProps.get(req.itemId) as Props } : {}),
      };
      predicate = compileFilter(filter, ctx);
    }
    if (only) {
      const inner = predicate;
      predicate = (id) => only.has(id) && (inner ? inner(id) : true);
    }
    const numResults = req.numResults ?? 25;
    if (cold && kind === 'user') cold.value = !hasHistory(l.model, req.userId as string, history);
    return kind === 'item'
      ? similarItems(l.model, { itemId: req.itemId as string, numResults, ...(predicate ? { filter: predicate } : {}) })
      : recommend(l.model, {
          userId: req.userId as string,
          numResults,
          history,
          excludeSeen: false,
          ...(predicate ? { filter: predicate } : {}),
        });
  }
}
