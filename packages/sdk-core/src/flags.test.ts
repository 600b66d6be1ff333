import { expect, it } from 'vitest';
import { type Flag, resolveValue } from './flags.js';

const flag = (overrides: Partial<Flag>): Flag => ({
  key: 'f',
  type: 'string',
  enabled: true,
  value: 'v',
  reason: 'DEFAULT',
  variant: null,
  ...overrides,
});

it('returns the value with its reason and variant when the kind matches', () => {
  expect(resolveValue(flag({ reason: 'SPLIT; weight=50', variant: 'b' }), 'string', 'd')).toEqual({
    value: 'v',
    reason: 'SPLIT; weight=50',
    variant: 'b',
  });
  expect(resolveValue(flag({ type: 'json', value: { a: 1 } }), 'object', {})).toMatchObject({
    value: { a: 1 },
  });
});

it('falls back to the default for a missing flag, a disabled one, and a kind mismatch, saying why', () => {
  expect(resolveValue(undefined, 'boolean', true)).toMatchObject({
    value: true,
    reason: 'ERROR',
    errorCode: 'FLAG_NOT_FOUND',
  });
  const disabled = flag({ enabled: false, reason: 'DISABLED' });
  delete disabled.value;
  expect(resolveValue(disabled, 'string', 'd')).toEqual({ value: 'd', reason: 'DISABLED', variant: null });
  expect(resolveValue(flag({}), 'number', 7)).toMatchObject({ value: 7, errorCode: 'TYPE_MISMATCH' });
  expect(resolveValue(flag({ value: null }), 'object', {})).toMatchObject({ errorCode: 'TYPE_MISMATCH' });
});
