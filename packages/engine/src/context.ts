/**
 * Input and output shapes of the engine. They mirror Flagsmith's `evaluation-context.json` and
 * `evaluation-result.json`, so a Flagsmith conformance case can be fed to {@link evaluate} as is.
 * Index signatures keep unknown keys legal: the engine ignores them, and `metadata` passes
 * through by reference.
 * @module
 */

/**
 * A trait or context value a condition can look at.
 * @example
 * const plan: TraitValue = 'premium';
 */
export type TraitValue = string | number | boolean | null;

/**
 * A feature's or a variant's value, returned untouched in {@link FlagResult.value}.
 * @example
 * const fontSize: FlagValue = 16;
 */
export type FlagValue = string | number | boolean | null;

/**
 * Free-form data attached to a feature or a segment; copied by reference into results.
 * @example
 * const metadata: Metadata = { id: 15062 };
 */
export type Metadata = Record<string, unknown>;

/**
 * The environment being evaluated.
 * @example
 * const environment: EnvironmentContext = { key: 'env-key', name: 'Production' };
 */
export interface EnvironmentContext {
  key: string;
  name: string;
  [extra: string]: unknown;
}

/**
 * The user (or any unit) evaluated. `key` defaults to `"<environment.key>_<identifier>"`.
 * @example
 * const identity: IdentityContext = { identifier: 'user-1', traits: { age: 42 } };
 */
export interface IdentityContext {
  identifier: string;
  key?: string;
  traits?: Record<string, TraitValue>;
  [extra: string]: unknown;
}

/**
 * How a rule combines its conditions, and separately its sub-rules.
 * @example
 * const type: RuleType = 'ANY';
 */
export type RuleType = 'ALL' | 'ANY' | 'NONE';

/**
 * Operators of a segment condition.
 * @example
 * const operator: ConditionOperator = 'GREATER_THAN_INCLUSIVE';
 */
export type ConditionOperator =
  | 'EQUAL'
  | 'NOT_EQUAL'
  | 'GREATER_THAN'
  | 'GREATER_THAN_INCLUSIVE'
  | 'LESS_THAN'
  | 'LESS_THAN_INCLUSIVE'
  | 'CONTAINS'
  | 'NOT_CONTAINS'
  | 'REGEX'
  | 'PERCENTAGE_SPLIT'
  | 'MODULO'
  | 'IS_SET'
  | 'IS_NOT_SET'
  | 'IN';

/**
 * One test of a trait or of a `$.`-JSONPath into the context. Only `IN` takes a list.
 * @example
 * const condition: SegmentCondition = { property: 'age', operator: 'LESS_THAN', value: '40' };
 */
export interface SegmentCondition {
  property: string;
  operator: ConditionOperator;
  value: string | string[] | null;
  [extra: string]: unknown;
}

/**
 * A node of a segment's rule tree.
 * @example
 * const rule: SegmentRule = {
 *   type: 'ALL',
 *   conditions: [{ property: 'plan', operator: 'EQUAL', value: 'premium' }],
 * };
 */
export interface SegmentRule {
  type: RuleType;
  conditions?: SegmentCondition[];
  rules?: SegmentRule[];
  [extra: string]: unknown;
}

/**
 * One weighted value of a multivariate feature.
 * @example
 * const variant: VariantContext = { key: 'blue', value: '#00f', weight: 50, priority: 1 };
 */
export interface VariantContext {
  key?: string;
  value: FlagValue;
  weight: number;
  priority?: number;
  [extra: string]: unknown;
}

/**
 * A feature's state in the environment, or a segment's override of it (matched by `name`).
 * `key` seeds the multivariate hash; lower `priority` wins among overrides.
 * @example
 * const feature: FeatureContext = { key: '1', name: 'dark_mode', enabled: true, value: null };
 */
export interface FeatureContext {
  key: string;
  name: string;
  enabled: boolean;
  value: FlagValue;
  variants?: VariantContext[];
  priority?: number;
  metadata?: Metadata;
  [extra: string]: unknown;
}

/**
 * A named rule tree; identities in it receive its `overrides`.
 * @example
 * const segment: SegmentContext = {
 *   key: '7',
 *   name: 'adults',
 *   rules: [{ type: 'ALL', conditions: [{ property: 'age', operator: 'GREATER_THAN_INCLUSIVE', value: '18' }] }],
 * };
 */
export interface SegmentContext {
  key: string;
  name: string;
  rules: SegmentRule[];
  overrides?: FeatureContext[];
  metadata?: Metadata;
  [extra: string]: unknown;
}

/**
 * An environment's rules without an identity: what {@link compile} takes. Segment order
 * matters: it orders `segments` in results and breaks ties between overrides of equal priority.
 * @example
 * const environmentOnly: EnvironmentEvaluationContext = { environment: { key: 'k', name: 'Dev' } };
 */
export interface EnvironmentEvaluationContext {
  environment: EnvironmentContext;
  segments?: Record<string, SegmentContext>;
  features?: Record<string, FeatureContext>;
  [extra: string]: unknown;
}

/**
 * Everything one evaluation needs.
 * @example
 * const context: EvaluationContext = {
 *   environment: { key: 'env-key', name: 'Production' },
 *   identity: { identifier: 'user-1' },
 *   features: { dark_mode: { key: '1', name: 'dark_mode', enabled: true, value: null } },
 * };
 */
export interface EvaluationContext extends EnvironmentEvaluationContext {
  identity?: IdentityContext | null;
}

/**
 * One evaluated flag. `reason` is `DEFAULT`, `TARGETING_MATCH; segment=<name>` or
 * `SPLIT; weight=<w>`; `variant` is the picked variant's key, `"control"` when a multivariate
 * split picked no variant, else null.
 * @example
 * const flag: FlagResult = { name: 'dark_mode', enabled: true, value: null, reason: 'DEFAULT', variant: null };
 */
export interface FlagResult {
  name: string;
  enabled: boolean;
  value: FlagValue;
  reason: string;
  variant: string | null;
  metadata?: Metadata;
}

/**
 * A segment the identity belongs to.
 * @example
 * const segment: SegmentResult = { name: 'adults' };
 */
export interface SegmentResult {
  name: string;
  metadata?: Metadata;
}

/**
 * The outcome of one evaluation: flags keyed by feature name, matched segments in context order.
 * @example
 * const result: EvaluationResult = { flags: {}, segments: [] };
 */
export interface EvaluationResult {
  flags: Record<string, FlagResult>;
  segments: SegmentResult[];
}
