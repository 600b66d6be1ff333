import { evaluate } from '@pennon/engine';
import type { SegmentRuleInput } from '../../../lib/api-types.js';

export type TraitValue = string | number | boolean;

/**
 * Whether a sample user is in the segment, decided by the same engine the server runs, in the
 * browser: nothing is sent or stored. `hashKey` is the segment's own, so percentage splits
 * agree with production; `environmentKey` is the client key, which the server's engine uses as
 * the environment key (identity key `<client key>_<identifier>`).
 * @example
 * trySegment({ name: 'beta', hashKey: 'h', rules }, { environmentKey: 'production', identifier: 'ada', traits: { plan: 'beta' } });
 */
export function trySegment(
  segment: { name: string; hashKey: string; rules: readonly SegmentRuleInput[] },
  user: { environmentKey: string; identifier: string; traits: Record<string, TraitValue> },
): boolean {
  const result = evaluate({
    environment: { key: user.environmentKey, name: user.environmentKey },
    identity: { identifier: user.identifier, traits: user.traits },
    segments: {
      [segment.hashKey]: { key: segment.hashKey, name: segment.name, rules: segment.rules as never },
    },
  } as Parameters<typeof evaluate>[0]);
  return result.segments.some((s) => s.name === segment.name);
}

/**
 * Traits typed as `key = value` lines; values read as JSON when they are numbers or booleans
 * (as SDKs send them), else as text. Returns the problems instead for malformed lines.
 */
export function parseTraits(text: string): { traits: Record<string, TraitValue> } | { problems: string[] } {
  const traits: Record<string, TraitValue> = {};
  const problems: string[] = [];
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    const at = line.indexOf('=');
    const key = at < 0 ? '' : line.slice(0, at).trim();
    if (key === '') {
      problems.push(`Line ${index + 1}: write key = value.`);
      return;
    }
    const raw = line.slice(at + 1).trim();
    traits[key] = /^(true|false|-?\d+(\.\d+)?([eE][+-]?\d+)?)$/.test(raw)
      ? (JSON.parse(raw) as TraitValue)
      : raw;
  });
  return problems.length > 0 ? { problems } : { traits };
}
