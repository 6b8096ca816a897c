/**
 * The checks of `mesh init`'s answers, by name: the question names its rule, the CLI's prompt checks as you type with
 * it, and src/scaffold checks the answer it gets back (from any host) with the same one.
 */
import { closestMatch } from '../core/errors.js';
import { AWS_REGIONS, isAccountId, isRegion, parseMskClusterArn } from './aws-ids.js';
import { NAME_PATTERN } from './schema-common.js';

export type AnswerRule = 'name' | 'account' | 'region' | 'notEmpty' | 'clusterArn';

export const ANSWER_RULES: { readonly [R in AnswerRule]: (value: string) => true | string } = {
  name: (value) => (NAME_PATTERN.test(value) ? true : 'Use lowercase letters, digits and dashes, starting with a letter (e.g. songs).'),
  account: (value) => (isAccountId(value) ? true : 'An AWS account id has 12 digits.'),
  region: (value) => {
    if (isRegion(value)) return true;
    const near = closestMatch(value, AWS_REGIONS);
    return `"${value}" is not an AWS region${near ? `; did you mean ${near}?` : ' (e.g. us-east-1).'}`;
  },
  notEmpty: (value) => (value.trim() !== '' ? true : 'Needs a value.'),
  clusterArn: (value) => (parseMskClusterArn(value) ? true : 'Expected arn:aws:kafka:<region>:<account>:cluster/<name>/<uuid>.'),
};
