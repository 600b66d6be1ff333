import { evaluate } from '@pennon/engine';
import type { SegmentRuleInput } from '../../../lib/api-types.js';
import { parseTrait, type TraitValue } from '../../../lib/traits.js';

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
 * Traits typed as `key = value` lines, each value read as the identity editor reads it
 * (lib/traits.ts `parseTrait`): booleans and numbers as SDKs send them, quoted or other text
 * as strings. Returns the problems instead for malformed lines.
 */
export function parseTraits(text: string): { traits: Record<string, TraitValue> } | { problems: string[] } {
  const traits: Record<string, TraitValue> = {};
  const problems: string[] = [];
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    const at = line.indexOf('=');
    if (at < 0 || line.slice(0, at).trim() === '') {
      problems.push(`Line ${index + 1}: write key = value.`);
      return;
    }
    const parsed = parseTrait(line.slice(0, at), line.slice(at + 1));
    if (parsed.ok) traits[parsed.key] = parsed.value;
    else problems.push(`Line ${index + 1}: ${parsed.message}`);
  });
  return problems.length > 0 ? { problems } : { traits };
}
