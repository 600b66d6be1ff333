/**
 * EQUAL, NOT_EQUAL, the four orderings and CONTAINS, as the reference engine runs them: the
 * condition value is cast to the context value's type (`int()`, `float()`, a boolean that is
 * false only for "False"/"false", or a semantic version for `:semver` values against strings),
 * and a failed cast makes the condition false, even for NOT_EQUAL. Casts happen once, here.
 *
 * One deliberate difference: JSON numbers reach us without their int/float distinction, so an
 * integral number accepts a decimal condition value (`2 < "2.5"`), where Python's `int("2.5")`
 * would fail for an int (but not for the float `2.0` the conformance cases use).
 * @module
 */

import {
  type ContextValue,
  compareCodePoints,
  IntegralFloat,
  parsePyFloat,
  parsePyInt,
  pyStr,
} from './py-values.js';
import { parseSemver, SEMVER_SUFFIX, semverComparer } from './semver.js';

/** The operators this module compiles. */
export type ComparisonOperator =
  | 'EQUAL'
  | 'NOT_EQUAL'
  | 'GREATER_THAN'
  | 'GREATER_THAN_INCLUSIVE'
  | 'LESS_THAN'
  | 'LESS_THAN_INCLUSIVE'
  | 'CONTAINS';

/** A compiled test of one (non-None) context value. */
export type ValueTest = (value: ContextValue) => boolean;

/**
 * A value test split by the value's type: conditions check for a string themselves and call
 * one part, a call fewer per condition than through a ValueTest (most traits are strings).
 */
export interface SplitTest {
  readonly onString: (value: string) => boolean;
  /** For the values that are not strings. */
  readonly onOther: ValueTest;
  /** What `onString` does, when simple enough for a condition to do it without the call. */
  readonly inline?: InlineStringTest;
}

/** The string tests most conditions apply (EQUAL, NOT_EQUAL, IN), as data. */
export type InlineStringTest =
  | { readonly kind: 'equal' | 'not-equal'; readonly text: string }
  | { readonly kind: 'in'; readonly accepted: ReadonlySet<string> };

/** One ValueTest from its parts. */
export function joinTest({ onString, onOther }: SplitTest): ValueTest {
  return (value) => (typeof value === 'string' ? onString(value) : onOther(value));
}

function holds(operator: ComparisonOperator, a: number, b: number): boolean {
  switch (operator) {
    case 'EQUAL':
      return a === b;
    case 'NOT_EQUAL':
      return a !== b;
    case 'GREATER_THAN':
      return a > b;
    case 'GREATER_THAN_INCLUSIVE':
      return a >= b;
    case 'LESS_THAN':
      return a < b;
    case 'LESS_THAN_INCLUSIVE':
      return a <= b;
    default:
      return false; // CONTAINS on numbers, booleans and versions is a TypeError in Python
  }
}

function semverTest(operator: ComparisonOperator, conditionValue: string): (value: string) => boolean {
  const version = parseSemver(conditionValue.slice(0, -SEMVER_SUFFIX.length));
  if (!version || operator === 'CONTAINS') return () => false;
  const compare = semverComparer(version);
  return (value) => {
    const order = compare(value);
    return order !== undefined && holds(operator, order, 0);
  };
}

function stringTest(operator: ComparisonOperator, text: string): (value: string) => boolean {
  switch (operator) {
    case 'EQUAL':
      return (value) => value === text;
    case 'NOT_EQUAL':
      return (value) => value !== text;
    case 'CONTAINS':
      return (value) => value.includes(text);
    default:
      return (value) => holds(operator, compareCodePoints(value, text), 0);
  }
}

function numericTest(operator: ComparisonOperator, conditionValue: unknown): ValueTest {
  const asFloat = parsePyFloat(conditionValue);
  // A JS number cannot tell 2 from 2.0, and Python casts for 2.0 with float(): an integral
  // number tries int() first, then float(), so `2.0 < "2.1"` holds as in the reference.
  const asInt = parsePyInt(conditionValue) ?? asFloat;
  // Python's bool cast: `value not in ("False", "false")`; booleans then order as 0 and 1.
  const asBool = conditionValue !== 'False' && conditionValue !== 'false' ? 1 : 0;
  return (value) => {
    if (typeof value === 'boolean') return holds(operator, value ? 1 : 0, asBool);
    if (typeof value === 'number') {
      const cast = Number.isInteger(value) ? asInt : asFloat;
      return cast !== undefined && holds(operator, value, cast);
    }
    if (value instanceof IntegralFloat) return asFloat !== undefined && holds(operator, value.value, asFloat);
    return false;
  };
}

/**
 * Compiles a typed comparison against `conditionValue`.
 * @example
 * compileComparison('GREATER_THAN', '21').onOther(30); // true
 * compileComparison('LESS_THAN', '1.2.0:semver').onString('1.0.9'); // true
 */
export function compileComparison(operator: ComparisonOperator, conditionValue: unknown): SplitTest {
  const onOther = numericTest(operator, conditionValue);
  // `:semver` only changes how strings compare: other types still cast the whole text.
  if (typeof conditionValue === 'string' && conditionValue.endsWith(SEMVER_SUFFIX)) {
    return { onString: semverTest(operator, conditionValue), onOther };
  }
  const text = pyStr(conditionValue);
  const onString = stringTest(operator, text);
  if (operator === 'EQUAL') return { onString, onOther, inline: { kind: 'equal', text } };
  if (operator === 'NOT_EQUAL') return { onString, onOther, inline: { kind: 'not-equal', text } };
  return { onString, onOther };
}
