import type { FeatureStateRow } from '../storage/tables.js';
import { checkValue, type FeatureType, parseValue, serialiseValue } from './feature-values.js';
import { assignVariants, parseVariants, toApiVariants, type Variant } from './variants.js';

/** What an admin may set on anything that decides a flag: a feature state or a segment override. */
export interface StateInput {
  enabled?: boolean;
  value?: unknown;
  variants?: Variant[];
  /** Null takes the rollout away: the state applies to everyone again. */
  rollout_percentage?: number | null;
}

type StateColumns = Pick<
  FeatureStateRow,
  'enabled' | 'value' | 'variants' | 'next_variant_priority' | 'rollout_percentage'
>;

/**
 * Validates an edit against the feature's type and turns it into column changes; absent fields
 * stay unchanged. `stored` holds the current variants and priority counter, so variant
 * priorities survive edits and are never reused.
 */
export function stateChanges(
  type: FeatureType,
  stored: Pick<StateColumns, 'variants' | 'next_variant_priority'>,
  input: StateInput,
): Partial<StateColumns> {
  const changes: Partial<StateColumns> = {};
  if (input.enabled !== undefined) changes.enabled = input.enabled ? 1 : 0;
  if (input.value !== undefined) {
    checkValue(type, input.value, 'value');
    changes.value = serialiseValue(input.value);
  }
  if (input.variants !== undefined) {
    const assigned = assignVariants(
      type,
      parseVariants(stored.variants),
      input.variants,
      stored.next_variant_priority,
    );
    changes.variants = JSON.stringify(assigned.variants);
    changes.next_variant_priority = assigned.nextPriority;
  }
  if (input.rollout_percentage !== undefined) changes.rollout_percentage = input.rollout_percentage;
  return changes;
}

/** The API view of the stored columns. */
export function stateFields(
  row: Pick<StateColumns, 'enabled' | 'value' | 'variants' | 'rollout_percentage'>,
): {
  enabled: boolean;
  value: unknown;
  variants: Variant[];
  rollout_percentage: number | null;
} {
  return {
    enabled: row.enabled === 1,
    value: parseValue(row.value),
    variants: toApiVariants(parseVariants(row.variants)),
    rollout_percentage: row.rollout_percentage,
  };
}
