export interface ScaleOptions {
  tables?: number;
  domains?: number;
  subscribers?: number;
  target?: 'local' | 'aws';
  /** 12 digits: the central account; domain i's account is accountBase + i + 1. */
  accountBase?: string;
  seed?: number;
}
export interface ScaleDomain {
  readonly index: number;
  readonly name: string;
  readonly account: string;
  readonly bucket: string;
}
export interface ScaleProduct {
  readonly index: number;
  readonly name: string;
  readonly domain: string;
  readonly tableName: string;
  readonly subscribers: readonly string[];
}
export interface ScaleWorkspace {
  readonly root: string;
  readonly options: Required<ScaleOptions>;
  readonly central: string;
  readonly domains: readonly ScaleDomain[];
  readonly products: readonly ScaleProduct[];
  readonly subscriptions: readonly { product: string; domain: string }[];
  readonly buckets: readonly { account: string; bucket: string }[];
}
export const SIZES: Record<100 | 1000, { tables: number; domains: number; subscribers: number }>;
export const MESH_NAME: string;
export function resolveOptions(options?: ScaleOptions): Required<ScaleOptions>;
export function domainsOf(options?: ScaleOptions): ScaleDomain[];
export function productsOf(options?: ScaleOptions): ScaleProduct[];
export function generateScaleWorkspace(dir: string, options?: ScaleOptions): ScaleWorkspace;
