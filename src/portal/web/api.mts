/** Where the data comes from: the portal API, or the data a static export inlines (window.__MESH_PORTAL__). */
import type { PortalData, PortalInfo } from '../model.js';

declare global {
  interface Window {
    __MESH_PORTAL__?: PortalData;
  }
}

export interface Source {
  readonly info: PortalInfo;
  readonly static: boolean;
  data(): Promise<PortalData>;
  /** Forget the data (after a write). */
  refresh(): void;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export async function api<T>(path: string, init?: RequestInit): Promise<T> {
  const res = await fetch(`/portal/api/${path}`, init);
  const body = (await res.json().catch(() => ({}))) as { message?: string };
  if (!res.ok) throw new ApiError(res.status, body.message ?? `${res.status} ${res.statusText}`);
  return body as T;
}

export async function openSource(): Promise<Source> {
  const inline = window.__MESH_PORTAL__;
  if (inline) {
    return {
      info: { mesh: inline.mesh, target: inline.target, allowWrites: false, live: false },
      static: true,
      data: async () => inline,
      refresh: () => {},
    };
  }
  // Both at once: the catalog is the larger answer.
  let data: Promise<PortalData> | undefined = api<PortalData>('catalog');
  data.catch(() => {
    data = undefined;
  });
  const info = await api<PortalInfo>('info');
  return {
    info,
    static: false,
    data: () => {
      data ??= api<PortalData>('catalog');
      data.catch(() => {
        data = undefined;
      });
      return data;
    },
    refresh: () => {
      data = undefined;
    },
  };
}
