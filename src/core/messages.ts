/**
 * Typed messages: the only way the engine, the planes and the toolkit tell anyone anything. They never print; they
 * hand `{ code, level, data }` to the run's IoHost, and the host decides what a person (or a `--json` reader) sees.
 * The CLI's host lives in src/cli/io-host.ts and renders each code with the renderers in src/cli/render/messages/.
 * A program using the toolkit passes its own host (or none: `silentHost`).
 *
 * Each plane declares its own codes next to its code, by declaration merging:
 *
 *   declare module '../core/messages.js' {
 *     interface MessageCatalog {
 *       'catalog.sample.written': { readonly table: string; readonly rows: number };
 *     }
 *   }
 *
 * Codes are `<area>.<what>`, lower case, dot-separated; the data is plain JSON (it is what `--json` shows).
 */

export type MessageLevel = 'error' | 'warn' | 'info' | 'result' | 'debug';

/** Every message code with the shape of its data. Augmented by each plane (see above). */
// biome-ignore lint/suspicious/noEmptyInterface: filled in by declaration merging from each plane
export interface MessageCatalog {}

export type MessageCode = keyof MessageCatalog;

export type IoMessage = {
  [C in MessageCode]: { readonly code: C; readonly level: MessageLevel; readonly data: MessageCatalog[C] };
}[MessageCode];

/** Questions a run may ask: each code with the data shown and the answer's type. Augmented like MessageCatalog. */
// biome-ignore lint/suspicious/noEmptyInterface: filled in by declaration merging
export interface RequestCatalog {}

export type RequestCode = keyof RequestCatalog;

export type RequestData<C extends RequestCode> = RequestCatalog[C] extends { readonly data: infer D } ? D : never;
export type RequestAnswer<C extends RequestCode> = RequestCatalog[C] extends { readonly answer: infer A } ? A : never;

export interface IoRequest<C extends RequestCode = RequestCode> {
  readonly code: C;
  readonly data: RequestData<C>;
  /** The answer when nobody can be asked (no TTY, `--yes`, a library caller without prompts). */
  readonly defaultAnswer: RequestAnswer<C>;
}

/** Where messages go and questions are asked. The CLI's host renders; tests record; a library caller brings its own. */
export interface IoHost {
  notify(message: IoMessage): void;
  request<C extends RequestCode>(request: IoRequest<C>): Promise<RequestAnswer<C>>;
}

/** Sends one typed message: `emit(host, 'info', 'catalog.sample.written', { table, rows })`. */
export function emit<C extends MessageCode>(host: IoHost, level: MessageLevel, code: C, data: MessageCatalog[C]): void {
  host.notify({ code, level, data } as IoMessage);
}

/** A host that shows nothing and answers every question with its default. */
export const silentHost: IoHost = {
  notify: () => {},
  request: async (request) => request.defaultAnswer,
};
