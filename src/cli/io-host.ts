/**
 * The CLI's IoHost: renders the engine's and the planes' typed messages onto the run's Output (human text on a TTY,
 * plain lines otherwise; `--json`: warnings also go into the one JSON document, see main.ts), draws `progress.*`
 * with the spinner (src/io/spinner.ts), and asks requests with the prompts (src/io/prompts.ts), which answer
 * themselves under --yes and fail naming the flag when nobody can be asked.
 */
import type { IoHost, IoMessage, IoRequest, RequestAnswer, RequestCode } from '../core/messages.js';
import type { Output } from '../io/output.js';
import type { PromptPolicy } from '../io/prompts.js';
import { canSpin, plainSpinner, type Spinner, type Step, startSpinner, startStep } from '../io/spinner.js';
import type { MessageRenderers, Renderer, RequestPrompts } from './render/messages/types.js';

interface Renderers {
  readonly messageRenderers: MessageRenderers;
  readonly requestPrompts: RequestPrompts;
}

let loaded: Renderers | undefined;
let loading: Promise<Renderers> | undefined;

/**
 * Loads every area's renderers (main does it before a command's action, so `mesh --help` does not pay for them).
 * A host used before they are loaded keeps its messages, in order, until they are.
 */
export function loadRenderers(): Promise<Renderers> {
  loading ??= import('./render/messages/index.js').then((m) => {
    loaded = m;
    return m;
  });
  return loading;
}

/** A warning as the `--json` document lists it. */
export interface JsonWarning {
  readonly code: string;
  readonly message: string;
  readonly data: unknown;
}

export interface CliHost extends IoHost {
  /** The warnings seen so far (main puts them into the `--json` document). */
  readonly warnings: readonly JsonWarning[];
}

export interface CliHostOptions {
  readonly output: Output;
  readonly prompts: PromptPolicy;
  /** --yes: confirmations answer yes. */
  readonly yes: boolean;
  /** The renderers to use (default: every area's, see loadRenderers). */
  readonly renderers?: Renderers;
}

/** One progress step on screen: a spinner (TTY; ora loads asynchronously, so updates chain on it) or plain lines. */
type Shown = { readonly now: Spinner } | { readonly later: Promise<Spinner> } | { readonly step: Step };

export function createCliHost(options: CliHostOptions): CliHost {
  const { output } = options;
  const warnings: JsonWarning[] = [];
  const waiting: IoMessage[] = [];
  const current = (): Renderers | undefined => options.renderers ?? loaded;
  const shown = new Map<string, Shown>();

  const render = (message: IoMessage): string => {
    const renderer = current()?.messageRenderers[message.code] as Renderer<typeof message.code> | undefined;
    // A code without a renderer cannot pass the type check; at run time, show the code and its data rather than nothing.
    return renderer ? renderer(message.data as never, output.style) : `${message.code} ${JSON.stringify(message.data)}`;
  };

  const onSpinner = (id: string, act: (spinner: Spinner) => void, end = false): void => {
    const s = shown.get(id);
    if (!s || 'step' in s) return;
    if ('now' in s) act(s.now);
    else
      shown.set(
        id,
        // chained, so lines come in order once ora is loaded
        {
          later: s.later.then((spinner) => {
            act(spinner);
            return spinner;
          }),
        },
      );
    if (end) shown.delete(id);
  };

  const progress = (message: IoMessage): void => {
    switch (message.code) {
      case 'progress.start': {
        const text = render(message);
        // a command's step: shown once it runs past a second, with its time at the end (src/io/spinner.ts)
        if (message.data.step) shown.set(message.data.id, { step: startStep(output, text) });
        else shown.set(message.data.id, canSpin(output) ? { later: startSpinner(output, text) } : { now: plainSpinner(output, text) });
        return;
      }
      case 'progress.update': {
        const text = render(message);
        onSpinner(message.data.id, (s) => s.update(text));
        return;
      }
      case 'progress.end': {
        const { id, ok, text } = message.data;
        const s = shown.get(id);
        if (s && 'step' in s) {
          shown.delete(id);
          if (ok) s.step.done(text);
          else s.step.fail();
          return;
        }
        onSpinner(
          message.data.id,
          (s) => {
            if (text === undefined) s.stop();
            else if (ok) s.succeed(text);
            else s.fail(text);
          },
          true,
        );
        return;
      }
    }
  };

  const show = (message: IoMessage): void => {
    if (message.code.startsWith('progress.')) {
      progress(message);
      return;
    }
    const text = render(message);
    switch (message.level) {
      case 'error':
        output.info(output.style.red(text));
        return;
      case 'warn':
        if (output.json) warnings.push({ code: message.code, message: text, data: message.data });
        output.warn(text);
        return;
      case 'info':
        output.info(text);
        return;
      case 'debug':
        output.debug(text);
        return;
      case 'result':
        output.result(message.data, text);
        return;
    }
  };

  return {
    warnings,
    notify(message) {
      if (current() && waiting.length === 0) {
        show(message);
        return;
      }
      waiting.push(message);
      if (waiting.length === 1) {
        void loadRenderers().then(() => {
          for (const m of waiting.splice(0)) show(m);
        });
      }
    },
    async request<C extends RequestCode>(request: IoRequest<C>): Promise<RequestAnswer<C>> {
      const prompts = current() ?? (await loadRenderers());
      const prompt = prompts.requestPrompts[request.code];
      return prompt(request.data, { prompts: options.prompts, yes: options.yes });
    },
  };
}
