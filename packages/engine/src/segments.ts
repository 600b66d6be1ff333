/**
 * A segment compiled for evaluation: its membership predicate, and its overrides resolved to
 * the index of the feature they replace, so applying them needs no lookup by name.
 * @module
 */

import type { Compiled } from './conditions.js';
import type { EnvironmentEvaluationContext, Metadata, SegmentContext, SegmentResult } from './context.js';
import { compileFeature, type FlagOutcomes, flagOutcomes, isTruthy, priorityOf } from './features.js';
import { pyStr } from './py-values.js';
import { SEGMENT_REASON_PREFIX } from './reasons.js';
import { compileSegmentMatch } from './rules.js';

/** A segment's replacement state for one feature. */
export interface Override {
  /** Index of the overridden feature in the compiled environment. */
  readonly feature: number;
  /** Lower wins; a missing priority is +Infinity, identity overrides are -Infinity. */
  readonly priority: number;
  readonly outcomes: FlagOutcomes;
}

/** A segment ready for evaluation. */
export interface CompiledSegment {
  readonly name: string;
  /** Only set when the segment has metadata worth reporting (Python truthiness). */
  readonly metadata: Metadata | undefined;
  readonly match: Compiled;
  readonly overrides: readonly Override[];
  /** What a match reports, built once and frozen like flag results. */
  readonly result: SegmentResult;
}

/**
 * Compiles `segment`; `featureIndex` maps feature names to their index in the environment.
 * @example
 * compileSegment(context.segments['7'], context, new Map([['dark_mode', 0]]));
 */
export function compileSegment(
  segment: SegmentContext,
  context: EnvironmentEvaluationContext,
  featureIndex: ReadonlyMap<string, number>,
): CompiledSegment {
  const reason = `${SEGMENT_REASON_PREFIX}${pyStr(segment.name)}`;
  const overrides: Override[] = [];
  for (const override of Array.isArray(segment.overrides) ? segment.overrides : []) {
    const feature =
      typeof override === 'object' && override !== null ? featureIndex.get(override.name) : undefined;
    // Overrides match features by name; one for a feature absent from the context shows nowhere.
    if (feature === undefined) continue;
    overrides.push({
      feature,
      priority: priorityOf(override.priority),
      outcomes: flagOutcomes(compileFeature(override), override.name, reason),
    });
  }
  const name = segment.name;
  const metadata = isTruthy(segment.metadata) ? segment.metadata : undefined;
  return {
    name,
    metadata,
    match: compileSegmentMatch(segment, pyStr(segment.key), context),
    overrides,
    result: Object.freeze(metadata === undefined ? { name } : { name, metadata }),
  };
}
