import { pythonRegexProgramSize } from '@pennon/engine';
import type { SegmentRuleInput } from '../../../lib/api-types.js';

/** As the server states them (segments/segment-rules.schema.ts and segment-rules.ts). */
export const MAX_RULE_DEPTH = 5;
export const MAX_CONDITIONS = 100;
export const MAX_REGEX_PROGRAM_SIZE = 200;

export type RuleType = SegmentRuleInput['type'];
type ConditionInput = NonNullable<SegmentRuleInput['conditions']>[number];
export type Operator = ConditionInput['operator'];

/** Every operator, with what its value means, in the order the builder offers them. */
export const OPERATORS: readonly { operator: Operator; label: string; value: 'text' | 'none' | 'list' }[] = [
  { operator: 'EQUAL', label: 'equals', value: 'text' },
  { operator: 'NOT_EQUAL', label: 'does not equal', value: 'text' },
  { operator: 'GREATER_THAN', label: '>', value: 'text' },
  { operator: 'GREATER_THAN_INCLUSIVE', label: '≥', value: 'text' },
  { operator: 'LESS_THAN', label: '<', value: 'text' },
  { operator: 'LESS_THAN_INCLUSIVE', label: '≤', value: 'text' },
  { operator: 'CONTAINS', label: 'contains', value: 'text' },
  { operator: 'NOT_CONTAINS', label: 'does not contain', value: 'text' },
  { operator: 'REGEX', label: 'matches regex', value: 'text' },
  { operator: 'MODULO', label: 'modulo (divisor|remainder)', value: 'text' },
  { operator: 'IN', label: 'is one of', value: 'list' },
  { operator: 'IS_SET', label: 'is set', value: 'none' },
  { operator: 'IS_NOT_SET', label: 'is not set', value: 'none' },
  { operator: 'PERCENTAGE_SPLIT', label: 'percentage split (0–100)', value: 'text' },
];

/** A condition as edited: the value is text (IN: one item per line). */
export interface ConditionDraft {
  id: string;
  property: string;
  operator: Operator;
  value: string;
}

export interface RuleDraft {
  id: string;
  type: RuleType;
  conditions: ConditionDraft[];
  rules: RuleDraft[];
}

let counter = 0;
/** Stable ids for React keys and edits; never sent to the server. */
export function draftId(): string {
  counter += 1;
  return `d${counter}`;
}

export function newCondition(): ConditionDraft {
  return { id: draftId(), property: '', operator: 'EQUAL', value: '' };
}

export function newRule(type: RuleType = 'ALL'): RuleDraft {
  return { id: draftId(), type, conditions: [newCondition()], rules: [] };
}

/** The API's rules as drafts. An IN list becomes one item per line. */
export function fromApi(rules: readonly SegmentRuleInput[]): RuleDraft[] {
  return rules.map((rule) => ({
    id: draftId(),
    type: rule.type,
    conditions: (rule.conditions ?? []).map((c) => ({
      id: draftId(),
      property: c.property,
      operator: c.operator,
      value: Array.isArray(c.value) ? c.value.join('\n') : (c.value ?? ''),
    })),
    rules: fromApi(rule.rules ?? []),
  }));
}

/**
 * Drafts as the API takes them: IS_SET / IS_NOT_SET carry no value; IN carries a list (one item
 * per non-empty line), so values containing commas survive.
 */
export function toApi(drafts: readonly RuleDraft[]): SegmentRuleInput[] {
  return drafts.map((rule) => ({
    type: rule.type,
    conditions: rule.conditions.map((c) => ({
      property: c.property.trim(),
      operator: c.operator,
      value: conditionValue(c),
    })),
    rules: toApi(rule.rules) as NonNullable<SegmentRuleInput['rules']>,
  }));
}

function conditionValue(condition: ConditionDraft): string | string[] | null {
  const kind = OPERATORS.find((o) => o.operator === condition.operator)?.value;
  if (kind === 'none') return null;
  if (kind === 'list')
    return condition.value
      .split('\n')
      .map((item) => item.trim())
      .filter((item) => item !== '');
  return condition.value;
}

/** A problem at a draft (rule or condition id), worded as the server would word it. */
export interface RuleProblem {
  id: string;
  message: string;
}

const DECIMAL = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/;

/**
 * What the server would refuse, found before saving: a property missing, a MODULO or
 * PERCENTAGE_SPLIT value malformed, a regex RE2 cannot run or too costly, nesting too deep, too
 * many conditions. Empty when the rules may be saved.
 */
export function checkRules(drafts: readonly RuleDraft[]): RuleProblem[] {
  const problems: RuleProblem[] = [];
  let conditions = 0;
  const walk = (rules: readonly RuleDraft[], depth: number) => {
    for (const rule of rules) {
      if (depth === MAX_RULE_DEPTH && rule.rules.length > 0) {
        problems.push({ id: rule.id, message: `Rules may be nested at most ${MAX_RULE_DEPTH} deep.` });
      }
      for (const condition of rule.conditions) {
        conditions += 1;
        const problem = checkCondition(condition);
        if (problem) problems.push({ id: condition.id, message: problem });
      }
      walk(rule.rules, depth + 1);
    }
  };
  walk(drafts, 1);
  if (conditions > MAX_CONDITIONS) {
    problems.push({
      id: 'segment',
      message: `A segment may have at most ${MAX_CONDITIONS} conditions in all (${conditions} now).`,
    });
  }
  return problems;
}

function checkCondition(c: ConditionDraft): string | undefined {
  if (c.property.trim() === '' && c.operator !== 'PERCENTAGE_SPLIT') {
    return `${c.operator} needs a property (a trait key or a $. JSONPath).`;
  }
  switch (c.operator) {
    case 'REGEX': {
      const size = pythonRegexProgramSize(c.value);
      if (size === undefined)
        return `'${c.value}' is not a pattern RE2 can run (no backreferences or lookarounds).`;
      if (size > MAX_REGEX_PROGRAM_SIZE) {
        return `The pattern compiles to ${size} instructions, more than ${MAX_REGEX_PROGRAM_SIZE}; simplify it.`;
      }
      return undefined;
    }
    case 'MODULO': {
      const parts = c.value.split('|');
      const valid = parts.length === 2 && parts.every((p) => DECIMAL.test(p)) && Number(parts[0]) !== 0;
      return valid
        ? undefined
        : 'MODULO needs "<divisor>|<remainder>" with numbers and a divisor other than 0.';
    }
    case 'PERCENTAGE_SPLIT': {
      const valid = DECIMAL.test(c.value) && Number(c.value) >= 0 && Number(c.value) <= 100;
      return valid ? undefined : 'PERCENTAGE_SPLIT needs a number from 0 to 100.';
    }
    default:
      return undefined;
  }
}

/** Edits, each returning a new tree (drafts are state: never changed in place). */
export const edit = {
  updateRule(
    drafts: readonly RuleDraft[],
    id: string,
    change: Partial<Pick<RuleDraft, 'type'>>,
  ): RuleDraft[] {
    return mapRules(drafts, (rule) => (rule.id === id ? { ...rule, ...change } : rule));
  },
  addCondition(drafts: readonly RuleDraft[], ruleId: string): RuleDraft[] {
    return mapRules(drafts, (rule) =>
      rule.id === ruleId ? { ...rule, conditions: [...rule.conditions, newCondition()] } : rule,
    );
  },
  updateCondition(
    drafts: readonly RuleDraft[],
    id: string,
    change: Partial<Omit<ConditionDraft, 'id'>>,
  ): RuleDraft[] {
    return mapRules(drafts, (rule) => ({
      ...rule,
      conditions: rule.conditions.map((c) => (c.id === id ? { ...c, ...change } : c)),
    }));
  },
  removeCondition(drafts: readonly RuleDraft[], id: string): RuleDraft[] {
    return mapRules(drafts, (rule) => ({ ...rule, conditions: rule.conditions.filter((c) => c.id !== id) }));
  },
  /** A sub-rule inside `parentId`, or a top-level rule when `parentId` is null. */
  addRule(drafts: readonly RuleDraft[], parentId: string | null, type: RuleType = 'ANY'): RuleDraft[] {
    if (parentId === null) return [...drafts, newRule(type)];
    return mapRules(drafts, (rule) =>
      rule.id === parentId ? { ...rule, rules: [...rule.rules, newRule(type)] } : rule,
    );
  },
  removeRule(drafts: readonly RuleDraft[], id: string): RuleDraft[] {
    return drafts
      .filter((rule) => rule.id !== id)
      .map((rule) => ({ ...rule, rules: edit.removeRule(rule.rules, id) }));
  },
};

function mapRules(drafts: readonly RuleDraft[], f: (rule: RuleDraft) => RuleDraft): RuleDraft[] {
  return drafts.map((rule) => {
    const mapped = f(rule);
    return { ...mapped, rules: mapRules(mapped.rules, f) };
  });
}
