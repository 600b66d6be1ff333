import { describe, expect, it } from 'vitest';
import type { FeatureUsage } from '../../../lib/api-types.js';
import { fillDays, staleness } from './usage.js';

const usage = (total: number): FeatureUsage => ({
  feature_id: 'f',
  feature_key: 'k',
  total,
  last_evaluated: total ? '2026-03-02' : null,
  daily: [],
});
const now = new Date('2026-03-31T12:00:00Z');

describe('flag usage', () => {
  it('fills the days the server left out with zero, across a month end', () => {
    expect(fillDays('2026-02-27', '2026-03-02', [{ day: '2026-03-01', count: 5 }])).toEqual([
      { day: '2026-02-27', count: 0 },
      { day: '2026-02-28', count: 0 },
      { day: '2026-03-01', count: 5 },
      { day: '2026-03-02', count: 0 },
    ]);
  });

  it('calls a flag stale when unread or unchanged for the window, saying which', () => {
    const old = '2026-01-01T00:00:00Z';
    expect(
      staleness({ createdAt: old, lastChange: '2026-03-30T00:00:00Z', usage: usage(0) }, 30, now),
    ).toEqual({
      stale: true,
      reasons: ['not evaluated in 30 days'],
    });
    expect(staleness({ createdAt: old, lastChange: old, usage: usage(12) }, 30, now)).toEqual({
      stale: true,
      reasons: ['not changed in 30 days'],
    });
    expect(staleness({ createdAt: old, lastChange: old, usage: usage(0) }, 30, now)).toMatchObject({
      reasons: ['not evaluated in 30 days', 'not changed in 30 days'],
    });
    expect(
      staleness({ createdAt: old, lastChange: '2026-03-30T00:00:00Z', usage: usage(3) }, 30, now),
    ).toEqual({
      stale: false,
    });
  });

  it('never calls a flag created within the window stale, nor judges usage it does not have', () => {
    expect(
      staleness(
        { createdAt: '2026-03-20T00:00:00Z', lastChange: '2026-03-20T00:00:00Z', usage: usage(0) },
        30,
        now,
      ),
    ).toEqual({ stale: false });
    expect(
      staleness(
        { createdAt: '2026-01-01T00:00:00Z', lastChange: '2026-03-30T00:00:00Z', usage: undefined },
        30,
        now,
      ),
    ).toEqual({
      stale: false,
    });
  });
});
