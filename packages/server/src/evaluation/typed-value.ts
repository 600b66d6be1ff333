import type { EvaluatedFlag } from './evaluation.service.js';

export interface TypedFlag {
  key: string;
  type: string;
  enabled: boolean;
  /** Absent when the caller's default applies (a disabled non-boolean flag). */
  value?: unknown;
  reason: string;
  variant: string | null;
}

/**
 * The typed view of a flag (DESIGN.md §2): a boolean feature's value is its enabled state;
 * any other disabled feature has no value, so the caller's default applies, reason DISABLED.
 */
export function typedFlag({ feature, result }: EvaluatedFlag): TypedFlag {
  if (feature.type === 'boolean') {
    return {
      key: feature.key,
      type: feature.type,
      enabled: result.enabled,
      value: result.enabled,
      reason: result.reason,
      variant: result.variant ?? null,
    };
  }
  if (!result.enabled) {
    return { key: feature.key, type: feature.type, enabled: false, reason: 'DISABLED', variant: null };
  }
  return {
    key: feature.key,
    type: feature.type,
    enabled: true,
    value: result.value,
    reason: result.reason,
    variant: result.variant ?? null,
  };
}
