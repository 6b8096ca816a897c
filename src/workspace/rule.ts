import type { RuleInput } from './entries.js';
import type { Reporter } from './reporter.js';

/** A cross-file rule: looks at the resolved workspace and reports every problem it finds. */
export type Rule = (input: RuleInput, report: Reporter) => void;
