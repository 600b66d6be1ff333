import { describe, expect, it } from 'vitest';
import { parseTrait, traitToText } from './traits.js';

describe('traits typed in the console', () => {
  it('types booleans and numbers as SDKs send them, the rest as strings', () => {
    expect(parseTrait(' plan ', 'pro')).toEqual({ ok: true, key: 'plan', value: 'pro' });
    expect(parseTrait('seats', '12')).toEqual({ ok: true, key: 'seats', value: 12 });
    expect(parseTrait('ratio', '-0.5')).toEqual({ ok: true, key: 'ratio', value: -0.5 });
    expect(parseTrait('beta', 'true')).toEqual({ ok: true, key: 'beta', value: true });
    expect(parseTrait('zip', '"01234"')).toEqual({ ok: true, key: 'zip', value: '01234' });
    expect(parseTrait('hex', '0x10')).toEqual({ ok: true, key: 'hex', value: '0x10' });
  });

  it('says what is missing', () => {
    expect(parseTrait('', 'x')).toEqual({ ok: false, message: 'A trait needs a key.' });
    expect(parseTrait('plan', ' ')).toEqual({
      ok: false,
      message: 'Give "plan" a value, or delete the trait.',
    });
  });

  it('reads stored values back so that saving them again keeps their type', () => {
    for (const value of ['pro', '12', 'true', 12, false, '"quoted"']) {
      const text = traitToText(value);
      expect(parseTrait('k', text)).toEqual({ ok: true, key: 'k', value });
    }
  });
});
