import type { AreaRenderers } from './types.js';

/** Progress lines as they read when shown plainly (the host draws them with the spinner on a TTY). */
export const progressRenderers: AreaRenderers<'progress'> = {
  'progress.start': (d) => d.text,
  'progress.update': (d) => d.text,
  'progress.end': (d) => d.text ?? '',
};
