import type { MessageCatalog, MessageCode, RequestAnswer, RequestCode, RequestData } from '../../../core/messages.js';
import type { Styles } from '../../../io/output.js';
import type { PromptPolicy } from '../../../io/prompts.js';

/** The human line of one message code (no level prefix: the host adds `warning:` and picks the stream). */
export type Renderer<C extends MessageCode> = (data: MessageCatalog[C], style: Styles) => string;

/** The renderers of one area (`engine`, `streams`, …): every code `<area>.…` must have one, or this is a type error. */
export type AreaRenderers<A extends string> = { readonly [C in Extract<MessageCode, `${A}.${string}`>]: Renderer<C> };

/** Every code's renderer: src/cli/render/messages/index.ts is typed with it, so a missing renderer is a type error. */
export type MessageRenderers = { readonly [C in MessageCode]: Renderer<C> };

/** What a prompt needs: the prompt policy (no prompts under --yes, CI or without a TTY) and whether --yes was given. */
export interface PromptContext {
  readonly prompts: PromptPolicy;
  readonly yes: boolean;
}

/** How the CLI asks one request code's question (src/io/prompts.ts: it names the flag that answers it). */
export type Prompt<C extends RequestCode> = (data: RequestData<C>, context: PromptContext) => Promise<RequestAnswer<C>>;

export type AreaPrompts<A extends string> = { readonly [C in Extract<RequestCode, `${A}.${string}`>]: Prompt<C> };

export type RequestPrompts = { readonly [C in RequestCode]: Prompt<C> };
