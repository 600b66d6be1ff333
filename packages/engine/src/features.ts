/**
 * Feature states (an environment default or a segment override) prepared for flag results:
 * variants sorted by priority with their cumulative bands and reason strings computed once.
 * @module
 */

import type { FeatureContext, FlagResult, FlagValue, Metadata } from './context.js';
import { type HashKey, HashSeed, seededPercentage } from './pair-hash.js';
import { pyStr } from './py-values.js';

/** The reason of a flag no segment overrides and no split decides. */
export const DEFAULT_REASON = 'DEFAULT';

interface CompiledVariant {
  readonly value: FlagValue;
  readonly key: string | null;
  readonly reason: string;
  /** The identity falls in this variant when `start <= percentage < limit`. */
  readonly start: number;
  readonly limit: number;
}

/** A feature state ready to produce flag results. */
export interface CompiledFeature {
  /** Seeds the multivariate hash together with the identity key (encoded once, here). */
  readonly key: HashSeed;
  readonly enabled: boolean;
  readonly value: FlagValue;
  /** Only set when the source has metadata worth reporting (Python truthiness). */
  readonly metadata: Metadata | undefined;
  readonly variants: readonly CompiledVariant[];
}

/** Python truthiness, which decides whether `metadata` appears in results. */
export function isTruthy(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return Boolean(value);
  return Array.isArray(value) ? value.length > 0 : Object.keys(value).length > 0;
}

/** A priority as a number; a missing one ranks last. */
export function priorityOf(value: unknown): number {
  return typeof value === 'number' ? value : typeof value === 'bigint' ? Number(value) : Infinity;
}

function compileVariants(feature: FeatureContext): CompiledVariant[] {
  const variants = Array.isArray(feature.variants)
    ? feature.variants.filter((v) => v && typeof v === 'object')
    : [];
  // Lower priority first; missing priority last; equal priorities keep their order (stable sort).
  const sorted = variants
    .map((variant) => ({ variant, priority: priorityOf(variant.priority) }))
    .sort((a, b) => (a.priority < b.priority ? -1 : a.priority > b.priority ? 1 : 0));
  let start = 0;
  return sorted.map(({ variant }) => {
    const weight = typeof variant.weight === 'number' ? variant.weight : Number.NaN;
    // Same float additions, in the same order, as the reference: bands must agree to the last bit.
    const limit = weight + start;
    const band = { start, limit };
    start = limit;
    return {
      value: variant.value,
      key: typeof variant.key === 'string' ? variant.key : null,
      reason: `SPLIT; weight=${pyStr(weight)}`,
      ...band,
    };
  });
}

/**
 * Prepares a feature state for evaluation.
 * @example
 * compileFeature({ key: '1', name: 'f', enabled: true, value: 'a', variants: [{ value: 'b', weight: 50 }] });
 */
export function compileFeature(feature: FeatureContext): CompiledFeature {
  return {
    key: new HashSeed(pyStr(feature.key)),
    enabled: feature.enabled,
    value: feature.value,
    metadata: isTruthy(feature.metadata) ? feature.metadata : undefined,
    variants: compileVariants(feature),
  };
}

/**
 * Every result one state can give under one name and reason: its own value, each variant, or
 * the control value. Built once at compile time and frozen, so evaluation allocates no flag
 * results and callers may recognise a result by identity (e.g. to cache its serialisation).
 */
export interface FlagOutcomes {
  readonly state: CompiledFeature;
  /** No identity or no variants. */
  readonly plain: FlagResult;
  /** One per variant, in priority order. */
  readonly split: readonly FlagResult[];
  /** Variants exist but the identity's percentage fell in none of them. */
  readonly control: FlagResult;
}

function result(
  state: CompiledFeature,
  name: string,
  value: FlagValue,
  reason: string,
  variant: string | null,
): FlagResult {
  const { enabled, metadata } = state;
  return Object.freeze(
    metadata === undefined
      ? { name, enabled, value, reason, variant }
      : { name, enabled, value, reason, variant, metadata },
  );
}

/**
 * The outcomes of `state` for the feature `name`, reported with `reason` unless a variant decides.
 * @example
 * const outcomes = flagOutcomes(compileFeature(feature), 'dark_mode', 'DEFAULT');
 */
export function flagOutcomes(state: CompiledFeature, name: string, reason: string): FlagOutcomes {
  return {
    state,
    plain: result(state, name, state.value, reason, null),
    split: state.variants.map((variant) => result(state, name, variant.value, variant.reason, variant.key)),
    control: result(state, name, state.value, reason, 'control'),
  };
}

/**
 * The flag an identity key gets: a variant's result when the key's percentage falls in its
 * band, else the state's own value (variant `"control"` when there were variants to pick from).
 */
export function flagResult(outcomes: FlagOutcomes, identityKey: HashKey | undefined): FlagResult {
  if (identityKey === undefined || outcomes.state.variants.length === 0) return outcomes.plain;
  return splitResult(outcomes, seededPercentage(outcomes.state.key, identityKey));
}

/**
 * The flag of a state with variants for an identity key whose percentage (the hash of the
 * state's key with it) is `percentage`, as `flagResult` picks it.
 * @example
 * splitResult(outcomes, seededPercentage(outcomes.state.key, identityKey));
 */
export function splitResult(outcomes: FlagOutcomes, percentage: number): FlagResult {
  const variants = outcomes.state.variants;
  for (let i = 0; i < variants.length; i++) {
    const variant = variants[i];
    if (variant.start <= percentage && percentage < variant.limit) return outcomes.split[i];
  }
  return outcomes.control;
}
