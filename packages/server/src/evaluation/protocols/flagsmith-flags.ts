import { jsonText } from '../../http/json-text.js';
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

const writers = new WeakMap<EnvironmentSnapshot, FlagsmithFlagsJson>();

/**
 * Writes Flagsmith flag objects (`flags/`, `identities/`) as JSON text. Everything that
 * depends only on the feature is serialised once per snapshot; a request only fills in its
 * value, enabled state, variant and reason. Serialisation was the largest cost of these
 * routes (see `npm run bench`), so it is done here rather than by a generic serialiser.
 */
export function flagsmithFlagsJson(snapshot: EnvironmentSnapshot): FlagsmithFlagsJson {
  let writer = writers.get(snapshot);
  if (!writer) {
    writer = new FlagsmithFlagsJson(snapshot);
    writers.set(snapshot, writer);
  }
  return writer;
}

export class FlagsmithFlagsJson {
  private readonly heads = new Map<string, string>();

  constructor(snapshot: EnvironmentSnapshot) {
    for (const feature of snapshot.features.values()) {
      this.heads.set(
        feature.key,
        `{"id":${feature.number},"feature":${JSON.stringify(flagsmithFeature(feature))},"feature_state_value":`,
      );
    }
  }

  /** One flag object: `{id, feature, feature_state_value, enabled, environment, identity, feature_segment, variant, reason}`. */
  flag({ feature, result }: EvaluatedFlag): string {
    return (
      `${this.heads.get(feature.key)}${jsonText(flagsmithValue(feature, result.value))},"enabled":${result.enabled ? 'true' : 'false'}` +
      `,"environment":null,"identity":null,"feature_segment":null,"variant":${jsonText(result.variant ?? null)},"reason":${jsonText(result.reason)}}`
    );
  }

  list(flags: readonly EvaluatedFlag[]): string {
    // join builds one flat string; repeated += builds a rope that is flattened again on write.
    const parts = new Array<string>(flags.length);
    for (let i = 0; i < flags.length; i++) parts[i] = this.flag(flags[i]);
    return `[${parts.join(',')}]`;
  }
}
