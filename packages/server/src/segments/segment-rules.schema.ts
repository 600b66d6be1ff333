import { type TSchema, Type } from 'typebox';

/** The operators of the engine (DESIGN.md §3), exactly; comparisons may add a `:semver` suffix to the value. */
export const OPERATORS = [
  'EQUAL',
  'NOT_EQUAL',
  'GREATER_THAN',
  'GREATER_THAN_INCLUSIVE',
  'LESS_THAN',
  'LESS_THAN_INCLUSIVE',
  'CONTAINS',
  'NOT_CONTAINS',
  'REGEX',
  'MODULO',
  'IN',
  'IS_SET',
  'IS_NOT_SET',
  'PERCENTAGE_SPLIT',
] as const;
export type Operator = (typeof OPERATORS)[number];

export const RULE_TYPES = ['ALL', 'ANY', 'NONE'] as const;
export type RuleType = (typeof RULE_TYPES)[number];

export const MAX_RULE_DEPTH = 5;
export const MAX_CONDITIONS = 100;
export const MAX_CONDITION_VALUE_LENGTH = 10_000;

/** A list for IN; the engine also takes a JSON array string or CSV, so a plain string is fine too. */
export type ConditionValue = string | string[] | null;

export interface Condition {
  property: string;
  operator: Operator;
  value: ConditionValue;
}

/** As stored and as the engine reads it: both lists always present. */
export interface Rule {
  type: RuleType;
  conditions: Condition[];
  rules: Rule[];
}

/** As a client may send it: lists and value may be left out. */
export interface RuleInput {
  type: RuleType;
  conditions?: { property: string; operator: Operator; value?: ConditionValue }[];
  rules?: RuleInput[];
}

const Condition = Type.Object(
  {
    /** A trait key, or a `$.`-prefixed JSONPath over the context; empty only for PERCENTAGE_SPLIT. */
    property: Type.String({ maxLength: 1000 }),
    operator: Type.Enum([...OPERATORS]),
    value: Type.Optional(
      Type.Union([
        Type.String({ maxLength: MAX_CONDITION_VALUE_LENGTH }),
        Type.Null(),
        Type.Array(Type.String({ maxLength: MAX_CONDITION_VALUE_LENGTH }), { maxItems: 1000 }),
      ]),
    ),
  },
  { additionalProperties: false },
);

/**
 * The rule tree is spelled out level by level instead of as a recursive schema, so that no
 * request, however deeply nested, makes validation recurse deeper than MAX_RULE_DEPTH. The
 * deepest level takes any list, which the service rejects unless empty, with a clear code.
 */
function ruleLevel(depth: number): TSchema {
  return Type.Object(
    {
      type: Type.Enum([...RULE_TYPES]),
      conditions: Type.Optional(Type.Array(Condition, { maxItems: MAX_CONDITIONS })),
      rules: Type.Optional(
        depth < MAX_RULE_DEPTH
          ? Type.Array(ruleLevel(depth + 1), { maxItems: MAX_CONDITIONS })
          : Type.Array(Type.Unknown(), { maxItems: MAX_CONDITIONS }),
      ),
    },
    { additionalProperties: false },
  );
}

export const RulesInput = Type.Unsafe<RuleInput[]>(Type.Array(ruleLevel(1), { maxItems: MAX_CONDITIONS }));
export const Rules = Type.Unsafe<Rule[]>(Type.Array(ruleLevel(1)));
