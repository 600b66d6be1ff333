import { hashPercentage } from '@pennon/engine';
import { describe, expect, it } from 'vitest';
import type { SegmentRuleInput } from '../../../lib/api-types.js';
import { parseTraits, trySegment } from './try-it.js';

const user = (identifier: string, traits: Record<string, string | number | boolean> = {}) => ({
  environmentKey: 'client-key-1',
  identifier,
  traits,
});

describe('try it: a sample user against the segment, with the engine', () => {
  const rules: SegmentRuleInput[] = [
    {
      type: 'ALL',
      conditions: [{ property: 'plan', operator: 'IN', value: ['beta', 'pro'] }],
      rules: [{ type: 'NONE', conditions: [{ property: 'age', operator: 'LESS_THAN', value: '18' }] }],
    },
  ];
  const segment = { name: 'adults on beta', hashKey: 'seg-hash', rules };

  it('matches by traits through nested rules', () => {
    expect(trySegment(segment, user('ada', { plan: 'beta', age: 30 }))).toBe(true);
    expect(trySegment(segment, user('bob', { plan: 'beta', age: 16 }))).toBe(false);
    expect(trySegment(segment, user('cy', { plan: 'free', age: 30 }))).toBe(false);
    expect(trySegment({ ...segment, rules: [] }, user('ada', { plan: 'beta' }))).toBe(false);
  });

  it('splits percentages with the segment hash key and the identity key, as the server does', () => {
    const split = {
      name: 'half',
      hashKey: 'seg-hash',
      rules: [
        {
          type: 'ALL' as const,
          conditions: [{ property: '', operator: 'PERCENTAGE_SPLIT' as const, value: '50' }],
        },
      ],
    };
    for (const identifier of ['u1', 'u2', 'u3', 'u4', 'u5', 'u6']) {
      const expected = hashPercentage(['seg-hash', `client-key-1_${identifier}`]) <= 50;
      expect(trySegment(split, user(identifier)), identifier).toBe(expected);
    }
  });

  it('reads traits as key = value lines, numbers and booleans typed', () => {
    expect(parseTraits('plan = beta\nage=30\n\nadmin = true\nnote = a = b')).toEqual({
      traits: { plan: 'beta', age: 30, admin: true, note: 'a = b' },
    });
    expect(parseTraits('plan\n= x')).toEqual({
      problems: ['Line 1: write key = value.', 'Line 2: write key = value.'],
    });
  });

  it('reads a value as the identity editor does: quotes keep a string, .5 is a number', () => {
    expect(parseTraits('zip = "01234"\nshare = .5')).toEqual({ traits: { zip: '01234', share: 0.5 } });
  });
});
