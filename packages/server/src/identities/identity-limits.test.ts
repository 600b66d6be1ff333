import { describe, expect, it } from 'vitest';
import {
  MAX_IDENTIFIER_LENGTH,
  MAX_TRAIT_KEY_LENGTH,
  MAX_TRAIT_STRING_LENGTH,
  MAX_TRAITS_PER_IDENTITY,
  validateIdentifier,
  validateTraits,
} from './identity-limits.js';

const codeOf = (error: { code: string; kind: string } | undefined) =>
  error ? `${error.kind}:${error.code}` : undefined;

describe('validateTraits', () => {
  it('accepts scalars, null, limits exactly reached, in list or object form', () => {
    const list = [
      { key: 's', value: 'x'.repeat(MAX_TRAIT_STRING_LENGTH) },
      { key: 'k'.repeat(MAX_TRAIT_KEY_LENGTH), value: 1.5 },
      { key: 'b', value: false },
      { key: 'gone', value: null },
    ];
    expect(validateTraits(list)).toBeUndefined();
    expect(validateTraits(Object.fromEntries(list.map((t) => [t.key, t.value])))).toBeUndefined();
    const full = Array.from({ length: MAX_TRAITS_PER_IDENTITY }, (_, i) => ({ key: `t${i}`, value: i }));
    expect(validateTraits(full)).toBeUndefined();
    expect(validateTraits([])).toBeUndefined();
  });

  it('counts characters as code points, as JSON Schema maxLength does', () => {
    expect(validateTraits({ emoji: '😀'.repeat(MAX_TRAIT_STRING_LENGTH) })).toBeUndefined();
    expect(codeOf(validateTraits({ emoji: '😀'.repeat(MAX_TRAIT_STRING_LENGTH + 1) }))).toBe(
      'invalid:trait_value_too_long',
    );
  });

  it.each([
    [
      'too_many_traits',
      Array.from({ length: MAX_TRAITS_PER_IDENTITY + 1 }, (_, i) => ({ key: `t${i}`, value: i })),
    ],
    ['trait_key_too_long', [{ key: 'k'.repeat(MAX_TRAIT_KEY_LENGTH + 1), value: 1 }]],
    ['trait_value_too_long', [{ key: 'k', value: 'v'.repeat(MAX_TRAIT_STRING_LENGTH + 1) }]],
    ['invalid_trait_value', [{ key: 'k', value: { a: 1 } }]],
    ['invalid_trait_value', [{ key: 'k', value: [1] }]],
    ['invalid_trait_value', [{ key: 'k', value: undefined }]],
    ['invalid_trait_value', [{ key: 'k', value: Number.POSITIVE_INFINITY }]],
    ['invalid_trait_value', [{ key: 'k', value: Number.NaN }]],
    ['invalid_trait_key', [{ key: '', value: 1 }]],
    ['invalid_trait_key', [{ key: 7, value: 1 }]],
    ['invalid_trait_key', [{ key: 'a\u0000b', value: 1 }]],
    ['invalid_trait_key', [{ key: 'lone\uD800', value: 1 }]],
  ])('refuses %s', (code, traits) => {
    expect(codeOf(validateTraits(traits))).toBe(`invalid:${code}`);
  });
});

describe('validateIdentifier', () => {
  it('accepts up to the limit, any text but NUL and lone surrogates', () => {
    expect(validateIdentifier('x'.repeat(MAX_IDENTIFIER_LENGTH))).toBeUndefined();
    expect(validateIdentifier('user@example.com / ünï 😀')).toBeUndefined();
  });

  it.each([
    ['identifier_too_long', 'x'.repeat(MAX_IDENTIFIER_LENGTH + 1)],
    ['invalid_identifier', ''],
    ['invalid_identifier', 'a\u0000'],
    ['invalid_identifier', '\uDC00x'],
    ['invalid_identifier', 42],
  ])('refuses %s', (code, identifier) => {
    expect(codeOf(validateIdentifier(identifier))).toBe(`invalid:${code}`);
  });
});
