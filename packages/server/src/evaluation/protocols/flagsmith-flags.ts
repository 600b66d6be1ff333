import type { EvaluatedFlag } from '../evaluation.service.js';
import type { EnvironmentSnapshot, FeatureInfo } from '../snapshot.js';

/**
 * Flagsmith values are scalars: JSON objects and arrays travel as their serialised text, as
 * Flagsmith itself stores them; boolean features carry no value (their value is `enabled`).
 */
export function flagsmithValue(feature: FeatureInfo, value: unknown): string | number | boolean | null {
  if (feature.type === 'boolean' || value === undefined || value === null) return null;
  if (feature.type === 'json' && typeof value === 'object') return JSON.stringify(value);
  return value as string | number | boolean;
}

export function flagsmithFeature(feature: FeatureInfo) {
  return {
    id: feature.number,
    name: feature.key,
    type: 'STANDARD',
    description: feature.description || null,
    initial_value: null,
    default_enabled: false,
    tags: feature.tags,
  };
}

/** A flag object as Flagsmith's `flags/` and `identities/` return it, plus `variant`. */
export function flagsmithFlag(snapshot: EnvironmentSnapshot, { feature, result }: EvaluatedFlag) {
  return {
    id: feature.number,
    feature: flagsmithFeature(feature),
    feature_state_value: flagsmithValue(feature, result.value),
    enabled: result.enabled,
    environment: null,
    identity: null,
    feature_segment: null,
    variant: result.variant ?? null,
    reason: result.reason,
  };
}
