/**
 * The portal's routes, mounted on a dev-server router (`mesh portal` starts one of its own; `mesh dev` mounts them
 * next to its APIs):
 *   GET  /portal                               the front end (index.html, /portal/app.js, /portal/app.css)
 *   GET  /portal/api/info                      mesh, target, read-only or not, live or not
 *   GET  /portal/api/catalog                   PortalData: products, domains, lineage, access requests
 *   GET  /portal/api/search?q=&domain=&classification=&plane=&owner=
 *   GET  /portal/api/products/{name}           one product
 *   GET  /portal/api/products/{name}/sample?domain=&limit=   rows as `mesh query --domain` would show them (local;
 *                                                            400 SampleRowsLocalOnly on aws; 403 on a
 *                                                            non-loopback address)
 *   GET  /portal/api/products/{name}/history   the contract's versions from git, breaking changes marked
 *   GET  /portal/api/access?producer=&status=  access requests
 *   POST /portal/api/access/request            `mesh access request` (only with --allow-writes)
 *   GET  /portal/api/live                      live metrics (mesh portal and mesh dev; 503 while the streams are unreachable)
 *   GET  /portal/api/live/items?ids=           item rows for the recommendations explorer (mesh dev)
 * Bad input answers 4xx with `{message, __type}`; nothing here answers a secret.
 */
import { isMeshError } from '../core/errors.js';
import { HttpError } from '../dev/http/http-error.js';
import type { DevHandler, DevRequest } from '../dev/http/router.js';
import type { Target, Workspace } from '../workspace/model.js';
import { readAsset } from './assets.js';
import { workspaceFingerprint } from './freshness.js';
import type { PortalData, PortalInfo } from './model.js';
import { type SampleRows, sampleRows } from './sample.js';
import { SearchIndex } from './search.js';
import { portalSnapshot, type SnapshotOptions } from './snapshot.js';

export interface RouteTable {
  addRoute(method: string, path: string, handler: DevHandler): unknown;
}

export interface LiveSource {
  snapshot(): Promise<unknown>;
  items(ids: readonly string[]): Promise<Record<string, Record<string, unknown>>>;
}

export interface MountPortalOptions {
  /** Reads the workspace again (the files change when access is requested). */
  readonly load: () => Promise<Workspace>;
  readonly target: Target;
  readonly allowWrites: boolean;
  readonly snapshot?: SnapshotOptions;
  readonly live?: LiveSource;
  /** The workspace already loaded (the first snapshot uses it). */
  readonly initial?: Workspace;
  /** How long a snapshot is reused before the files are checked for changes (default 1 s). */
  readonly cacheMs?: number;
  /**
   * Serve sample rows (default true). False on a server other machines can reach: the page lets its reader pick the
   * domain to read as, so anyone on the network could read every product as its own producer.
   */
  readonly sampleRows?: boolean;
}

export const PORTAL_PATH = '/portal';

const MAX_QUERY = 200;
/** On aws the catalog can change without a local file changing: a snapshot is rebuilt after this long. */
const REMOTE_REFRESH_MS = 30_000;

interface PortalState {
  readonly workspace: Workspace;
  readonly fingerprint: string;
  readonly data: PortalData;
  readonly index: SearchIndex;
  readonly builtAt: number;
}

function badRequest(message: string): HttpError {
  return new HttpError(400, 'InvalidInputException', message);
}

/**
 * Sample rows on aws: not served. They would be read in a consumer's account through Athena as the domain the viewer
 * picks: a billed query per click, run with that domain's role for whoever reaches the page. `mesh query` is
 * local-only for the same reason.
 */
function sampleRowsLocalOnly(): HttpError {
  return new HttpError(
    400,
    'SampleRowsLocalOnly',
    'Sample rows are a local-target feature: the portal reads them as `mesh query --domain` does, on the local target. ' +
      'On aws, query the resource link in the consumer account with Athena, as that domain; or run the portal with --target local.',
  );
}

/** MeshErrors to 4xx by their meaning; anything else is the server's fault. */
function httpErrorOf(error: unknown): unknown {
  if (!isMeshError(error)) return error;
  const message = error.hint ? `${error.message} ${error.hint}` : error.message;
  if (/AccessDenied|NotAllowed|NotProducer/.test(error.code)) return new HttpError(403, error.code, message);
  if (/^Unknown|NotFound|NotPublished/.test(error.code)) return new HttpError(404, error.code, message);
  if (/^Already/.test(error.code)) return new HttpError(409, error.code, message);
  if (error.exitCode === 2 || /Invalid|Usage|Refused|Required/.test(error.code)) return new HttpError(400, error.code, message);
  return error;
}

function guard(handler: DevHandler): DevHandler {
  return async (req) => {
    try {
      return await handler(req);
    } catch (error) {
      throw httpErrorOf(error);
    }
  };
}

function param(req: DevRequest, name: string, max = MAX_QUERY): string | undefined {
  const value = req.query.get(name);
  if (value === null || value === '') return undefined;
  if (value.length > max) throw badRequest(`${name} is longer than ${max} characters.`);
  return value;
}

export function mountPortal(router: RouteTable, options: MountPortalOptions): { warm(): Promise<void> } {
  const cacheMs = options.cacheMs ?? 1000;
  let state: PortalState | undefined;
  let building: Promise<PortalState> | undefined;
  let checkedAt = 0;
  let dirty = false;
  const rebuild = async (ws: Workspace): Promise<PortalState> => {
    const fingerprint = await workspaceFingerprint(ws, options.target);
    const data = await portalSnapshot(ws, options.target, options.snapshot);
    return { workspace: ws, fingerprint, data, index: new SearchIndex(data.products), builtAt: performance.now() };
  };
  /**
   * The snapshot, rebuilt only when the files (or the local catalog) changed, checked at most every cacheMs. A known
   * snapshot is answered at once while the check runs (a change shows from the next request on); after the portal's
   * own write, or before the first snapshot, the request waits for the new one.
   */
  const current = (): Promise<PortalState> => {
    if (state && !dirty && performance.now() - checkedAt < cacheMs) return Promise.resolve(state);
    // A build that started before the portal's own write may have read the files before it: wait, then build again.
    if (dirty && building) return building.catch(() => undefined).then(() => current());
    const known = dirty ? undefined : state;
    building ??= (async () => {
      dirty = false;
      try {
        const previous = state;
        const unchanged =
          previous &&
          (options.target === 'local' || performance.now() - previous.builtAt < REMOTE_REFRESH_MS) &&
          (await workspaceFingerprint(previous.workspace, options.target)) === previous.fingerprint;
        state = unchanged ? previous : await rebuild(previous || !options.initial ? await options.load() : options.initial);
        checkedAt = performance.now();
        return state;
      } finally {
        building = undefined;
      }
    })();
    if (known) {
      building.catch(() => {});
      return Promise.resolve(known);
    }
    return building;
  };
  const catalogJson = new WeakMap<PortalState, string>();
  const info = (mesh: string): PortalInfo => ({ mesh, target: options.target, allowWrites: options.allowWrites, live: !!options.live });
  const noStore = { 'cache-control': 'no-store' };
  const get = (path: string, handler: DevHandler) => router.addRoute('GET', path, guard(handler));

  get(PORTAL_PATH, async () => ({
    headers: { ...noStore, 'content-type': 'text/html; charset=utf-8' },
    body: await readAsset('index.html'),
  }));
  get(`${PORTAL_PATH}/app.js`, async () => ({
    headers: { 'content-type': 'text/javascript; charset=utf-8' },
    body: await readAsset('app.js'),
  }));
  get(`${PORTAL_PATH}/app.css`, async () => ({ headers: { 'content-type': 'text/css; charset=utf-8' }, body: await readAsset('app.css') }));
  get(`${PORTAL_PATH}/api/info`, async () => ({ headers: noStore, body: info((await current()).data.mesh) }));
  get(`${PORTAL_PATH}/api/catalog`, async () => {
    const now = await current();
    let json = catalogJson.get(now);
    if (json === undefined) {
      json = JSON.stringify(now.data);
      catalogJson.set(now, json);
    }
    return { headers: { ...noStore, 'content-type': 'application/json' }, body: json };
  });
  get(`${PORTAL_PATH}/api/lineage`, async () => ({ headers: noStore, body: (await current()).data.lineage }));
  get(`${PORTAL_PATH}/api/search`, async (req) => {
    const { index } = await current();
    const limit = param(req, 'limit', 4);
    if (limit !== undefined && !/^\d+$/.test(limit)) throw badRequest('limit must be a whole number.');
    const result = index.search(
      param(req, 'q') ?? '',
      {
        domain: param(req, 'domain'),
        classification: param(req, 'classification'),
        plane: param(req, 'plane'),
        owner: param(req, 'owner'),
      },
      limit === undefined ? 50 : Math.min(500, Math.max(1, Number(limit))),
    );
    return {
      headers: noStore,
      body: { total: result.total, hits: result.hits.map((h) => ({ name: h.product.name, domain: h.product.domain, columns: h.columns })) },
    };
  });
  const productNamed = async (name: string) => {
    const { data } = await current();
    const product = data.products.find((p) => p.name === name);
    if (!product) throw new HttpError(404, 'UnknownProduct', `No product is named "${name.slice(0, 100)}".`);
    return product;
  };
  get(`${PORTAL_PATH}/api/products/{name}`, async (req) => {
    const product = await productNamed(req.params.name ?? '');
    const { data } = await current();
    return { headers: noStore, body: { ...product, access: data.access.filter((a) => a.product === product.name) } };
  });
  get(`${PORTAL_PATH}/api/products/{name}/sample`, async (req) => {
    const product = await productNamed(req.params.name ?? '');
    if (options.target !== 'local') throw sampleRowsLocalOnly();
    if (options.sampleRows === false) {
      throw new HttpError(
        403,
        'AccessDeniedException',
        'Sample rows are shown only by a portal on this machine (127.0.0.1): on an address other machines reach, anyone could read any product as any domain.',
      );
    }
    const domain = param(req, 'domain');
    if (!domain) throw badRequest('Pick the domain to read as: ?domain=<name>.');
    const limit = param(req, 'limit', 3) ?? '10';
    if (!/^\d+$/.test(limit) || Number(limit) < 1 || Number(limit) > 100) throw badRequest('limit must be 1 to 100.');
    const { workspace } = await current();
    const rows: SampleRows = await sampleRows(workspace, product, domain, Number(limit));
    return { headers: noStore, body: rows };
  });
  get(`${PORTAL_PATH}/api/products/{name}/history`, async (req) => {
    const product = await productNamed(req.params.name ?? '');
    const { workspace } = await current();
    const file = workspace.products.find((p) => p.name === product.name)?.file;
    const { contractHistory } = await import('./history.js');
    return { headers: noStore, body: { history: file ? await contractHistory(file) : [] } };
  });
  get(`${PORTAL_PATH}/api/access`, async (req) => {
    const { data } = await current();
    const producer = param(req, 'producer');
    const status = param(req, 'status');
    return {
      headers: noStore,
      body: { requests: data.access.filter((a) => (!producer || a.producer === producer) && (!status || a.status === status)) },
    };
  });
  router.addRoute(
    'POST',
    `${PORTAL_PATH}/api/access/request`,
    guard(async (req) => {
      if (!options.allowWrites) {
        throw new HttpError(403, 'ReadOnly', 'The portal is read-only. Start it with --allow-writes to request access from it.');
      }
      const body = await req.json<Record<string, unknown>>();
      const text = (name: string) => {
        const v = body[name];
        if (v === undefined || v === null) return undefined;
        if (typeof v !== 'string' || v.length > 500) throw badRequest(`${name} must be a string of at most 500 characters.`);
        return v;
      };
      const columns = body.columns;
      if (columns !== undefined && (!Array.isArray(columns) || columns.some((c) => typeof c !== 'string'))) {
        throw badRequest('columns must be an array of column names.');
      }
      const product = text('product');
      const domain = text('domain');
      if (!product || !domain) throw badRequest('product and domain are required.');
      const { workspace } = await current();
      const { requestAccess } = await import('../access/actions.js');
      const change = await requestAccess(
        workspace,
        {
          product,
          domain,
          ...(Array.isArray(columns) && columns.length > 0 ? { columns: (columns as string[]).join(',') } : {}),
          purpose: text('purpose'),
          until: text('until'),
        },
        { cwd: workspace.root, now: new Date() },
      );
      if (state) state = { ...state, fingerprint: '' };
      dirty = true;
      return { status: 201, body: { status: change.status, file: change.file, consumer: change.consumer, product: change.product } };
    }),
  );
  get(`${PORTAL_PATH}/api/live`, async () => {
    if (!options.live) throw new HttpError(404, 'NotLive', 'Live metrics are served by `mesh portal` and `mesh dev`.');
    try {
      return { headers: noStore, body: await options.live.snapshot() };
    } catch (error) {
      if (error instanceof HttpError) throw error;
      const reason = (isMeshError(error) ? error.message : error instanceof Error ? error.message : String(error)).split('\n')[0];
      throw new HttpError(503, 'LiveUnavailable', `The workspace's streams could not be read: ${reason?.slice(0, 300)}`);
    }
  });
  get(`${PORTAL_PATH}/api/live/items`, async (req) => {
    if (!options.live) throw new HttpError(404, 'NotLive', 'The recommendations explorer is served by `mesh dev`.');
    const ids = (param(req, 'ids', 2000) ?? '').split(',').filter(Boolean);
    if (ids.length === 0 || ids.length > 50 || ids.some((id) => !/^[\w.:-]{1,100}$/.test(id))) {
      throw badRequest('ids must be 1 to 50 item ids (letters, digits, _ . : -), comma-separated.');
    }
    return { headers: noStore, body: { items: await options.live.items(ids) } };
  });
  return {
    warm: async () => {
      await current();
    },
  };
}
