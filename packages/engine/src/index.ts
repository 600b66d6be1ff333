/**
 * `@pennon/engine`: pure, isomorphic feature-flag evaluation with Flagsmith's semantics.
 * @module
 */

export { type CompiledEnvironment, compile } from './compile.js';
export type {
  ConditionOperator,
  EnvironmentContext,
  EnvironmentEvaluationContext,
  EvaluationContext,
  EvaluationResult,
  FeatureContext,
  FlagResult,
  FlagValue,
  IdentityContext,
  Metadata,
  RuleType,
  SegmentCondition,
  SegmentContext,
  SegmentResult,
  SegmentRule,
  TraitValue,
  VariantContext,
} from './context.js';
export { evaluate } from './evaluate.js';
export { hashPercentage } from './hash.js';
export { md5Hex } from './md5.js';
export { compilePythonRegex, pythonRegexProgramSize } from './python-regex.js';
export { SEGMENT_REASON_PREFIX } from './reasons.js';
