/**
 * A small router for the local HTTP API of `mesh dev`. Other modules add their routes (the analytics page,
 * the recommendations API) with addRoute(method, path, handler); a path segment `{name}` captures a parameter.
 * A handler returns a DevResponse, or undefined when it wrote to `raw.res` itself (e.g. server-sent events).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface DevRequest {
  readonly method: string;
  readonly path: string;
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  readonly headers: IncomingMessage['headers'];
  /** The body as text (read once, at most MAX_REQUEST_BODY_BYTES; larger answers 413). */
  text(): Promise<string>;
  /** The body as a JSON object (an empty body is `{}`); anything else (malformed, null, array, scalar, non-JSON type) answers 400. */
  json<T = unknown>(): Promise<T>;
  readonly raw: { readonly req: IncomingMessage; readonly res: ServerResponse };
}

export interface DevResponse {
  readonly status?: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** A string or Buffer is sent as is; anything else as JSON. */
  readonly body?: unknown;
}

export type DevHandler = (req: DevRequest) => Promise<DevResponse | undefined> | DevResponse | undefined;

interface Route {
  readonly method: string;
  readonly pattern: string;
  readonly segments: readonly string[];
  readonly handler: DevHandler;
}

export interface RouteMatch {
  readonly handler: DevHandler;
  readonly params: Record<string, string>;
}

function split(path: string): string[] {
  return path.split('/').filter((s) => s !== '');
}

export class Router {
  private readonly routes: Route[] = [];

  /** Adds a route; a later route with the same method and path replaces the earlier one. */
  addRoute(method: string, pattern: string, handler: DevHandler): void {
    const m = method.toUpperCase();
    const existing = this.routes.findIndex((r) => r.method === m && r.pattern === pattern);
    const route = { method: m, pattern, segments: split(pattern), handler };
    if (existing >= 0) this.routes[existing] = route;
    else this.routes.push(route);
  }

  /** The handler for a request, or `405` when the path exists for other methods, or undefined (404). */
  match(method: string, path: string): RouteMatch | { allowed: string[] } | undefined {
    const parts = split(path);
    const allowed: string[] = [];
    for (const route of this.routes) {
      const params = matchSegments(route.segments, parts);
      if (!params) continue;
      if (route.method === method.toUpperCase() || (method.toUpperCase() === 'HEAD' && route.method === 'GET'))
        return { handler: route.handler, params };
      allowed.push(route.method);
    }
    return allowed.length > 0 ? { allowed } : undefined;
  }

  list(): { method: string; path: string }[] {
    return this.routes.map((r) => ({ method: r.method, path: r.pattern }));
  }
}

function matchSegments(pattern: readonly string[], parts: readonly string[]): Record<string, string> | undefined {
  if (pattern.length !== parts.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i] as string;
    const v = parts[i] as string;
    if (p.startsWith('{') && p.endsWith('}')) {
      try {
        params[p.slice(1, -1)] = decodeURIComponent(v);
      } catch {
        return undefined;
      }
    } else if (p !== v) return undefined;
  }
  return params;
}
