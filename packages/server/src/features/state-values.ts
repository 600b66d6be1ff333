import type { FeatureStateRow } from '../storage/tables.js';
import { checkValue, type FeatureType, parseValue, serialiseValue } from './feature-values.js';
import { assignVariants, parseVariants, toApiVariants, type Variant } from './variants.js';

/** What an admin may set on anything that decides a flag: a feature state or a segment override. */
export interface StateInput {
  enabled?: boolean;
  value?: unknown;
  variants?: Variant[];
}

type StateColumns = Pick<FeatureStateRow, 'enabled' | 'value' | 'variants'>;

/**
 * Validates an edit against the feature's type and turns it into column changes; absent fields
 * stay unchanged. `storedVariants` is the current column, so variant priorities survive edits.
 */
export function stateChanges(
  type: FeatureType,
  storedVariants: string,
  input: StateInput,
): Partial<StateColumns> {
  const changes: Partial<StateColumns> = {};
  if (input.enabled !== undefined) changes.enabled = input.enabled ? 1 : 0;
  if (input.value !== undefined) {
    checkValue(type, input.value, 'value');
    changes.value = serialiseValue(input.value);
  }
  if (input.variants !== undefined) {
    changes.variants = JSON.stringify(assignVariants(type, parseVariants(storedVariants), input.variants));
  }
  return changes;
}

/** The API view of the stored columns. */
export function stateFields(row: StateColumns): { enabled: boolean; value: unknown; variants: Variant[] } {
  return {
    enabled: row.enabled === 1,
    value: parseValue(row.value),
    variants: toApiVariants(parseVariants(row.variants)),
  };
}
