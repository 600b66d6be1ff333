import { Ajv } from 'ajv';
import type { Static, TSchema } from 'typebox';
import { invalid } from '../errors.js';

const ajv = new Ajv({ strict: false, allErrors: false });

/**
 * Checks CLI input against the schema the admin API validates the same input with, so both
 * accept the same things. Throws `invalid` naming `what` and the first problem.
 */
export function checkSchema<S extends TSchema>(
  schema: S,
  value: unknown,
  code: string,
  what: string,
): Static<S> {
  const validate = ajv.compile(schema);
  if (validate(value)) return value as Static<S>;
  const first = validate.errors?.[0];
  throw invalid(code, `${what}: ${first?.instancePath || '/'} ${first?.message ?? 'is not valid'}`.trim());
}
