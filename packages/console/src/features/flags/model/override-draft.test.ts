import { describe, expect, it } from 'vitest';
import type { SegmentOverride } from '../../../lib/api-types.js';
import { draftsOf, editDraft, moveDraft, overrideChanges, overridesMoved } from './override-draft.js';

const stored = (segment: string, priority: number, extra: Partial<SegmentOverride> = {}): SegmentOverride =>
  ({
    id: `${segment}-o`,
    environment_id: 'e1',
    segment_id: segment,
    feature_id: 'f1',
    priority,
    enabled: true,
    value: 'gold',
    variants: [],
    rollout_percentage: null,
    updated_at: '2030-01-01T00:00:00.000Z',
    ...extra,
  }) as SegmentOverride;

const list = [stored('beta', 10), stored('staff', 0, { value: 'red' })];

describe('proposing segment override changes', () => {
  it('proposes nothing while the drafts are what is stored', () => {
    expect(draftsOf(list).map((d) => d.segment_id)).toEqual(['staff', 'beta']);
    expect(overrideChanges('f1', list, draftsOf(list))).toEqual([]);
  });

  it("proposes one's own edits to what the draft began from, never reverting what others changed since", () => {
    const base = list;
    const drafts = editDraft(draftsOf(base), 'beta', { enabled: false });
    // Meanwhile another person's request changed staff's value and added an override for vip.
    const now = [stored('beta', 10), stored('staff', 0, { value: 'blue' }), stored('vip', 20)];
    expect(overridesMoved(base, now)).toBe(true);
    expect(overridesMoved(base, [...base])).toBe(false);
    expect(overrideChanges('f1', base, drafts).map((c) => c.change)).toEqual([
      { kind: 'segment_override', segment: 'beta', feature: 'f1', enabled: false },
    ]);
  });

  it('carries only the fields an edit changes, with the override before and after', () => {
    const drafts = editDraft(draftsOf(list), 'beta', { enabled: false, value: 'silver' });
    expect(overrideChanges('f1', list, drafts)).toEqual([
      {
        segment_id: 'beta',
        change: { kind: 'segment_override', segment: 'beta', feature: 'f1', enabled: false, value: 'silver' },
        before: { enabled: true, value: 'gold', priority: 10 },
        after: { enabled: false, value: 'silver', priority: 10 },
      },
    ]);
  });

  it('proposes a reorder as the priorities a direct reorder would set', () => {
    const moved = moveDraft(draftsOf(list), 1, 0);
    expect(moved.map((d) => [d.segment_id, d.priority])).toEqual([
      ['beta', 0],
      ['staff', 10],
    ]);
    expect(overrideChanges('f1', list, moved).map((c) => c.change)).toEqual([
      { kind: 'segment_override', segment: 'beta', feature: 'f1', priority: 0 },
      { kind: 'segment_override', segment: 'staff', feature: 'f1', priority: 10 },
    ]);
  });

  it('creates an added override whole and removes a dropped one', () => {
    const drafts = [
      ...draftsOf(list).filter((d) => d.segment_id !== 'staff'),
      { segment_id: 'pro', enabled: true, value: 'green', priority: 20 },
    ];
    expect(overrideChanges('f1', list, drafts)).toEqual([
      {
        segment_id: 'staff',
        change: { kind: 'segment_override', segment: 'staff', feature: 'f1', delete: true },
        before: { enabled: true, value: 'red', priority: 0 },
        after: null,
      },
      {
        segment_id: 'pro',
        change: {
          kind: 'segment_override',
          segment: 'pro',
          feature: 'f1',
          enabled: true,
          value: 'green',
          priority: 20,
        },
        before: null,
        after: { enabled: true, value: 'green', priority: 20 },
      },
    ]);
  });
});
