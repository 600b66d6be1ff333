/**
 * Segment rule trees as closures. A rule quantifies its conditions by its type, and then its
 * sub-rules by the same type; both must hold, and an empty list holds. A segment matches
 * when it has rules and all of them hold. Constant parts fold at compile time.
 * @module
 */

import { type Compiled, compileCondition, conditionCost, type Predicate } from './conditions.js';
import type { EnvironmentEvaluationContext, SegmentContext, SegmentRule } from './context.js';

// allOf and anyOf write out their closures for up to three items (most rules have two to five):
// no loop or array read around each call on the path every identity takes.

function allOf(items: readonly Compiled[]): Compiled {
  const open: Predicate[] = [];
  for (const item of items) {
    if (item === false) return false;
    if (item !== true) open.push(item);
  }
  if (open.length === 0) return true;
  if (open.length === 1) return open[0];
  if (open.length === 2) {
    const [first, second] = open;
    return (scope) => first(scope) && second(scope);
  }
  if (open.length === 3) {
    const [first, second, third] = open;
    return (scope) => first(scope) && second(scope) && third(scope);
  }
  return (scope) => {
    for (let i = 0; i < open.length; i++) if (!open[i](scope)) return false;
    return true;
  };
}

function anyOf(items: readonly Compiled[]): Compiled {
  const open: Predicate[] = [];
  for (const item of items) {
    if (item === true) return true;
    if (item !== false) open.push(item);
  }
  if (open.length === 0) return false;
  if (open.length === 1) return open[0];
  if (open.length === 2) {
    const [first, second] = open;
    return (scope) => first(scope) || second(scope);
  }
  if (open.length === 3) {
    const [first, second, third] = open;
    return (scope) => first(scope) || second(scope) || third(scope);
  }
  return (scope) => {
    for (let i = 0; i < open.length; i++) if (open[i](scope)) return true;
    return false;
  };
}

function quantify(type: unknown, items: readonly Compiled[]): Compiled {
  if (items.length === 0) return true;
  switch (type) {
    case 'ALL':
      return allOf(items);
    case 'ANY':
      return anyOf(items);
    case 'NONE': {
      const some = anyOf(items);
      return typeof some === 'boolean' ? !some : (scope) => !some(scope);
    }
    default:
      return false;
  }
}

function list<T>(value: T[] | undefined): T[] {
  return Array.isArray(value) ? value : [];
}

/** A rule's cost: its conditions' and sub-rules' (see conditionCost), an upper bound. */
function ruleCost(rule: SegmentRule): number {
  if (typeof rule !== 'object' || rule === null) return 0;
  let cost = 0;
  for (const condition of list(rule.conditions)) cost += conditionCost(condition);
  for (const subRule of list(rule.rules)) cost += ruleCost(subRule);
  return cost;
}

/**
 * `items` cheapest first, equals in source order. Conditions and rules are pure, so ALL and
 * ANY give the same outcome in any order; testing cheap ones first lets them decide before an
 * MD5 (percentage split), a regex run or a version parse is needed.
 */
function cheapestFirst<T>(items: readonly T[], cost: (item: T) => number): T[] {
  return items
    .map((item, order) => ({ item, order, cost: cost(item) }))
    .sort((a, b) => a.cost - b.cost || a.order - b.order)
    .map(({ item }) => item);
}

/**
 * Compiles one rule of the segment keyed `segmentKey`.
 * @example
 * compileRule({ type: 'ANY', conditions: [...] }, '7', context); // (scope) => boolean, or a boolean
 */
export function compileRule(
  rule: SegmentRule,
  segmentKey: string,
  context: EnvironmentEvaluationContext,
): Compiled {
  if (typeof rule !== 'object' || rule === null) return false;
  const conditions = cheapestFirst(list(rule.conditions), conditionCost).map((condition) =>
    compileCondition(condition, segmentKey, context),
  );
  const subRules = cheapestFirst(list(rule.rules), ruleCost).map((subRule) =>
    compileRule(subRule, segmentKey, context),
  );
  return allOf([quantify(rule.type, conditions), quantify(rule.type, subRules)]);
}

/** Compiles whether an identity belongs to `segment`; a segment without rules never matches. */
export function compileSegmentMatch(
  segment: SegmentContext,
  segmentKey: string,
  context: EnvironmentEvaluationContext,
): Compiled {
  const rules = list(segment.rules);
  if (rules.length === 0) return false;
  return allOf(cheapestFirst(rules, ruleCost).map((rule) => compileRule(rule, segmentKey, context)));
}
