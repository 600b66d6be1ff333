/**
 * Compiles the value test of a condition operator. IS_SET, IS_NOT_SET and PERCENTAGE_SPLIT
 * look at more than the value and live in `conditions.ts`. Nothing here throws: a malformed
 * condition value compiles to a test that is always false.
 * @module
 */

import { type ComparisonOperator, compileComparison, type SplitTest } from './comparisons.js';
import { inListValues } from './in-list.js';
import { IntegralFloat, parsePyFloat, pyStr } from './py-values.js';
import { compilePythonRegex } from './python-regex.js';

const FALSE = () => false;
const NEVER: SplitTest = { onString: FALSE, onOther: FALSE };

function inTest(conditionValue: unknown): SplitTest {
  const accepted = new Set(inListValues(conditionValue));
  return {
    onString: (value) => accepted.has(value),
    inline: { kind: 'in', accepted },
    // Python compares str() of ints only; floats, booleans and None never equal a string.
    onOther: (value) => typeof value === 'number' && Number.isInteger(value) && accepted.has(pyStr(value)),
  };
}

function regexTest(conditionValue: unknown): SplitTest {
  const matches = compilePythonRegex(pyStr(conditionValue));
  return matches ? { onString: matches, onOther: (value) => matches(pyStr(value)) } : NEVER;
}

/** Python's float `%`: the result takes the divisor's sign. */
function pyModulo(value: number, divisor: number): number {
  const rest = value % divisor;
  return rest !== 0 && divisor < 0 !== rest < 0 ? rest + divisor : rest;
}

function moduloTest(conditionValue: unknown): SplitTest {
  if (typeof conditionValue !== 'string' || conditionValue === '') return NEVER;
  const parts = conditionValue.split('|');
  if (parts.length !== 2) return NEVER;
  const divisor = parsePyFloat(parts[0]);
  const remainder = parsePyFloat(parts[1]);
  // A zero divisor raises ZeroDivisionError in Python; here the condition is just false.
  if (divisor === undefined || remainder === undefined || divisor === 0) return NEVER;
  return {
    onString: FALSE,
    onOther: (value) => {
      // bool is an int in Python, so it takes part in MODULO.
      const number =
        typeof value === 'number' || typeof value === 'boolean'
          ? Number(value)
          : value instanceof IntegralFloat
            ? value.value
            : undefined;
      return number !== undefined && pyModulo(number, divisor) === remainder;
    },
  };
}

function notContainsTest(conditionValue: unknown): SplitTest {
  const text = pyStr(conditionValue);
  return { onString: (value) => !value.includes(text), onOther: FALSE };
}

/**
 * The test a condition applies to a context value that is set, split by the value's type (see
 * SplitTest); `joinTest` makes one function of it.
 * @example
 * compileSplitOperator('IN', 'free,pro').onString('pro'); // true
 */
export function compileSplitOperator(operator: unknown, conditionValue: unknown): SplitTest {
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
