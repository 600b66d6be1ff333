import { describe, expect, it } from 'vitest';
import { MAX_VALUE_BYTES, parseValueText, valueSummary, valueToText } from './values.js';

describe('typed value editor', () => {
  it('reads text as the flag type, empty meaning no value', () => {
    expect(parseValueText('string', 'blue')).toEqual({ ok: true, value: 'blue' });
    expect(parseValueText('string', '')).toEqual({ ok: true, value: null });
    expect(parseValueText('number', ' 2.5 ')).toEqual({ ok: true, value: 2.5 });
    expect(parseValueText('number', '')).toEqual({ ok: true, value: null });
    expect(parseValueText('json', '{"a":[1,true]}')).toEqual({ ok: true, value: { a: [1, true] } });
    expect(parseValueText('boolean', 'anything')).toEqual({ ok: true, value: null });
  });

  it('says what is wrong with a bad number or JSON', () => {
    expect(parseValueText('number', 'ten')).toEqual({ ok: false, message: '"ten" is not a finite number.' });
    expect(parseValueText('number', 'Infinity').ok).toBe(false);
    const json = parseValueText('json', '{"a":');
    expect(json.ok).toBe(false);
    expect(!json.ok && json.message).toMatch(/^Not valid JSON: /);
  });

  it('refuses values larger than the API takes', () => {
    const result = parseValueText('string', 'x'.repeat(MAX_VALUE_BYTES));
    expect(result.ok).toBe(false);
    expect(!result.ok && result.message).toContain(`at most ${MAX_VALUE_BYTES}`);
  });

  it('shows stored values back as the editor reads them', () => {
    for (const [type, value] of [
      ['string', 'blue'],
      ['number', 3],
      ['json', { a: [1, 2] }],
    ] as const) {
      expect(parseValueText(type, valueToText(type, value))).toEqual({ ok: true, value });
    }
    expect(valueToText('json', null)).toBe('');
    expect(valueSummary({ long: 'x'.repeat(100) }, 10)).toHaveLength(10);
    expect(valueSummary(null)).toBe('—');
  });
});
