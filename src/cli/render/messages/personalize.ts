/** The personalize plane's messages (src/personalize/messages.ts), in words. */
import type { AreaRenderers } from './types.js';

export const personalizeRenderers: AreaRenderers<'personalize'> = {
  'personalize.train.events-dropped': (d) =>
    `${d.count} real-time event(s) name items that are in no dataset (not put with PutItems); they were left out of training.`,
  'personalize.dataset.warning': (d) => `dataset: ${d.text}`,
  'personalize.train.auto-training': (d) =>
    `solution "${d.solution}" has autoTraining: true: Personalize trains (and bills) a new version every ${d.schedule} while it exists.`,
  'personalize.train.evaluating': (d) => `solution ${d.solution} (${d.recipe}): evaluating on ${d.splits} holdout splits…`,
  'personalize.train.training': (d) => `solution ${d.solution} (${d.recipe}): training on all ${d.interactions} interactions…`,
  'personalize.upload.done': (d) => `uploaded ${d.type}.csv (${d.rows} rows) to ${d.location}`,
  'personalize.preflight.skipped': (d) =>
    d.what === 'role'
      ? `Could not check the role ${d.name} (${d.reason}); going on.`
      : `Could not read the policy of bucket ${d.name} (${d.reason}); going on.`,
  'personalize.train.resuming': (d) => `Continuing the train run started ${d.startedAt}…`,
  'personalize.gate.forced': (d) => `--force: deploying solution "${d.solution}" although the gate refuses it: ${d.reason}.`,
};
