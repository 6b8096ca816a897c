import { askSelect, askText } from '../../../io/prompts.js';
import { ANSWER_RULES } from '../../../workspace/answer-rules.js';
import type { AreaPrompts } from './types.js';

export const scaffoldPrompts: AreaPrompts<'init'> = {
  'init.text': (d, { prompts }) =>
    askText(
      { message: d.message, flag: d.flag, ...(d.default === undefined ? {} : { default: d.default }), validate: ANSWER_RULES[d.rule] },
      prompts,
    ),
  'init.select': (d, { prompts }) => askSelect({ message: d.message, flag: d.flag, default: d.default, choices: d.choices }, prompts),
};
