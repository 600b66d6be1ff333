import type { FeatureState, FeatureStatePatch } from '../../../lib/api-types.js';

/** A flag's state in one environment as the editor would save it. */
export type StateDraft = Required<
  Pick<FeatureStatePatch, 'enabled' | 'value' | 'variants' | 'rollout_percentage'>
>;

/** One field a change would alter: what is stored now and what it would become. */
export interface FieldChange {
  field: keyof StateDraft;
  before: unknown;
  after: unknown;
}

const FIELDS: (keyof StateDraft)[] = ['enabled', 'value', 'variants', 'rollout_percentage'];

/** Variants compared by what evaluation uses (key, value, weight), in order. */
function comparable(field: keyof StateDraft, value: unknown): string {
  if (field === 'variants' && Array.isArray(value))
    return JSON.stringify(
      value.map((v: { key: string; value: unknown; weight: number }) => [v.key, v.value, v.weight]),
    );
  return JSON.stringify(value ?? null);
}

/**
 * What saving `draft` would change, field by field, so the console can say it before it is
 * done (and send only that). An unknown current state counts every field as changed.
 *
 * @example
 * stateChanges({ enabled: false, value: 'a', variants: [], rollout_percentage: null },
 *   { enabled: true, value: 'a', variants: [], rollout_percentage: null })
 * // → [{ field: 'enabled', before: false, after: true }]
 */
export function stateChanges(current: FeatureState | undefined, draft: StateDraft): FieldChange[] {
  return FIELDS.filter(
    (field) => !current || comparable(field, current[field]) !== comparable(field, draft[field]),
  ).map((field) => ({
    field,
    before: current ? (current[field] ?? null) : null,
    after: draft[field],
  }));
}

/** The PATCH body (or change of a change request) that makes exactly these changes. */
export function patchOf(changes: readonly FieldChange[]): FeatureStatePatch {
  const patch: Record<string, unknown> = {};
  for (const change of changes) patch[change.field] = change.after;
  return patch as FeatureStatePatch;
}

/**
 * The one change a change request or scheduled change carries for this flag: the patch, with
 * `kind` and the feature's key (what the API's `changes[]` take).
 */
export function featureStateChange(featureKey: string, patch: FeatureStatePatch) {
  return { kind: 'feature_state' as const, feature: featureKey, ...patch };
}

/**
 * Whether a refusal of a direct change means "propose it instead": a protected environment
 * answers 409 `change_request_required`, and 'propose' access answers 403 with
 * `details.change_request_required`.
 */
export function needsChangeRequest(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false;
  const e = error as { status?: number; code?: string; details?: unknown };
  if (e.status === 409 && e.code === 'change_request_required') return true;
  const details = e.details as { change_request_required?: unknown } | undefined;
  return e.status === 403 && details?.change_request_required === true;
}
