import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifyInstance } from 'fastify';

/**
 * Bodies are validated strictly: a wrong type is an error, never silently coerced ("5" is
 * not 5) and unknown properties are rejected where a schema says so. Query strings, params
 * and headers arrive as text, so those are coerced to the declared types.
 */
export function registerValidation(app: FastifyInstance): void {
  const strict = new Ajv({
    coerceTypes: false,
    removeAdditional: false,
    useDefaults: true,
    strict: false,
    allErrors: false,
    // Errors carry the offending value, so messages can say what arrived (http/validation-errors.ts).
    verbose: true,
    // Unions tagged by a property (a change's `kind`) check the tagged shape only, so errors
    // speak of the shape the caller meant.
    discriminator: true,
  });
  const coercing = new Ajv({
    coerceTypes: 'array',
    removeAdditional: false,
    useDefaults: true,
    strict: false,
    allErrors: false,
    // Errors carry the offending value, so messages can say what arrived (http/validation-errors.ts).
    verbose: true,
  });
  addFormats.default(strict);
  addFormats.default(coercing);
  app.setValidatorCompiler(({ schema, httpPart }) =>
    (httpPart === 'body' ? strict : coercing).compile(schema),
  );
}
