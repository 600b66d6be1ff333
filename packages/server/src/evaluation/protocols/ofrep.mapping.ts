import { hash } from 'node:crypto';
import type { KeyKind } from '../../auth/environment-keys.js';
import { toErrorResponse } from '../../http/error-handler.js';
import {
  MAX_TRAITS_PER_IDENTITY,
  tooManyTraits,
  validateIdentifier,
  validateTrait,
} from '../../identities/identity-limits.js';
import type { EvaluatedFlag, IdentityRequest, TraitValue } from '../evaluation.service.js';
import type { EnvironmentSnapshot } from '../snapshot.js';
import { typedFlag } from '../typed-value.js';
import type { OfrepContext, OfrepFlag } from './ofrep.schema.js';

/**
 * Turns an OFREP context into a transient identity: OFREP context is never stored (DESIGN §5).
 * `targetingKey` is the identifier; every other attribute is a transient trait (JSON scalars
 * only; `null` means "not set" and is dropped). Attributes without a targeting key still need
 * an identity for trait rules to see them, so one is derived from the attributes, as the
 * Flagsmith API derives one for an identity posted without identifier; percentage splits then
 * bucket by that attribute set. An empty context, or an empty targetingKey with no attributes,
 * evaluates anonymously. Throws a PennonError (kind invalid) for a context we cannot use.
 */
export function identityOf(context: OfrepContext | undefined): IdentityRequest | undefined {
  let targetingKey: unknown;
  const traits: { key: string; value: TraitValue; transient: true }[] = [];
  if (context) {
    // Two loops over the keys, no copies: this runs on every OFREP request.
    const keys = Object.keys(context);
    const attributes = Object.hasOwn(context, 'targetingKey') ? keys.length - 1 : keys.length;
    if (attributes > MAX_TRAITS_PER_IDENTITY) throw tooManyTraits(attributes);
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i];
      const value = (context as Record<string, unknown>)[key];
      if (key === 'targetingKey') {
        targetingKey = value;
        continue;
      }
      const failure = validateTrait(key, value);
      if (failure) throw failure;
      if (value !== null) traits.push({ key, value: value as TraitValue, transient: true });
    }
    traits.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  if (targetingKey !== undefined && targetingKey !== null && targetingKey !== '') {
    const invalidKey = validateIdentifier(targetingKey);
    if (invalidKey) throw invalidKey;
    return { identifier: targetingKey as string, traits, transient: true };
  }
  if (traits.length === 0) return undefined;
  const digest = hash('sha256', JSON.stringify(traits.map((t) => [t.key, t.value])), 'base64url').slice(
    0,
    22,
  );
  return { identifier: `ofrep-anonymous-${digest}`, traits, transient: true };
}

/**
 * The bulk response's ETag: a function of everything the answer depends on, namely the
 * configuration (the snapshot's etag), what the key may see, and the normalised context. Two
 * users never share one, and a 304 can be answered before evaluating anything.
 */
export function bulkEtag(
  snapshot: EnvironmentSnapshot,
  kind: KeyKind,
  identity: IdentityRequest | undefined,
): string {
  const input = JSON.stringify([
    snapshot.etag,
    kind,
    identity ? identity.identifier : null,
    identity?.traits?.map((t) => [t.key, t.value]) ?? [],
  ]);
  // One-shot hashing: no Hash object per request.
  return `"${hash('sha256', input, 'base64url').slice(0, 27)}"`;
}

/** `If-None-Match` may list several tags, or `*`; weak tags compare by their opaque part. */
export function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch.split(',').some((tag) => {
    const t = tag.trim();
    return t === '*' || (t.startsWith('W/') ? t.slice(2) : t) === etag;
  });
}

/**
 * OpenFeature's standard reasons for the engine's reason strings; the engine's full text
 * (which names the segment or the weight) is kept in `metadata.reasonDetail`.
 */
export function ofrepReason(reason: string): string {
  if (reason === 'DEFAULT') return 'DEFAULT';
  if (reason === 'DISABLED') return 'DISABLED';
  if (reason.startsWith('TARGETING_MATCH')) return 'TARGETING_MATCH';
  if (reason.startsWith('SPLIT')) return 'SPLIT';
  return 'UNKNOWN';
}

/** One evaluated flag as OFREP's success body: typed per DESIGN §2, no value when the default applies. */
export function ofrepFlag(flag: EvaluatedFlag): OfrepFlag {
  const typed = typedFlag(flag);
  const body: OfrepFlag = {
    key: typed.key,
    reason: ofrepReason(typed.reason),
    metadata: { reasonDetail: typed.reason, type: typed.type },
  };
  if ('value' in typed) body.value = typed.value;
  if (typed.variant !== null) body.variant = typed.variant;
  return body;
}

export interface OfrepError {
  status: number;
  errorCode: string;
  errorDetails: string;
  metadata: { code: string };
}

/**
 * Any error as OFREP's failure fields. Status and Pennon code come from the shared mapping
 * (`toErrorResponse`), so validation is never re-implemented; the Pennon code stays visible in
 * `metadata.code` for people reading logs.
 */
export function ofrepError(error: unknown): OfrepError {
  const { status, body } = toErrorResponse(error);
  const code = body.error.code;
  const errorCode =
    code === 'flag_not_found'
      ? 'FLAG_NOT_FOUND'
      : code === 'malformed_json'
        ? 'PARSE_ERROR'
        : status === 400
          ? 'INVALID_CONTEXT'
          : 'GENERAL';
  return { status, errorCode, errorDetails: body.error.message, metadata: { code } };
}
