import type { AreaRenderers } from './types.js';

export const devRenderers: AreaRenderers<'dev'> = {
  'dev.request.failed': (d) => `dev server: ${d.method} ${d.path}: ${d.error}`,
  'dev.request.served': (d) => `${d.method} ${d.path} ${d.status} ${d.ms.toFixed(1)}ms`,
};
