import { expect, it } from 'vitest';
import { toOpenFeature, userFromContext } from './openfeature.js';

it('maps the targeting key to the identifier and primitive attributes to traits', () => {
  expect(
    userFromContext({ targetingKey: 'u1', plan: 'pro', age: 3, beta: true, none: null, nested: { a: 1 } }),
  ).toEqual({ identifier: 'u1', traits: { plan: 'pro', age: 3, beta: true, none: null } });
  expect(userFromContext({ plan: 'pro' })).toBeUndefined();
});

it("reduces Pennon's reasons to OpenFeature's and keeps the full one in metadata", () => {
  expect(toOpenFeature({ value: 1, reason: 'TARGETING_MATCH; segment=pro', variant: null })).toEqual({
    value: 1,
    reason: 'TARGETING_MATCH',
    flagMetadata: { reason: 'TARGETING_MATCH; segment=pro' },
  });
  expect(
    toOpenFeature({
      value: 0,
      reason: 'ERROR',
      variant: null,
      errorCode: 'TYPE_MISMATCH',
      errorMessage: 'm',
    }),
  ).toMatchObject({ reason: 'ERROR', errorCode: 'TYPE_MISMATCH', errorMessage: 'm' });
});
