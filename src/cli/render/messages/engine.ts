import type { ChangeMessage } from '../../../engine/messages.js';
import { askConfirm } from '../../../io/prompts.js';
import type { AreaPrompts, AreaRenderers } from './types.js';

const what = (c: ChangeMessage) => `${c.action} ${c.type} ${c.label ?? c.id}`;

export const engineRenderers: AreaRenderers<'engine'> = {
  'engine.change.start': (c) => `… ${what(c)}`,
  'engine.change.done': (c, s) => `${s.green('✓')} ${what(c)}`,
  'engine.change.failed': (c, s) => `${s.red('✗')} ${what(c)}`,
};

export const enginePrompts: AreaPrompts<'engine'> = {
  'engine.apply.confirm': (d, { prompts, yes }) =>
    askConfirm(
      {
        message:
          d.reason === 'destroy' ? `Delete all of the above from ${d.target}?` : 'Apply these changes, including the removals above?',
        flag: '--yes',
        default: yes ? true : undefined,
      },
      prompts,
    ),
};
