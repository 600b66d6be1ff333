import type { FlagResult } from '@pennon/engine';
import type { KeyKind } from '../../auth/environment-keys.js';
import { flattened, joinedBytes } from '../../http/json-text.js';
import type { EvaluatedFlag, Evaluation, IdentityRequest } from '../evaluation.service.js';
import type { SdkAnswer } from '../sdk-answer.js';
import type { EnvironmentSnapshot } from '../snapshot.js';
import { bulkEtag, ofrepFlag } from './ofrep.mapping.js';

/**
 * The engine hands out one frozen result per outcome of each feature, and an OFREP flag object
 * depends on nothing else, so each outcome's JSON text is written once and joined into every
 * bulk answer that has it: no per-request flag objects, no generic serialiser on the hot path.
 */
const texts = new WeakMap<FlagResult, string>();

const commaBytes = new WeakMap<FlagResult, Buffer>();

/** `ofrepFlagText` after a comma, as UTF-8, encoded once per outcome (see `joinedBytes`). */
function ofrepFlagCommaBytes(flag: EvaluatedFlag): Buffer {
  let bytes = commaBytes.get(flag.result);
  if (bytes === undefined) {
    bytes = Buffer.from(`,${ofrepFlagText(flag)}`);
    commaBytes.set(flag.result, bytes);
  }
  return bytes;
}

export function ofrepFlagText(flag: EvaluatedFlag): string {
  let text = texts.get(flag.result);
  if (text === undefined) {
    text = flattened(JSON.stringify(ofrepFlag(flag)));
    texts.set(flag.result, text);
  }
  return text;
}

/** Origins remembered per snapshot: the configured public URL, or a few `Host` headers. */
const MAX_ORIGINS = 16;
const streamsJson = new WeakMap<EnvironmentSnapshot, Map<string, string>>();

/**
 * `eventStreams` of a bulk answer, as JSON text: the one SSE stream a client of `snapshot`
 * follows, at `origin` + `path`. Written once per snapshot and origin, not per answer; the
 * origin comes from the `Host` header when no public URL is configured, so only a few are kept.
 *
 * @example
 * ofrepEventStreamsJson('https://flags.example.com', '/ofrep/v1/events', snapshot);
 * // '[{"type":"sse","url":"https://flags.example.com/ofrep/v1/events?key=…","endpoint":{…}}]'
 */
export function ofrepEventStreamsJson(origin: string, path: string, snapshot: EnvironmentSnapshot): string {
  let byOrigin = streamsJson.get(snapshot);
  if (!byOrigin) {
    byOrigin = new Map();
    streamsJson.set(snapshot, byOrigin);
  }
  const cacheKey = `${origin}\n${path}`;
  let text = byOrigin.get(cacheKey);
  if (text === undefined) {
    const requestUri = `${path}?key=${encodeURIComponent(snapshot.clientKey)}`;
    text = flattened(
      JSON.stringify([{ type: 'sse', url: `${origin}${requestUri}`, endpoint: { requestUri } }]),
    );
    if (byOrigin.size < MAX_ORIGINS) byOrigin.set(cacheKey, text);
  }
  return text;
}

const NO_HEADERS = Object.freeze({});

/**
 * The bulk answer with its `ETag`, for the Fastify route and the fast lane alike. `etag` when
 * the route already computed it for this snapshot (to compare with `If-None-Match`).
 */
export function ofrepBulkAnswer(
  evaluation: Evaluation,
  kind: KeyKind,
  identity: IdentityRequest | undefined,
  streams: { origin: string; path: string },
  etag = bulkEtag(evaluation.snapshot, kind, identity),
): SdkAnswer {
  const eventStreams = ofrepEventStreamsJson(streams.origin, streams.path, evaluation.snapshot);
  const body = joinedBytes(
    '{"flags":[',
    evaluation.flags,
    ofrepFlagCommaBytes,
    `],"eventStreams":${eventStreams}}`,
  );
  return { headers: NO_HEADERS, etag, body };
}
