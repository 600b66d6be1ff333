import type { StoredVariant } from '../evaluation/environment-loader.js';
import type { FeatureRow } from '../storage/tables.js';
import type {
  FlagsmithEnvironmentDocument,
  FlagsmithFeatureState,
  FlagsmithRule,
} from './flagsmith-document.schema.js';

/**
 * Pure translation of Flagsmith's document pieces into Pennon's stored shapes, keeping every
 * hashing seed: a state's `django_id` (or its uuid), a segment's `id`, and each multivariate
 * value's `id` as the variant priority, exactly what Flagsmith's engine hashes and sorts by.
 */

/**
 * Flagsmith has no declared types; infer ours from every value the feature takes anywhere in
 * the document (environment, segment and identity overrides, variants). Mixed kinds make a
 * json feature, which keeps each value exactly as it was.
 */
export function inferType(states: readonly FlagsmithFeatureState[]): FeatureRow['type'] {
  const values = states.flatMap((state) => [
    state.feature_state_value,
    ...(state.multivariate_feature_state_values ?? []).map((v) => v.multivariate_feature_option.value),
  ]);
  const present = values.filter((v) => v !== null && v !== undefined && v !== '');
  if (present.length === 0) return 'boolean';
  if (present.every((v) => typeof v === 'number')) return 'number';
  if (present.every((v) => typeof v === 'string')) return 'string';
  return 'json';
}

export type FeatureTypes = ReadonlyMap<string, FeatureRow['type']>;

/** Every state of each feature in the document, so a feature's type is inferred from all its values. */
export function featureTypes(document: FlagsmithEnvironmentDocument): FeatureTypes {
  const states = new Map<string, FlagsmithFeatureState[]>();
  const add = (state: FlagsmithFeatureState) =>
    states.set(state.feature.name, [...(states.get(state.feature.name) ?? []), state]);
  document.feature_states.forEach(add);
  for (const segment of document.project.segments ?? []) (segment.feature_states ?? []).forEach(add);
  for (const identity of document.identity_overrides ?? []) (identity.identity_features ?? []).forEach(add);
  return new Map([...states].map(([name, list]) => [name, inferType(list)]));
}

/** The value as stored for a feature of `type`. */
export function importedValue(type: FeatureRow['type'], value: unknown): unknown {
  if (type === 'boolean') return null;
  if (value === undefined) return null;
  if (type === 'string' && value !== null) return String(value);
  return value;
}

export function stateHashKey(state: FlagsmithFeatureState): string {
  if (state.django_id !== undefined && state.django_id !== null) return String(state.django_id);
  if (state.featurestate_uuid) return state.featurestate_uuid;
  // A document without either seed cannot be hashed as Flagsmith would; its feature name is stable.
  return `feature:${state.feature.name}`;
}

export function importedVariants(type: FeatureRow['type'], state: FlagsmithFeatureState): StoredVariant[] {
  return (state.multivariate_feature_state_values ?? [])
    .map((mv, index) => {
      const { id: optionId, key } = mv.multivariate_feature_option;
      return {
        key:
          key ?? (optionId !== undefined && optionId !== null ? `option-${optionId}` : `option-${index + 1}`),
        value: importedValue(type, mv.multivariate_feature_option.value),
        weight: mv.percentage_allocation,
        priority: variantPriority(mv.id, mv.mv_fs_value_uuid, index),
      };
    })
    .sort((a, b) => a.priority - b.priority);
}

/**
 * Flagsmith orders variants by the value's id, or by its uuid read as a 128-bit integer.
 * Uuid-ordered values keep their relative order here through their leading 48 bits.
 */
function variantPriority(
  id: number | null | undefined,
  uuid: string | null | undefined,
  index: number,
): number {
  if (id !== undefined && id !== null) return id;
  if (uuid) return Number.parseInt(uuid.replace(/-/g, '').slice(0, 12), 16);
  return index;
}

export interface ImportedRule {
  type: string;
  conditions: { property: string; operator: string; value: string | null }[];
  rules: ImportedRule[];
}

export function importedRule(rule: FlagsmithRule): ImportedRule {
  return {
    type: rule.type,
    conditions: (rule.conditions ?? []).map((c) => ({
      property: c.property_ ?? '',
      operator: c.operator,
      value: c.value ?? null,
    })),
    rules: (rule.rules ?? []).map(importedRule),
  };
}
