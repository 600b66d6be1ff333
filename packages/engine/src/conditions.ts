/**
 * One segment condition as a predicate over the identity in scope. A condition whose property
 * does not depend on the identity (e.g. `$.environment.name`) is decided at compile time and
 * becomes a plain boolean that rules fold away.
 * @module
 */

import { joinTest, type SplitTest } from './comparisons.js';
import type { EnvironmentEvaluationContext, SegmentCondition } from './context.js';
import { pairPercentage } from './hash.js';
import { compileSplitOperator } from './operators.js';
import { HashSeed, seededPercentage } from './pair-hash.js';
import { compileProperty, type Property, type Scope } from './properties.js';
import { parsePyFloat, pyStr } from './py-values.js';
import { SEMVER_SUFFIX } from './semver.js';

/** A test of the identity in scope. */
export type Predicate = (scope: Scope) => boolean;

/** A predicate, or its result when it is the same for every identity. */
export type Compiled = Predicate | boolean;

function percentageSplit(condition: SegmentCondition, property: Property, segmentKey: string): Compiled {
  const threshold = parsePyFloat(condition.value);
  if (threshold === undefined) return false;
  // Without a property the split is on the identity key; a property that is not set never
  // falls into the split (it does not fall back to the identity key).
  if (!condition.property) {
    const seed = new HashSeed(segmentKey);
    return (scope) => scope.key !== undefined && seededPercentage(seed, scope.hashKey) <= threshold;
  }
  if (property.constant) {
    return property.value !== undefined && pairPercentage(segmentKey, pyStr(property.value)) <= threshold;
  }
  const get = property.get;
  return (scope) => {
    const value = get(scope);
    return value !== undefined && pairPercentage(segmentKey, pyStr(value)) <= threshold;
  };
}

/**
 * How expensive a condition is to test, for ordering the conditions of one rule: cheapest
 * first, so ALL and ANY decide early and skip the costly ones (an MD5 per percentage split, a
 * regex run, a version parse). Conditions are pure, so the order never changes the outcome.
 * @example
 * conditionCost({ property: '', operator: 'PERCENTAGE_SPLIT', value: '50' }); // 3
 */
export function conditionCost(condition: SegmentCondition): number {
  if (typeof condition !== 'object' || condition === null) return 0;
  const operator = condition.operator;
  if (operator === 'PERCENTAGE_SPLIT') return 3;
  if (operator === 'REGEX') return 2;
  if (typeof condition.value === 'string' && condition.value.endsWith(SEMVER_SUFFIX)) return 2;
  if (operator === 'CONTAINS' || operator === 'NOT_CONTAINS' || operator === 'MODULO') return 1;
  return 0;
}

/**
 * A condition on a plain trait, the common case: the trait's slot, the value's type and the
 * usual string tests are checked here, saving up to three calls per condition (the slot read,
 * the type dispatch and the string test, none of which V8 inlines at these megamorphic sites).
 */
function traitCondition(slot: number, { onString, onOther, inline }: SplitTest): Predicate {
  switch (inline?.kind) {
    case 'equal':
    case 'not-equal': {
      const text = inline.text;
      const negate = inline.kind === 'not-equal';
      return (scope) => {
        if (scope.traitStamps[slot] !== scope.evaluation) return false;
        const value = scope.traitValues[slot];
        if (typeof value === 'string') return (value === text) !== negate;
        return value !== undefined && onOther(value);
      };
    }
    case 'in': {
      const accepted = inline.accepted;
      return (scope) => {
        if (scope.traitStamps[slot] !== scope.evaluation) return false;
        const value = scope.traitValues[slot];
        if (typeof value === 'string') return accepted.has(value);
        return value !== undefined && onOther(value);
      };
    }
  }
  return (scope) => {
    if (scope.traitStamps[slot] !== scope.evaluation) return false;
    const value = scope.traitValues[slot];
    if (typeof value === 'string') return onString(value);
    return value !== undefined && onOther(value);
  };
}

/**
 * Compiles `condition` of the segment keyed `segmentKey` for environments like `context`.
 * @example
 * compileCondition({ property: 'age', operator: 'LESS_THAN', value: '40' }, '7', context);
 */
export function compileCondition(
  condition: SegmentCondition,
  segmentKey: string,
  context: EnvironmentEvaluationContext,
): Compiled {
  if (typeof condition !== 'object' || condition === null) return false;
  const property = compileProperty(condition.property, context);
  const operator = condition.operator;
  if (operator === 'PERCENTAGE_SPLIT') return percentageSplit(condition, property, segmentKey);
  if (operator === 'IS_SET' || operator === 'IS_NOT_SET') {
    const wantSet = operator === 'IS_SET';
    if (property.constant) return (property.value !== undefined) === wantSet;
    if (property.trait !== undefined) {
      const slot = property.trait.slot;
      return (scope) =>
        (scope.traitStamps[slot] === scope.evaluation && scope.traitValues[slot] !== undefined) === wantSet;
    }
    const get = property.get;
    return (scope) => (get(scope) !== undefined) === wantSet;
  }
  const split = compileSplitOperator(operator, condition.value);
  if (!property.constant && property.trait !== undefined) return traitCondition(property.trait.slot, split);
  const test = joinTest(split);
  if (property.constant) return property.value !== undefined && test(property.value);
  const get = property.get;
  return (scope) => {
    const value = get(scope);
    return value !== undefined && test(value);
  };
}
