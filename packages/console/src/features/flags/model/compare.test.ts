import { describe, expect, it } from 'vitest';
import type { Feature, FeatureState, SegmentOverride } from '../../../lib/api-types.js';
import { copyChanges, differences, type FlagConfig } from './compare.js';

const feature = { id: 'f1', key: 'banner', type: 'string' } as Feature;
const state = (extra: Partial<FeatureState>): FeatureState =>
  ({
    feature_id: 'f1',
    enabled: false,
    value: null,
    variants: [],
    rollout_percentage: null,
    ...extra,
  }) as FeatureState;
const override = (segment: string, priority: number, extra: Partial<SegmentOverride> = {}): SegmentOverride =>
  ({
    id: `${segment}-o`,
    segment_id: segment,
    feature_id: 'f1',
    priority,
    enabled: true,
    value: 'gold',
    variants: [],
    rollout_percentage: null,
    ...extra,
  }) as SegmentOverride;
const names = (id: string) => ({ s1: 'beta', s2: 'pro', s3: 'staff' })[id] ?? id;

describe('comparing a flag between environments', () => {
  it('finds nothing when configured alike, ids and times aside', () => {
    const a: FlagConfig = { state: state({ enabled: true, value: 'x' }), overrides: [override('s1', 0)] };
    const b: FlagConfig = {
      state: state({ enabled: true, value: 'x', updated_at: 'later' }),
      overrides: [override('s1', 0, { id: 'other' })],
    };
    expect(differences(feature, a, b, names)).toEqual([]);
  });

  it('names each difference of state and overrides', () => {
    const a: FlagConfig = {
      state: state({
        enabled: true,
        value: 'x',
        variants: [{ key: 'v', value: 'y', weight: 50 }],
        rollout_percentage: 20,
      }),
      overrides: [override('s1', 0), override('s2', 1)],
    };
    const b: FlagConfig = {
      state: state({ value: 'z' }),
      overrides: [override('s2', 1, { value: 'silver' }), override('s3', 2)],
    };
    expect(differences(feature, a, b, names)).toEqual([
      'enabled: on → off',
      'value: "x" → "z"',
      'variants: v 50% → none',
      'rollout: 20% → everyone',
      'segment "beta": only in the first',
      'segment "pro": overrides differently',
      'segment "staff": only in the second',
    ]);
  });

  it('notices the same overrides tried in another order', () => {
    const a: FlagConfig = { state: undefined, overrides: [override('s1', 0), override('s2', 1)] };
    const b: FlagConfig = { state: undefined, overrides: [override('s1', 5), override('s2', 1)] };
    expect(differences(feature, a, b, names)).toContain('segment overrides are tried in a different order');
  });

  it('copies as change-request changes: the state, removals, then every source override', () => {
    const a: FlagConfig = {
      state: state({ enabled: true, value: 'x', variants: [{ key: 'v', value: 'y', weight: 50 }] }),
      overrides: [override('s1', 3)],
    };
    const b: FlagConfig = { state: state({}), overrides: [override('s2', 0)] };
    expect(copyChanges(feature, a, b)).toEqual([
      {
        kind: 'feature_state',
        feature: 'f1',
        enabled: true,
        value: 'x',
        variants: [{ key: 'v', value: 'y', weight: 50 }],
        rollout_percentage: null,
      },
      { kind: 'segment_override', segment: 's2', feature: 'f1', delete: true },
      {
        kind: 'segment_override',
        segment: 's1',
        feature: 'f1',
        enabled: true,
        value: 'gold',
        variants: [],
        priority: 3,
        rollout_percentage: null,
      },
    ]);
    const boolean = copyChanges({ ...feature, type: 'boolean' }, a, b)[0];
    expect(boolean).not.toHaveProperty('value');
  });
});
