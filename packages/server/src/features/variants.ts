import { type Static, Type } from 'typebox';
import { invalid } from '../errors.js';
import type { StoredVariant } from '../evaluation/environment-loader.js';
import { JsonValue } from '../http/schemas.js';
import { checkValue, type FeatureType } from './feature-values.js';

export const MAX_VARIANTS = 20;
/** The engine names the unsplit remainder `control`; a variant may not take that name. */
const CONTROL = 'control';

export const VariantKey = Type.String({ pattern: '^[A-Za-z0-9_.-]{1,100}$' });

/** A variant as the API shows and takes it; priorities are kept by the server, never sent. */
export const Variant = Type.Object(
  { key: VariantKey, value: JsonValue, weight: Type.Number({ minimum: 0, maximum: 100 }) },
  { additionalProperties: false },
);
export type Variant = Static<typeof Variant>;

export const Variants = Type.Array(Variant, { maxItems: MAX_VARIANTS });

/** Weights are percentages; allow for binary rounding in sums such as 33.3 + 33.3 + 33.4. */
const WEIGHT_EPSILON = 1e-9;

/**
 * Validates the variants a client sent for a feature state or segment override and gives them
 * priorities. A key already in `stored` keeps its priority; a new key gets the next priority
 * never used in this state (`nextPriority`, a counter that only grows), so new variants always
 * sort after existing ones and a removed variant's priority is never reused. The engine walks
 * variants in priority order with a fixed hash key, so editing weights or values never moves
 * users between the variants that stay.
 *
 * Returns the variants in priority order, which is the order evaluation walks them, and the
 * counter to store.
 */
export function assignVariants(
  type: FeatureType,
  stored: readonly StoredVariant[],
  input: readonly Variant[],
  nextPriority = 0,
): { variants: StoredVariant[]; nextPriority: number } {
  if (input.length > 0 && type === 'boolean') {
    throw invalid(
      'variants_not_supported',
      'A boolean feature has no value to vary; use a string, number or json feature.',
    );
  }
  const seen = new Set<string>();
  let total = 0;
  input.forEach((variant, index) => {
    if (variant.key === CONTROL) {
      throw invalid(
        'invalid_variant_key',
        `variants[${index}].key: '${CONTROL}' is reserved for the control value.`,
      );
    }
    if (seen.has(variant.key))
      throw invalid('duplicate_variant_key', `variants[${index}].key '${variant.key}' is used twice.`);
    seen.add(variant.key);
    checkValue(type, variant.value, `variants[${index}].value`);
    total += variant.weight;
  });
  if (total > 100 + WEIGHT_EPSILON) {
    throw invalid(
      'variant_weights_exceed_100',
      `Variant weights add up to ${total}; at most 100 is allowed.`,
    );
  }

  const kept = new Map(stored.map((variant) => [variant.key, variant.priority]));
  let next = Math.max(nextPriority, ...stored.map((variant) => variant.priority + 1));
  const variants = input
    .map((variant) => ({
      key: variant.key,
      value: variant.value,
      weight: variant.weight,
      priority: kept.get(variant.key) ?? next++,
    }))
    .sort((a, b) => a.priority - b.priority);
  return { variants, nextPriority: next };
}

export function parseVariants(text: string): StoredVariant[] {
  return JSON.parse(text) as StoredVariant[];
}

/** The API view: priority order, without the priorities themselves. */
export function toApiVariants(stored: readonly StoredVariant[]): Variant[] {
  return [...stored]
    .sort((a, b) => a.priority - b.priority)
    .map(({ key, value, weight }) => ({ key, value, weight }));
}
