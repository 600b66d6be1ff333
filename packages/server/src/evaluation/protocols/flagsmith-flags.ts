import type { FlagResult } from '@pennon/engine';
import { flattened, joinedBytes, jsonText } from '../../http/json-text.js';
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
  private readonly texts = new WeakMap<FlagResult, string>();
  /** Each outcome's text as UTF-8 after a comma, encoded once: answers are joined from these. */
  private readonly bytes = new WeakMap<FlagResult, Buffer>();

  constructor(snapshot: EnvironmentSnapshot) {
    for (const feature of snapshot.features.values()) {
      // Left open: each outcome closes it with its reason (see `flag`).
      this.heads.set(
        feature.key,
        `{"id":${feature.number},"feature":${JSON.stringify(flagsmithFeature(feature)).slice(0, -1)}`,
      );
    }
  }

  /** One flag object: `{id, feature, feature_state_value, enabled, environment, identity, feature_segment, variant, reason}`. */
  flag({ feature, result }: EvaluatedFlag): string {
    // The engine hands out one frozen result per outcome, so each outcome is written once.
    let text = this.texts.get(result);
    if (text === undefined) {
      // flagsmith-nodejs reads a flag's reason from its feature; other clients from the flag.
      text = flattened(
        `${this.heads.get(feature.key)},"reason":${jsonText(result.reason)}},"feature_state_value":` +
          `${jsonText(flagsmithValue(feature, result.value))},"enabled":${result.enabled ? 'true' : 'false'}` +
          `,"environment":null,"identity":null,"feature_segment":null,"variant":${jsonText(result.variant ?? null)},"reason":${jsonText(result.reason)}}`,
      );
      this.texts.set(result, text);
    }
    return text;
  }

  /**
   * The flags as a JSON array between `before` and `after`, as one flat string: a single join
   * copies each piece once, where concatenation would build a rope to be flattened on write.
   */
  /**
   * `list` as UTF-8 bytes, joined from each outcome's bytes, encoded once per snapshot: an
   * identity answer (16.7 KB for 50 flags) is then one copy of its pieces, with no text to
   * build, measure and encode on every request.
   */
  listBytes(flags: readonly EvaluatedFlag[], before: string, after: string): Buffer {
    return joinedBytes(`${before}[`, flags, this.commaBytes, `]${after}`);
  }

  private readonly commaBytes = (flag: EvaluatedFlag): Buffer => {
    let bytes = this.bytes.get(flag.result);
    if (bytes === undefined) {
      bytes = Buffer.from(`,${this.flag(flag)}`);
      this.bytes.set(flag.result, bytes);
    }
    return bytes;
  };

  list(flags: readonly EvaluatedFlag[], before = '', after = ''): string {
    const parts = new Array<string>(flags.length + 2);
    parts[0] = `${before}[`;
    for (let i = 0; i < flags.length; i++) parts[i + 1] = (i === 0 ? '' : ',') + this.flag(flags[i]);
    parts[flags.length + 1] = `]${after}`;
    return parts.join('');
  }
}
