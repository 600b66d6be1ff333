import type { FlagResult } from '@pennon/engine';
import type { Flag } from '@pennon/sdk-core';

/**
 * The typed flag of an engine result, exactly as the server's native API writes it (DESIGN.md
 * §2): a boolean feature's value is its enabled state; any other disabled feature has no value,
 * so the caller's default applies, reason DISABLED.
 * @example
 * localFlag('banner', 'string', compiled.evaluate(identity).flags.banner);
 */
export function localFlag(key: string, type: string, result: FlagResult): Flag {
  if (type === 'boolean') {
    return {
      key,
      type,
      enabled: result.enabled,
      value: result.enabled,
      reason: result.reason,
      variant: result.variant ?? null,
    };
  }
  if (!result.enabled) return { key, type, enabled: false, reason: 'DISABLED', variant: null };
  return {
    key,
    type,
    enabled: true,
    value: result.value,
    reason: result.reason,
    variant: result.variant ?? null,
  };
}
