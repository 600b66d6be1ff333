import type { IncomingHttpHeaders } from 'node:http';
import { gunzipSync } from 'node:zlib';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { invalid, PennonError } from '../../errors.js';
import { checkJsonDepth, checkStorableJson } from '../../http/request-text.js';

/**
 * Statsig's clients do not send plain JSON bodies. The body is JSON, optionally
 * "Statsig-encoded" (`se=1`: base64 of the JSON text, then the base64 string reversed;
 * `btoa` input, so one byte per character), then optionally gzipped (`gz=1`, or
 * `Content-Encoding: gzip`), in that order: the client encodes first and compresses the
 * result. The content type says nothing: text/plain for strings, none for compressed bytes.
 *
 * This installs, for the encapsulated Statsig plugin only, one parser for every content
 * type that undoes those steps and hands route validation the parsed JSON. A decompressed
 * body is held to the route's body limit too, so a small gzip bomb cannot grow past it.
 */
export function acceptStatsigBodies(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (request, body, done) => {
    try {
      done(null, decodeStatsigBody(request, body as Buffer, request.routeOptions.bodyLimit));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
}

export function decodeStatsigBody(request: FastifyRequest, raw: Buffer, maxDecodedBytes: number): unknown {
  return parseStatsigBody(request.query as Record<string, unknown>, request.headers, raw, maxDecodedBytes);
}

/**
 * A Statsig body's JSON value, as the route's content-type parser above reads it; the SDK fast
 * lane calls it too, so both accept and refuse the same bodies. Throws the refusal.
 */
export function parseStatsigBody(
  query: Readonly<Record<string, unknown>>,
  headers: IncomingHttpHeaders,
  raw: Buffer,
  maxDecodedBytes: number,
): unknown {
  const text = statsigBodyText(query, headers, raw, maxDecodedBytes);
  // Refused before parsing: Statsig's free-form `user` and `metadata` must not nest 5,000 deep.
  checkJsonDepth(text);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw invalid(
      'malformed_body',
      query.se === '1'
        ? 'The Statsig-encoded body does not decode to JSON.'
        : 'The request body is not valid JSON.',
    );
  }
  checkStorableJson(text, value);
  return value;
}

/**
 * The JSON text of a Statsig body: gunzipped when the query or `Content-Encoding` says so, then
 * un-Statsig-encoded when `se=1`. Throws the refusal (a PennonError) for a body that does not
 * decompress.
 */
function statsigBodyText(
  query: Readonly<Record<string, unknown>>,
  headers: IncomingHttpHeaders,
  raw: Buffer,
  maxDecodedBytes: number,
): string {
  let bytes = raw;
  const encoding = headers['content-encoding'];
  if (query.gz === '1' || (encoding !== undefined && /\bgzip\b/i.test(String(encoding)))) {
    bytes = gunzip(bytes, maxDecodedBytes);
  }
  return query.se === '1' ? unreverseBase64(bytes) : bytes.toString('utf8');
}

/**
 * `btoa` took one byte per character, so latin1 gives back exactly the client's string. Latin1
 * reads one character per byte, so reversing the bytes reverses the text: no array of
 * one-character strings to split and join (every initialize a browser sends is encoded; 1 µs
 * instead of 6 for a 600-byte body).
 */
function unreverseBase64(encoded: Buffer): string {
  return Buffer.from(Buffer.from(encoded).reverse().toString('latin1'), 'base64').toString('latin1');
}

function gunzip(bytes: Buffer, maxOutputLength: number): Buffer {
  try {
    return gunzipSync(bytes, { maxOutputLength });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new PennonError(
        'too_large',
        'body_too_large',
        `The decompressed body is larger than ${maxOutputLength} bytes.`,
      );
    }
    throw invalid('malformed_body', 'The body is flagged as gzip but does not decompress.');
  }
}
