import { describe, expect, it } from 'vitest';
import {
  compareCodePoints,
  IntegralFloat,
  parsePyFloat,
  parsePyInt,
  pyFloatRepr,
  pyStr,
  traitValue,
} from './py-values.js';

describe('pyFloatRepr prints floats as Python repr() does', () => {
  it.each([
    [1e16, '1e+16'],
    [1e15, '1000000000000000.0'],
    [0.0001, '0.0001'],
    [1e-5, '1e-05'],
    [1.5, '1.5'],
    [-0, '-0.0'],
    [2, '2.0'],
    [123456789.123, '123456789.123'],
    [1 / 3, '0.3333333333333333'],
    [2.5e-7, '2.5e-07'],
    [1.7976931348623157e308, '1.7976931348623157e+308'],
    [5e-324, '5e-324'],
    [0.1 + 0.2, '0.30000000000000004'],
    [Number.NaN, 'nan'],
    [-Infinity, '-inf'],
  ])('%d -> %s', (value, text) => {
    expect(pyFloatRepr(value)).toBe(text);
  });
});

describe('pyStr prints values as Python str() does', () => {
  it('prints booleans and None the Python way', () => {
    expect(pyStr(true)).toBe('True');
    expect(pyStr(false)).toBe('False');
    expect(pyStr(null)).toBe('None');
  });

  it('prints integral numbers as ints, others as floats', () => {
    expect(pyStr(42)).toBe('42');
    expect(pyStr(1e21)).toBe('1000000000000000000000');
    expect(pyStr(0.5)).toBe('0.5');
    expect(pyStr(new IntegralFloat(2))).toBe('2.0');
  });

  it('prints nested values with repr() quoting', () => {
    expect(pyStr(['a', 1, ["it's"], { k: 'x"y' }])).toBe(`['a', 1, ["it's"], {'k': 'x"y'}]`);
    expect(pyStr(['a\nb', '\u0000'])).toBe(`['a\\nb', '\\x00']`);
  });
});

describe('parsePyInt and parsePyFloat accept what int() and float() accept', () => {
  it('parses ints with spaces, signs and underscores', () => {
    expect(parsePyInt(' 42\n')).toBe(42);
    expect(parsePyInt('+7')).toBe(7);
    expect(parsePyInt('1_000')).toBe(1000);
    expect(parsePyInt('007')).toBe(7);
  });

  it('rejects what int() rejects', () => {
    for (const text of ['1.0', '', '1__0', '_1', '0x10', 'abc', '1e3'])
      expect(parsePyInt(text)).toBeUndefined();
    expect(parsePyInt(null)).toBeUndefined();
  });

  it('parses floats, including exponents, inf and nan', () => {
    expect(parsePyFloat('2.5')).toBe(2.5);
    expect(parsePyFloat('.5')).toBe(0.5);
    expect(parsePyFloat('5.')).toBe(5);
    expect(parsePyFloat('1e3')).toBe(1000);
    expect(parsePyFloat(' -Infinity ')).toBe(-Infinity);
    expect(parsePyFloat('nan')).toBeNaN();
  });

  it('rejects what float() rejects', () => {
    for (const text of ['', '.', '1.0.0', 'e5', '1e', 'abc', '0x1p3'])
      expect(parsePyFloat(text)).toBeUndefined();
  });
});

describe('traitValue turns number-like trait strings into numbers', () => {
  it('converts integer and decimal strings', () => {
    expect(traitValue('42')).toBe(42);
    expect(traitValue('-3')).toBe(-3);
    expect(traitValue('2.5')).toBe(2.5);
    expect(traitValue('2.0')).toEqual(new IntegralFloat(2));
  });

  it('leaves other strings alone', () => {
    for (const text of ['1.0.0', '1e3', '+1', ' 1', '.5', '5.', 'abc', ''])
      expect(traitValue(text)).toBe(text);
  });

  it('converts exactly the strings the reference patterns accept', () => {
    const integer = /^-?[0-9]+$/;
    const decimal = /^-?[0-9]+\.[0-9]+$/;
    const texts = ['-', '--1', '-1.5', '-.5', '1.', '1..2', '12a', 'a12', '1 ', '1\n', '٣', '١.٥'];
    texts.push('0', '-0', '-0.0', '00.10', '3.7.1', '1.5-', '1.2e3', '9'.repeat(30), `${'9'.repeat(30)}.5`);
    for (const text of texts) {
      const value = traitValue(text);
      if (integer.test(text)) expect(value, text).toBe(Number(text));
      else if (!decimal.test(text)) expect(value, text).toBe(text);
      else if (Number.isInteger(Number(text))) expect(value, text).toEqual(new IntegralFloat(Number(text)));
      else expect(value, text).toBe(Number(text));
    }
  });

  it('reads non-primitives as None', () => {
    expect(traitValue(null)).toBeUndefined();
    expect(traitValue({})).toBeUndefined();
    expect(traitValue(() => 1)).toBeUndefined();
  });
});

describe('compareCodePoints orders like Python strings', () => {
  it('puts astral characters after the rest of the BMP', () => {
    expect('\u{1F600}' < '\uFFFF').toBe(true); // JS code-unit order
    expect(compareCodePoints('\u{1F600}', '\uFFFF')).toBeGreaterThan(0);
  });

  it('orders prefixes first', () => {
    expect(compareCodePoints('ab', 'abc')).toBeLessThan(0);
    expect(compareCodePoints('abc', 'abc')).toBe(0);
  });
});
