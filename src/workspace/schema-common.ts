import * as z from 'zod';

/**
 * Shared zod pieces. Schemas registered in `problemCodes` report their own problem code (e.g. `InvalidName`)
 * instead of the generic `InvalidValue`, so users can search for it.
 */
export const problemCodes = z.registry<{ code: string; hint?: string }>();

function coded<T extends z.ZodType>(schema: T, code: string, hint?: string): T {
  problemCodes.add(schema, { code, hint });
  return schema;
}

/** Domain, product and mesh names: lowercase letters, digits and dashes, starting with a letter. */
export const NAME_PATTERN = /^[a-z][a-z0-9-]{0,62}$/;

export const nameSchema = coded(
  z.string().regex(NAME_PATTERN).describe('lowercase letters, digits and dashes, starting with a letter (at most 63)'),
  'InvalidName',
  'Use lowercase letters, digits and dashes, starting with a letter, e.g. "listen-events".',
);

/** Lambda function names (letters, digits, dashes, underscores). */
export const functionNameSchema = coded(
  z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/)
    .describe('function name: letters, digits, dashes and underscores (at most 64)'),
  'InvalidName',
  'Use letters, digits, dashes and underscores, e.g. "interactions-handler".',
);

/** Account ids are checked by the rules (12 digits); YAML may give them as numbers. */
export const accountSchema = z.union([z.string(), z.number()]).describe('12-digit AWS account id (quote it in YAML)');

export const regionSchema = z.string().describe('AWS region code, e.g. us-east-1');

/** A relative path inside the workspace. */
export const relativePathSchema = z.string().min(1);
