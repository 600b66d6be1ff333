import type { FeatureContext, SegmentContext, SegmentRule } from '@pennon/engine';

/**
 * Percentage rollouts in Flagsmith's own terms, so every engine that reads our documents —
 * ours, flagsmith-nodejs's, Flagsmith's SDKs in other languages — gives each identity the same
 * answer: a rollout is a segment holding a PERCENTAGE_SPLIT condition, with an override.
 *
 * - A feature state rolled out to r%: the state is served disabled, and a segment matching r%
 *   of identities overrides it with the state enabled, below every other override.
 * - A segment override rolled out to r%: the override moves to a segment matching the
 *   segment's rules and r% of identities, at the same priority; the rest fall through.
 *
 * The split hashes `[segment key, identity key]`, and the segment key derives from the state's
 * fixed hash key, never from the percentage: raising r only adds identities, and lowering it
 * back removes exactly those added last. The prefix keeps the split independent of variant
 * assignment, which hashes the state's key itself.
 */
export const ROLLOUT_SOURCE = 'rollout';

/** Below any priority an admin can give a segment override (at most 1e9), within 32 bits. */
export const ENVIRONMENT_ROLLOUT_PRIORITY = 2_000_000_000;

/** What a rollout does to the state it is set on. */
export type RolloutPlan = 'everyone' | 'nobody' | 'split';

/** Null or 100 reach everyone; 0 reaches nobody; anything between splits identities. */
export function rolloutPlan(percentage: number | null): RolloutPlan {
  if (percentage === null || percentage >= 100) return 'everyone';
  return percentage <= 0 ? 'nobody' : 'split';
}

export function rolloutSegmentKey(stateHashKey: string): string {
  return `rollout_${stateHashKey}`;
}

function splitRule(percentage: number): SegmentRule {
  // An empty property splits on the identity key, as Flagsmith's engines do.
  return {
    type: 'ALL',
    conditions: [{ property: '', operator: 'PERCENTAGE_SPLIT', value: String(percentage) }],
    rules: [],
  };
}

/**
 * The segment that turns a rolled-out feature state on for `percentage`% of identities.
 * `enabledState` is the state as it would be without the rollout (enabled).
 */
export function environmentRolloutSegment(enabledState: FeatureContext, percentage: number): SegmentContext {
  const key = rolloutSegmentKey(enabledState.key);
  return {
    key,
    name: `${percentage}% rollout of ${enabledState.name}`,
    rules: [splitRule(percentage)],
    overrides: [{ ...enabledState, priority: ENVIRONMENT_ROLLOUT_PRIORITY }],
    metadata: { source: ROLLOUT_SOURCE },
  };
}

/**
 * The segment that applies one override of `segment` to `percentage`% of its identities. A
 * segment without rules never matches, and neither may its rollout, so there is none.
 */
export function segmentRolloutSegment(
  segment: SegmentContext,
  override: FeatureContext,
  percentage: number,
): SegmentContext | undefined {
  if (segment.rules.length === 0) return undefined;
  return {
    key: rolloutSegmentKey(override.key),
    // Its own name: segment names are unique within a project, and importers match by name.
    name: `${segment.name} · ${percentage}% rollout of ${override.name}`,
    rules: [...segment.rules, splitRule(percentage)],
    overrides: [override],
    metadata: { ...segment.metadata, source: ROLLOUT_SOURCE },
  };
}
