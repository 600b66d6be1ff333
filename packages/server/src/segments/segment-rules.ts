import { pythonRegexProgramSize } from '@pennon/engine';
import { invalid } from '../errors.js';
import {
  type Condition,
  MAX_CONDITION_VALUE_LENGTH,
  MAX_CONDITIONS,
  MAX_RULE_DEPTH,
  type Rule,
  type RuleInput,
} from './segment-rules.schema.js';

type ConditionInput = NonNullable<RuleInput['conditions']>[number];

/** A finite decimal number as the reference engine reads it with Python's `float()` (no inf or nan). */
const DECIMAL = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/;

/**
 * Checks what can be checked before any trait arrives, and returns the rules in the shape the
 * engine reads (every list present, a missing value as null). Schema validation has already
 * bounded sizes per level; this adds the limits across levels and the per-operator rules, and
 * names the offending condition, e.g. `rules[0].rules[1].conditions[2]`.
 */
export function normaliseRules(input: readonly RuleInput[]): Rule[] {
  let conditionCount = 0;
  const walk = (rules: readonly RuleInput[], depth: number, path: string): Rule[] =>
    rules.map((rule, index) => {
      const at = `${path}[${index}]`;
      const nested = rule.rules ?? [];
      if (depth === MAX_RULE_DEPTH && nested.length > 0) {
        throw invalid('rules_too_deep', `${at}.rules: rules may be nested at most ${MAX_RULE_DEPTH} deep.`, {
          rule: at,
        });
      }
      const conditions = (rule.conditions ?? []).map((condition, i) =>
        normaliseCondition(condition, `${at}.conditions[${i}]`),
      );
      conditionCount += conditions.length;
      if (conditionCount > MAX_CONDITIONS) {
        throw invalid(
          'too_many_conditions',
          `A segment may have at most ${MAX_CONDITIONS} conditions in all.`,
        );
      }
      return { type: rule.type, conditions, rules: walk(nested, depth + 1, `${at}.rules`) };
    });
  return walk(input, 1, 'rules');
}

function normaliseCondition(condition: ConditionInput, at: string): Condition {
  const { property, operator } = condition;
  const value = condition.value ?? null;
  const fail = (code: string, message: string) => invalid(code, `${at}: ${message}`, { condition: at });

  if (property === '' && operator !== 'PERCENTAGE_SPLIT') {
    throw fail('invalid_condition', `${operator} needs a property (a trait key or a $. JSONPath).`);
  }
  if (Array.isArray(value)) {
    if (operator !== 'IN') throw fail('invalid_condition', 'only IN takes a list of values.');
    if (JSON.stringify(value).length > MAX_CONDITION_VALUE_LENGTH) {
      throw fail(
        'condition_value_too_long',
        `the list is longer than ${MAX_CONDITION_VALUE_LENGTH} characters as JSON.`,
      );
    }
  }
  switch (operator) {
    case 'REGEX':
      checkRegex(value, fail);
      break;
    case 'MODULO':
      checkModulo(value, fail);
      break;
    case 'PERCENTAGE_SPLIT':
      checkPercentage(value, fail);
      break;
  }
  return { property, operator, value };
}

type Fail = (code: string, message: string) => Error;

/**
 * The largest RE2 program a saved pattern may compile to. Matching is linear in the trait, but
 * each character costs time in proportion to the program: at this size the worst pattern takes
 * under 5 ms on the longest trait (segment-rules.regex-cost.test.ts measures it).
 */
export const MAX_REGEX_PROGRAM_SIZE = 200;

/**
 * Evaluation runs these on traits any client sends; only patterns RE2 takes stay linear-time
 * (DESIGN.md §3), and only small programs stay cheap. Checked as the engine compiles them.
 */
function checkRegex(value: Condition['value'], fail: Fail): void {
  if (typeof value !== 'string') throw fail('invalid_regex', 'REGEX needs a pattern.');
  const size = pythonRegexProgramSize(value);
  if (size === undefined) {
    throw fail(
      'invalid_regex',
      `'${value}' is not a valid pattern RE2 can run (no backreferences or lookarounds).`,
    );
  }
  if (size > MAX_REGEX_PROGRAM_SIZE) {
    throw fail(
      'regex_too_complex',
      `the pattern compiles to ${size} instructions, more than ${MAX_REGEX_PROGRAM_SIZE}; simplify it (fewer repeats or alternatives).`,
    );
  }
}

function checkModulo(value: Condition['value'], fail: Fail): void {
  const parts = typeof value === 'string' ? value.split('|') : [];
  const valid = parts.length === 2 && parts.every((part) => DECIMAL.test(part)) && Number(parts[0]) !== 0;
  if (!valid)
    throw fail(
      'invalid_modulo',
      `MODULO needs "<divisor>|<remainder>" with numbers and a divisor other than 0.`,
    );
}

function checkPercentage(value: Condition['value'], fail: Fail): void {
  const valid =
    typeof value === 'string' && DECIMAL.test(value) && Number(value) >= 0 && Number(value) <= 100;
  if (!valid)
    throw fail('invalid_percentage_split', 'PERCENTAGE_SPLIT needs a number from 0 to 100 as its value.');
}
