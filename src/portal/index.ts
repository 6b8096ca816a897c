/** The mesh portal: the web UI over the workspace and what the target holds (see routes.ts). */
export { type LiveSource, type MountPortalOptions, mountPortal, PORTAL_PATH } from './routes.js';
export { type PortalServer, type StartPortalOptions, startPortal } from './serve.js';
export { buildStaticSite, type StaticSiteResult } from './static-site.js';
