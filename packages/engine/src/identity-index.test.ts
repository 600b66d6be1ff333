import { describe, expect, it } from 'vitest';
import type { SegmentCondition, SegmentRule } from './context.js';
import { segmentIdentifiers } from './identity-index.js';

const among = (value: string | string[]): SegmentCondition => ({
  property: '$.identity.identifier',
  operator: 'IN',
  value,
});
const is = (value: string): SegmentCondition => ({
  property: '$.identity.identifier',
  operator: 'EQUAL',
  value,
});
const identifiers = (...rules: SegmentRule[]) => {
  const found = segmentIdentifiers({ key: 's', name: 's', rules });
  return found && [...found].sort();
};

describe('segmentIdentifiers', () => {
  it('indexes the identity-override shape Flagsmith produces', () => {
    expect(identifiers({ type: 'ALL', conditions: [among('ann,bob')] })).toEqual(['ann', 'bob']);
    expect(identifiers({ type: 'ALL', conditions: [among('["ann","bob"]')] })).toEqual(['ann', 'bob']);
    expect(identifiers({ type: 'ALL', conditions: [is('ann')] })).toEqual(['ann']);
  });

  it('follows ALL as intersection and ANY as union, through nested rules', () => {
    expect(identifiers({ type: 'ANY', conditions: [is('ann'), among('bob,cy')] })).toEqual([
      'ann',
      'bob',
      'cy',
    ]);
    expect(identifiers({ type: 'ALL', conditions: [among('ann,bob'), among('bob,cy')] })).toEqual(['bob']);
    expect(
      identifiers({ type: 'ALL', conditions: [], rules: [{ type: 'ANY', conditions: [is('ann')] }] }),
    ).toEqual(['ann']);
    expect(
      identifiers({ type: 'ALL', conditions: [among('ann,bob')] }, { type: 'ALL', conditions: [is('bob')] }),
    ).toEqual(['bob']);
  });

  it('leaves alone segments that depend on anything but the identifier', () => {
    expect(identifiers({ type: 'NONE', conditions: [is('ann')] })).toBeUndefined();
    expect(
      identifiers({
        type: 'ALL',
        conditions: [is('ann'), { property: 'plan', operator: 'EQUAL', value: 'pro' }],
      }),
    ).toBeUndefined();
    expect(
      identifiers({ type: 'ALL', conditions: [{ property: '$.identity.key', operator: 'IN', value: 'k' }] }),
    ).toBeUndefined();
    expect(identifiers({ type: 'ALL', conditions: [is('1.0.0:semver')] })).toBeUndefined();
    expect(
      identifiers({ type: 'ALL', conditions: [{ ...is('ann'), operator: 'NOT_EQUAL' }] }),
    ).toBeUndefined();
    expect(identifiers({ type: 'ALL', conditions: [] })).toBeUndefined();
    expect(identifiers()).toBeUndefined();
  });
});
