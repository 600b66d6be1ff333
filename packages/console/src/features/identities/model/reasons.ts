import type { EvaluatedFlag } from '../../../lib/api-types.js';
import { valueSummary } from '../../../lib/values.js';

/**
 * "Why does this user get this?" in words, from what the server says decided the flag
 * (`decided_by`) and the engine's own reason string, which is shown beside it unchanged.
 * @example
 * explain({ decided_by: 'segment', segment: { id: 's1', name: 'beta' }, ... }); // 'In segment "beta", whose override applies'
 */
export function explain(flag: EvaluatedFlag): string {
  switch (flag.decided_by) {
    case 'identity_override':
      return 'This identity has its own override';
    case 'segment':
      return flag.segment
        ? `In segment "${flag.segment.name}", whose override applies`
        : 'A segment override applies';
    case 'rollout':
      return flag.segment
        ? `In the rolled-out share of segment "${flag.segment.name}"`
        : 'In the rolled-out share of the environment';
    case 'split':
      return `Variant "${flag.variant ?? 'control'}" picked by weight for this identity`;
    case 'environment':
      return flag.enabled ? "The environment's state (no override applies)" : 'Off in this environment';
  }
}

/**
 * What an application reading the flag gets, as the SDKs type it: a boolean flag is its
 * enabled state; any other flag that is off gives the application's own default.
 */
export function servedValue(flag: EvaluatedFlag): string {
  if (flag.type === 'boolean') return flag.enabled ? 'true' : 'false';
  if (!flag.enabled) return 'off: the default in code';
  return valueSummary(flag.value);
}
