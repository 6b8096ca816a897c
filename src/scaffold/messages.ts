/**
 * `mesh init`'s questions, asked of the run's host. The CLI's host asks them with the prompts (src/io/prompts.ts:
 * defaults under --yes, a MissingFlag naming the flag when nobody can be asked); a program using the toolkit answers
 * them itself, or gets each question's default. Every answer is checked here again, with the rule the question names.
 */
import type { AnswerRule } from '../workspace/answer-rules.js';

export interface InitChoice {
  readonly value: string;
  readonly name?: string;
  readonly description?: string;
}

declare module '../core/messages.js' {
  interface RequestCatalog {
    /** A text answer (a name, an account id, a region…), checked with `rule`; `flag` is the flag that answers it. */
    'init.text': {
      readonly data: { readonly message: string; readonly flag: string; readonly default?: string; readonly rule: AnswerRule };
      readonly answer: string;
    };
    /** One of `choices`; `flag` is the flag that answers it. */
    'init.select': {
      readonly data: { readonly message: string; readonly flag: string; readonly default: string; readonly choices: readonly InitChoice[] };
      readonly answer: string;
    };
  }
}
