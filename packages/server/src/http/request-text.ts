import type { FastifyInstance } from 'fastify';
import { invalid } from '../errors.js';
import { unstorableTextAt } from '../shared/storable-text.js';

/**
 * How deep a request body may nest. Segment rules (5 levels, two JSON levels each) and a
 * Flagsmith document around them need about 20; the rest is for free-form values (flag and
 * variant values, event properties, Statsig users and metadata). Nothing recursive (the JSON
 * parser's prototype scan, schema validation, our own walks, JSON.stringify on the way out)
 * ever sees more.
 */
export const MAX_JSON_DEPTH = 64;

/**
 * Refuses JSON text that nests deeper than MAX_JSON_DEPTH, by scanning the text itself, so
 * the check runs before anything that recurses: a body nested 5,000 deep is a 400, not a
 * stack overflow. Brackets inside strings do not count.
 */
export function checkJsonDepth(text: string): void {
  // Nesting deeper than the bound takes more opening brackets than the bound; most bodies
  // have a handful, counted with native searches instead of a walk over every character.
  if (openingBrackets(text, MAX_JSON_DEPTH + 1) <= MAX_JSON_DEPTH) return;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // a backslash: the next character is escaped, whatever it is
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > MAX_JSON_DEPTH) {
        throw invalid('json_too_deep', `The request body nests deeper than ${MAX_JSON_DEPTH} levels.`);
      }
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
}

/** How many `{` and `[` the text holds, counting no further than `limit`. */
function openingBrackets(text: string, limit: number): number {
  let count = 0;
  for (let i = text.indexOf('{'); i !== -1 && count < limit; i = text.indexOf('{', i + 1)) count++;
  for (let i = text.indexOf('['); i !== -1 && count < limit; i = text.indexOf('[', i + 1)) count++;
  return count;
}

/**
 * Refuses a parsed body holding a NUL or a lone surrogate in any string or key. Decoded UTF-8
 * cannot carry either raw (invalid bytes become U+FFFD and JSON forbids raw control
 * characters), so only `\u` escapes can produce them: bodies without one are not walked.
 */
export function checkStorableJson(text: string, value: unknown): void {
  if (!text.includes('\\u')) return;
  const at = unstorableTextAt(value);
  if (at !== undefined) {
    throw invalid(
      'unstorable_text',
      `The request body's ${at} contains a NUL character or an unpaired surrogate.`,
      {
        field: at,
      },
    );
  }
}

/** Parses JSON request text, calling back at once with the value or the error to answer with. */
export type JsonTextParser = (text: string, done: (error: Error | null, value?: unknown) => void) => void;

/**
 * JSON text of a request body, parsed with Fastify's own parser once both checks pass. The
 * one parser of request bodies: Fastify's content-type parser and the SDK fast lane
 * (evaluation/sdk-fast-lane.ts) both call it.
 */
export function jsonTextParser(app: FastifyInstance): JsonTextParser {
  // Fastify's defaults: `__proto__` keys are refused, `constructor` keys kept. Its parser
  // never reads the request it is given.
  const parse = app.getDefaultJsonParser('error', 'ignore');
  return (text, done) => {
    try {
      checkJsonDepth(text);
    } catch (error) {
      done(error as Error, undefined);
      return;
    }
    parse(undefined as never, text, (error, value) => {
      if (error) return done(error, undefined);
      try {
        checkStorableJson(text, value);
      } catch (refused) {
        return done(refused as Error, undefined);
      }
      done(null, value);
    });
  };
}

/** `jsonTextParser` as a Fastify content-type parser (`parseAs: 'string'`). */
export function jsonBodyParser(app: FastifyInstance) {
  const parse = jsonTextParser(app);
  return (_request: unknown, body: string | Buffer, done: (error: Error | null, value?: unknown) => void) =>
    parse(typeof body === 'string' ? body : body.toString('utf8'), done);
}

/**
 * One check for request text that can reach storage, on every route: JSON bodies through the
 * parser above, and path and query parameters before any route's own hook runs (SDK keys are
 * looked up in `onRequest`, so a NUL in `?k=` must be refused before that).
 */
export function registerRequestTextChecks(app: FastifyInstance): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, jsonBodyParser(app));
  // A callback hook, not an async one: it runs on every request and has nothing to wait for.
  app.addHook('onRequest', (request, _reply, done) => {
    try {
      refuseUnstorable(request.params, 'path');
      refuseUnstorable(request.query, 'query');
    } catch (error) {
      done(error as Error);
      return;
    }
    done();
  });
}

function refuseUnstorable(fields: unknown, part: 'path' | 'query'): void {
  if (typeof fields !== 'object' || fields === null || isEmpty(fields)) return;
  const at = unstorableTextAt(fields);
  if (at !== undefined) {
    throw invalid(
      'unstorable_text',
      `The ${part} parameter ${at} contains a NUL character or an unpaired surrogate.`,
      {
        field: at,
      },
    );
  }
}

/** Most SDK requests have neither path nor query parameters: nothing to walk, nothing to allocate. */
function isEmpty(fields: object): boolean {
  for (const _ in fields) return false;
  return true;
}
