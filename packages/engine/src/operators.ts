/**
 * Compiles the value test of a condition operator. IS_SET, IS_NOT_SET and PERCENTAGE_SPLIT
 * look at more than the value and live in `conditions.ts`. Nothing here throws: a malformed
 * condition value compiles to a test that is always false.
 * @module
 */

import { type ComparisonOperator, compileComparison, type ValueTest } from './comparisons.js';
import { inListValues } from './in-list.js';
import { IntegralFloat, parsePyFloat, pyStr } from './py-values.js';
import { compilePythonRegex } from './python-regex.js';

export type { ValueTest };

const NEVER: ValueTest = () => false;

function inTest(conditionValue: unknown): ValueTest {
  const accepted = new Set(inListValues(conditionValue));
  // Python compares str() of ints only; floats, booleans and None never equal a string.
  return (value) =>
    typeof value === 'string'
      ? accepted.has(value)
      : typeof value === 'number' && Number.isInteger(value) && accepted.has(pyStr(value));
}

function regexTest(conditionValue: unknown): ValueTest {
  const matches = compilePythonRegex(pyStr(conditionValue));
  return matches ? (value) => matches(pyStr(value)) : NEVER;
}

/** Python's float `%`: the result takes the divisor's sign. */
function pyModulo(value: number, divisor: number): number {
  const rest = value % divisor;
  return rest !== 0 && divisor < 0 !== rest < 0 ? rest + divisor : rest;
}

function moduloTest(conditionValue: unknown): ValueTest {
  if (typeof conditionValue !== 'string' || conditionValue === '') return NEVER;
  const parts = conditionValue.split('|');
  if (parts.length !== 2) return NEVER;
  const divisor = parsePyFloat(parts[0]);
  const remainder = parsePyFloat(parts[1]);
  // A zero divisor raises ZeroDivisionError in Python; here the condition is just false.
  if (divisor === undefined || remainder === undefined || divisor === 0) return NEVER;
  return (value) => {
    // bool is an int in Python, so it takes part in MODULO.
    const number =
      typeof value === 'number' || typeof value === 'boolean'
        ? Number(value)
        : value instanceof IntegralFloat
          ? value.value
          : undefined;
    return number !== undefined && pyModulo(number, divisor) === remainder;
  };
}

function notContainsTest(conditionValue: unknown): ValueTest {
  const text = pyStr(conditionValue);
  return (value) => typeof value === 'string' && !value.includes(text);
}

/**
 * The test a condition applies to a context value that is set.
 * @example
 * compileOperator('IN', 'free,pro')('pro'); // true
 * compileOperator('MODULO', '2|0')(4); // true
 */
export function compileOperator(operator: unknown, conditionValue: unknown): ValueTest {
  switch (operator) {
    case 'EQUAL':
    case 'NOT_EQUAL':
    case 'GREATER_THAN':
    case 'GREATER_THAN_INCLUSIVE':
    case 'LESS_THAN':
    case 'LESS_THAN_INCLUSIVE':
    case 'CONTAINS':
      return compileComparison(operator as ComparisonOperator, conditionValue);
    case 'NOT_CONTAINS':
      return notContainsTest(conditionValue);
    case 'IN':
      return inTest(conditionValue);
    case 'REGEX':
      return regexTest(conditionValue);
    case 'MODULO':
      return moduloTest(conditionValue);
    default:
      return NEVER;
  }
}
