/**
 * Every message code's human renderer, and every request code's prompt. Typed with `MessageRenderers` and
 * `RequestPrompts`: a code declared anywhere (by declaration merging on MessageCatalog / RequestCatalog) without an
 * entry here is a type error. A new area adds its file in this folder and one spread below.
 */
import { awsRenderers } from './aws.js';
import { bootstrapRenderers } from './bootstrap.js';
import { devRenderers } from './dev.js';
import { enginePrompts, engineRenderers } from './engine.js';
import { lockRenderers } from './lock.js';
import { personalizeRenderers } from './personalize.js';
import { progressRenderers } from './progress.js';
import { scaffoldPrompts } from './scaffold.js';
import { streamsRenderers } from './streams.js';
import { transformRenderers } from './transform.js';
import type { MessageRenderers, RequestPrompts } from './types.js';

export const messageRenderers: MessageRenderers = {
  ...progressRenderers,
  ...engineRenderers,
  ...lockRenderers,
  ...awsRenderers,
  ...streamsRenderers,
  ...devRenderers,
  ...personalizeRenderers,
  ...transformRenderers,
  ...bootstrapRenderers,
};

export const requestPrompts: RequestPrompts = {
  ...enginePrompts,
  ...scaffoldPrompts,
};
