import type { Resolution, TraitValue, User } from './flags.js';

/** An OpenFeature evaluation context, as both OpenFeature SDKs pass it (kept structural here). */
export type OpenFeatureContext = { targetingKey?: string } & Record<string, unknown>;

/**
 * The Pennon user of an OpenFeature context: `targetingKey` is the identifier, every other
 * primitive attribute a trait (nested objects and arrays are not traits and are left out).
 * Undefined without a targeting key: the environment's flags for an anonymous visitor.
 * @example
 * userFromContext({ targetingKey: 'user-1', plan: 'pro' }); // { identifier: 'user-1', traits: { plan: 'pro' } }
 */
export function userFromContext(context: OpenFeatureContext | undefined): User | undefined {
  if (!context || typeof context.targetingKey !== 'string' || context.targetingKey === '') return undefined;
  const traits: Record<string, TraitValue> = {};
  for (const [key, value] of Object.entries(context)) {
    if (key === 'targetingKey') continue;
    if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) {
      traits[key] = value as TraitValue;
    } else if (value instanceof Date) {
      traits[key] = value.toISOString();
    }
  }
  return { identifier: context.targetingKey, traits };
}

const OPENFEATURE_REASONS = new Set(['STATIC', 'DEFAULT', 'TARGETING_MATCH', 'SPLIT', 'DISABLED', 'ERROR']);

/**
 * A Pennon resolution in OpenFeature's shape: the reason reduced to OpenFeature's vocabulary
 * (`TARGETING_MATCH; segment=pro` → `TARGETING_MATCH`, `SPLIT; weight=50` → `SPLIT`), the full
 * reason kept in `flagMetadata.reason`, the variant key as `variant`.
 * @example
 * toOpenFeature({ value: 'b', reason: 'SPLIT; weight=50', variant: 'b' });
 * // { value: 'b', reason: 'SPLIT', variant: 'b', flagMetadata: { reason: 'SPLIT; weight=50' } }
 */
export function toOpenFeature<T>(resolution: Resolution<T>): {
  value: T;
  reason: string;
  variant?: string;
  errorCode?: string;
  errorMessage?: string;
  flagMetadata: Record<string, string>;
} {
  const head = resolution.reason.split(';')[0]?.trim() ?? 'UNKNOWN';
  return {
    value: resolution.value,
    reason: OPENFEATURE_REASONS.has(head) ? head : 'UNKNOWN',
    ...(resolution.variant === null ? {} : { variant: resolution.variant }),
    ...(resolution.errorCode
      ? { errorCode: resolution.errorCode, errorMessage: resolution.errorMessage }
      : {}),
    flagMetadata: { reason: resolution.reason },
  };
}
