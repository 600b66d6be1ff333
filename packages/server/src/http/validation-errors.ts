/**
 * Turns what Ajv reports about a request into one sentence a person can act on, and the same
 * facts as data. Ajv's own wording names neither where the fault is in terms the caller
 * knows nor what would have been accepted ("must match a schema in anyOf").
 */

/** The fields of an Ajv error this reads (Ajv's `ErrorObject`, with `verbose` for `data`). */
export interface SchemaError {
  keyword: string;
  instancePath: string;
  schemaPath: string;
  params: Record<string, unknown>;
  message?: string;
  data?: unknown;
  /** With `verbose`: the schema holding the failed keyword. */
  parentSchema?: unknown;
}

export interface ValidationProblem {
  /** `body`, `querystring`, `params` or `headers`. */
  location: string;
  /** JSON Pointer into that part of the request, `''` for the whole of it. */
  path: string;
  /** What would have been accepted, e.g. `string or number or boolean or null`. */
  expected?: string;
  /** For enumerations: every accepted value. */
  allowed_values?: unknown[];
  /** For unknown and missing properties: which one. */
  property?: string;
  /** The JSON type that arrived, for type mismatches. */
  received?: string;
}

/**
 * One message and its facts for the errors of one failed validation. With `allErrors` off,
 * Ajv's last error is the one that failed the request; the errors before it are the
 * branches of a union that each failed.
 *
 * @example
 * describeValidation('body', errors);
 * // → { message: "body/type must be one of: boolean, string, number, json (got 'date')",
 * //     problem: { location: 'body', path: '/type', expected: 'one of: …', allowed_values: [...] } }
 */
export function describeValidation(
  location: string,
  errors: readonly SchemaError[],
): { message: string; problem: ValidationProblem } {
  const last = errors.at(-1);
  if (!last) return { message: `The ${location} is not valid.`, problem: { location, path: '' } };
  return describeError(location, last, errors);
}

function describeError(
  location: string,
  error: SchemaError,
  all: readonly SchemaError[],
): { message: string; problem: ValidationProblem } {
  const where = `${location}${error.instancePath}`;
  const problem: ValidationProblem = { location, path: error.instancePath };
  switch (error.keyword) {
    case 'anyOf':
    case 'oneOf':
      return describeUnion(location, error, all);
    case 'discriminator': {
      // A tagged union (`kind`): the tag is missing from the accepted ones, or not a string.
      const tag = String(error.params.tag);
      const allowed = tagValues(error, tag);
      const got = error.params.tagValue === undefined ? '' : ` (got ${shortJson(error.params.tagValue)})`;
      return {
        message: `${where}/${tag} must be one of: ${allowed.join(', ')}${got}.`,
        problem: { ...problem, path: `${error.instancePath}/${tag}`, allowed_values: allowed },
      };
    }
    case 'additionalProperties': {
      const property = String(error.params.additionalProperty);
      return {
        message: `${where} has an unknown property '${property}'.`,
        problem: { ...problem, property },
      };
    }
    case 'required': {
      const property = String(error.params.missingProperty);
      return {
        message: `${where} is missing the required property '${property}'.`,
        problem: { ...problem, property },
      };
    }
    default: {
      const expected = expectation(error);
      const allowed = error.keyword === 'enum' ? (error.params.allowedValues as unknown[]) : undefined;
      const received = error.keyword === 'type' ? typeOf(error.data) : undefined;
      const got =
        error.keyword === 'enum' && error.data !== undefined
          ? ` (got ${shortJson(error.data)})`
          : received
            ? ` (got ${received})`
            : '';
      return {
        message: `${where} must ${expected}${got}.`,
        problem: {
          ...problem,
          expected: expected.replace(/^be /, ''),
          ...(allowed ? { allowed_values: allowed } : {}),
          ...(received ? { received } : {}),
        },
      };
    }
  }
}

/**
 * A value that fits no member of a union. A member that got further than checking the type
 * (into an object's fields, or to a string's length) is almost surely the one the caller
 * meant, so its error is the one to tell; otherwise the value has a type no member takes,
 * and every accepted type is listed.
 */
function describeUnion(
  location: string,
  union: SchemaError,
  all: readonly SchemaError[],
): { message: string; problem: ValidationProblem } {
  const branches = all.filter(
    (e) =>
      e !== union &&
      e.schemaPath.startsWith(`${union.schemaPath}/`) &&
      e.keyword !== 'anyOf' &&
      e.keyword !== 'oneOf',
  );
  const deepest = branches.reduce<SchemaError | undefined>(
    (best, e) => (best === undefined || e.instancePath.length > best.instancePath.length ? e : best),
    undefined,
  );
  if (deepest && deepest.instancePath.length > union.instancePath.length) {
    // The fault may itself sit in a union (a trait value inside a list of traits): tell that one whole.
    const enclosing = all
      .filter(
        (e) =>
          (e.keyword === 'anyOf' || e.keyword === 'oneOf') &&
          e.instancePath === deepest.instancePath &&
          deepest.schemaPath.startsWith(`${e.schemaPath}/`),
      )
      .sort((a, b) => a.schemaPath.length - b.schemaPath.length)[0];
    return enclosing ? describeUnion(location, enclosing, all) : describeError(location, deepest, all);
  }
  const typeMatched = branches.find((e) => e.keyword !== 'type');
  if (typeMatched) return describeError(location, typeMatched, branches);
  const types = [...new Set(branches.flatMap((e) => String(e.params.type).split(',')))];
  const expected = types.length > 0 ? types.join(' or ') : 'one of the accepted forms';
  const received = typeOf(union.data);
  return {
    message: `${location}${union.instancePath} must be ${expected}${received ? ` (got ${received})` : ''}.`,
    problem: { location, path: union.instancePath, expected, ...(received ? { received } : {}) },
  };
}

/** The tag values a discriminated union accepts, read from its branches (`verbose` gives the schema). */
function tagValues(error: SchemaError, tag: string): unknown[] {
  const branches = ((error.parentSchema as { oneOf?: unknown[] } | undefined)?.oneOf ?? []) as {
    properties?: Record<string, { const?: unknown }>;
  }[];
  return branches.map((branch) => branch.properties?.[tag]?.const).filter((value) => value !== undefined);
}

/** What the schema wanted, as the end of "must …". */
function expectation(error: SchemaError): string {
  switch (error.keyword) {
    case 'type':
      return `be ${String(error.params.type).split(',').join(' or ')}`;
    case 'enum':
      return `be one of: ${(error.params.allowedValues as unknown[]).map(String).join(', ')}`;
    case 'const':
      return `be exactly ${shortJson(error.params.allowedValue)}`;
    default:
      // Ajv's messages read "must NOT have more than 100 characters", "must be >= 0" and the like.
      return (error.message ?? 'be valid').replace(/^must /, '');
  }
}

/** The JSON type of a value, for "got …"; undefined when Ajv was not asked for data. */
function typeOf(data: unknown): string | undefined {
  if (data === undefined) return undefined;
  if (data === null) return 'null';
  if (Array.isArray(data)) return 'array';
  if (typeof data === 'number') return Number.isInteger(data) ? 'integer' : 'number';
  return typeof data;
}

function shortJson(value: unknown): string {
  const text = typeof value === 'string' ? `'${value}'` : (JSON.stringify(value) ?? String(value));
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}
