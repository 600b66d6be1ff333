import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../lib/api-client.js';
import type { FeatureState } from '../../../lib/api-types.js';
import { featureStateChange, needsChangeRequest, patchOf, stateChanges } from './state-change.js';

const stored = {
  id: 's1',
  feature_id: 'f1',
  environment_id: 'e1',
  enabled: false,
  value: 'blue',
  variants: [{ key: 'a', value: 'red', weight: 50 }],
  rollout_percentage: null,
} as unknown as FeatureState;

describe('what saving a state would change', () => {
  it('names only the fields that differ, with before and after', () => {
    const changes = stateChanges(stored, {
      enabled: true,
      value: 'blue',
      variants: [{ key: 'a', value: 'red', weight: 50 }],
      rollout_percentage: 25,
    });
    expect(changes).toEqual([
      { field: 'enabled', before: false, after: true },
      { field: 'rollout_percentage', before: null, after: 25 },
    ]);
    expect(patchOf(changes)).toEqual({ enabled: true, rollout_percentage: 25 });
  });

  it('sees a changed variant weight or order, and nothing when nothing changed', () => {
    const same = { enabled: false, value: 'blue', variants: stored.variants, rollout_percentage: null };
    expect(stateChanges(stored, same)).toEqual([]);
    const reweighted = { ...same, variants: [{ key: 'a', value: 'red', weight: 40 }] };
    expect(stateChanges(stored, reweighted).map((c) => c.field)).toEqual(['variants']);
  });

  it('counts every field when the stored state is unknown', () => {
    const draft = { enabled: true, value: 1, variants: [], rollout_percentage: null };
    expect(stateChanges(undefined, draft).map((c) => c.field)).toEqual([
      'enabled',
      'value',
      'variants',
      'rollout_percentage',
    ]);
  });

  it('makes the change a change request carries', () => {
    expect(featureStateChange('banner', { enabled: true })).toEqual({
      kind: 'feature_state',
      feature: 'banner',
      enabled: true,
    });
  });
});

describe('refusals that mean "propose it instead"', () => {
  it('knows the protected environment and the propose-only access', () => {
    expect(needsChangeRequest(new ApiError(409, 'change_request_required', 'protected'))).toBe(true);
    expect(
      needsChangeRequest(
        new ApiError(403, 'forbidden', 'propose only', { details: { change_request_required: true } }),
      ),
    ).toBe(true);
    expect(needsChangeRequest(new ApiError(403, 'forbidden', 'viewer'))).toBe(false);
    expect(needsChangeRequest(new ApiError(409, 'conflict', 'moved'))).toBe(false);
    expect(needsChangeRequest(undefined)).toBe(false);
  });
});
