/**
 * Identity overrides reach the engine as segments that match on the identifier alone
 * (`$.identity.identifier` IN "a,b,..." — Flagsmith maps them so). Checking hundreds of them
 * one by one for every identity is wasted work: such segments are indexed by identifier and
 * found with one map lookup. Only rule trees whose outcome provably depends on the identifier
 * string alone are indexed (ALL/ANY over IN and EQUAL on the identifier, nested in any way);
 * everything else is matched generically.
 * @module
 */

import type { SegmentCondition, SegmentContext, SegmentRule } from './context.js';
import { inListValues } from './in-list.js';
import { SEMVER_SUFFIX } from './semver.js';

const IDENTIFIER = '$.identity.identifier';

/** The identifiers something accepts; `ALL` when it accepts every identifier (an empty list). */
type Accepted = ReadonlySet<string> | typeof ALL;
const ALL = Symbol('every identifier');

function conditionIdentifiers(condition: SegmentCondition): Accepted | undefined {
  if (typeof condition !== 'object' || condition === null || condition.property !== IDENTIFIER)
    return undefined;
  if (condition.operator === 'IN') return new Set(inListValues(condition.value));
  const value = condition.value;
  // For a string identifier EQUAL is plain string equality, unless the value asks for semver.
  if (condition.operator === 'EQUAL' && typeof value === 'string' && !value.endsWith(SEMVER_SUFFIX)) {
    return new Set([value]);
  }
  return undefined;
}

function intersect(a: Accepted, b: Accepted): Accepted {
  if (a === ALL) return b;
  if (b === ALL) return a;
  return new Set([...a].filter((identifier) => b.has(identifier)));
}

function union(a: Accepted, b: Accepted): Accepted {
  return a === ALL || b === ALL ? ALL : new Set([...a, ...b]);
}

function quantified(type: unknown, items: (Accepted | undefined)[]): Accepted | undefined {
  if (items.length === 0) return ALL;
  if (type !== 'ALL' && type !== 'ANY') return undefined; // NONE accepts an unbounded complement
  let accepted: Accepted = type === 'ALL' ? ALL : new Set();
  for (const item of items) {
    if (item === undefined) return undefined;
    accepted = type === 'ALL' ? intersect(accepted, item) : union(accepted, item);
  }
  return accepted;
}

function ruleIdentifiers(rule: SegmentRule): Accepted | undefined {
  if (typeof rule !== 'object' || rule === null) return undefined;
  const conditions = Array.isArray(rule.conditions) ? rule.conditions : [];
  const subRules = Array.isArray(rule.rules) ? rule.rules : [];
  const byConditions = quantified(rule.type, conditions.map(conditionIdentifiers));
  const bySubRules = quantified(rule.type, subRules.map(ruleIdentifiers));
  return byConditions && bySubRules && intersect(byConditions, bySubRules);
}

/**
 * The identifiers whose identities, and only whose, belong to `segment` when the identifier is
 * a string; undefined when membership may depend on anything else.
 * @example
 * segmentIdentifiers({ key: 'o', name: 'identity_overrides', rules: [{ type: 'ALL', conditions: [
 *   { property: '$.identity.identifier', operator: 'IN', value: 'ann,bob' }] }] }); // Set { 'ann', 'bob' }
 */
export function segmentIdentifiers(segment: SegmentContext): ReadonlySet<string> | undefined {
  const rules = Array.isArray(segment.rules) ? segment.rules : [];
  if (rules.length === 0) return undefined;
  const accepted = quantified('ALL', rules.map(ruleIdentifiers));
  return accepted === ALL ? undefined : accepted;
}
