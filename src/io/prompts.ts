import { MeshError } from '../core/errors.js';
import { terminalSafe } from './terminal-safe.js';

/**
 * The only module that imports @inquirer/prompts. Every prompt names the flag that answers it; when prompts are not
 * allowed (--yes, CI, no TTY) the default is used, and a question without a default fails naming that flag.
 */
export interface PromptPolicy {
  /** false with --yes, CI=true or no TTY. */
  readonly interactive: boolean;
  readonly log?: (line: string) => void;
}

interface BasePrompt<T> {
  readonly message: string;
  /** e.g. `--domain-kind`. */
  readonly flag: string;
  readonly default?: T;
}

export interface TextPrompt extends BasePrompt<string> {
  readonly validate?: (value: string) => true | string;
}

export interface SelectPrompt<T extends string> extends BasePrompt<T> {
  readonly choices: readonly { value: T; name?: string; description?: string }[];
}

/**
 * The prompt library writes a message and its choices to the terminal as they are, and they can hold text mesh did
 * not write (a lock's holder, written by another team's run into the shared lock table; names from files): shown
 * terminal-safe, as every other line mesh prints (terminal-safe.ts).
 */
const shown = (text: string): string => terminalSafe(text, false);

function nonInteractive<T>(prompt: BasePrompt<T>, policy: PromptPolicy): T {
  if (prompt.default === undefined) {
    throw new MeshError('MissingFlag', `${prompt.message} needs an answer, and prompts are off (--yes, CI or no TTY).`, {
      hint: `Pass ${prompt.flag}.`,
    });
  }
  policy.log?.(`? ${prompt.message} → auto: ${String(prompt.default)} (${prompt.flag})`);
  return prompt.default;
}

function mapAbort(error: unknown): never {
  if (error instanceof Error && (error.name === 'ExitPromptError' || error.name === 'AbortPromptError')) {
    throw new MeshError('Interrupted', 'Prompt cancelled.');
  }
  throw error;
}

export async function askText(prompt: TextPrompt, policy: PromptPolicy): Promise<string> {
  if (!policy.interactive) {
    const value = nonInteractive(prompt, policy);
    const verdict = prompt.validate?.(value) ?? true;
    if (verdict !== true) throw new MeshError('InvalidFlag', verdict, { hint: `Pass a valid ${prompt.flag}.` });
    return value;
  }
  const { input } = await import('@inquirer/prompts');
  return input({ message: shown(prompt.message), default: prompt.default, validate: prompt.validate }).catch(mapAbort);
}

export async function askSelect<T extends string>(prompt: SelectPrompt<T>, policy: PromptPolicy): Promise<T> {
  if (!policy.interactive) return nonInteractive(prompt, policy);
  const { select } = await import('@inquirer/prompts');
  const choices = prompt.choices.map((c) => ({
    value: c.value,
    ...(c.name === undefined ? {} : { name: shown(c.name) }),
    ...(c.description === undefined ? {} : { description: shown(c.description) }),
  }));
  return select<T>({ message: shown(prompt.message), default: prompt.default, choices }).catch(mapAbort);
}

export async function askConfirm(prompt: BasePrompt<boolean>, policy: PromptPolicy): Promise<boolean> {
  if (!policy.interactive) return nonInteractive(prompt, policy);
  const { confirm } = await import('@inquirer/prompts');
  return confirm({ message: shown(prompt.message), default: prompt.default }).catch(mapAbort);
}
