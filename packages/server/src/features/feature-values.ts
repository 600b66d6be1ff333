import { invalid } from '../errors.js';
import type { FeatureRow } from '../storage/tables.js';

export type FeatureType = FeatureRow['type'];
export const FEATURE_TYPES = [
  'boolean',
  'string',
  'number',
  'json',
] as const satisfies readonly FeatureType[];

/** Largest value a feature, state, override or variant may carry, as serialised JSON. */
export const MAX_VALUE_BYTES = 64 * 1024;

/**
 * Throws unless `value` may be stored for a feature of `type`. Null always may: it means "no
 * value". A boolean feature carries nothing else, because its value is its enabled state
 * (DESIGN.md §2). `where` names the field in the message, e.g. `variants[2].value`.
 */
export function checkValue(type: FeatureType, value: unknown, where: string): void {
  if (value !== null && !matchesType(type, value)) {
    const expected =
      type === 'boolean'
        ? 'null: a boolean feature has no value, its value is its enabled state'
        : type === 'number'
          ? 'a finite number or null'
          : type === 'string'
            ? 'a string or null'
            : 'a JSON value';
    throw invalid('invalid_value', `${where} must be ${expected}.`, { field: where, feature_type: type });
  }
  if (value !== null && Buffer.byteLength(JSON.stringify(value)) > MAX_VALUE_BYTES) {
    throw invalid('value_too_large', `${where} is larger than ${MAX_VALUE_BYTES} bytes as JSON.`, {
      field: where,
    });
  }
}

function matchesType(type: FeatureType, value: unknown): boolean {
  switch (type) {
    case 'boolean':
      return false;
    case 'string':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'json':
      return true;
  }
}

/** Values live in text columns as JSON; SQL NULL stands for "no value". */
export function serialiseValue(value: unknown): string | null {
  return value === null || value === undefined ? null : JSON.stringify(value);
}

export function parseValue(text: string | null): unknown {
  return text === null ? null : JSON.parse(text);
}
