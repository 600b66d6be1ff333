import { describe, expect, it } from 'vitest';
import { inListValues } from './in-list.js';

describe('inListValues', () => {
  it('prints list items with str()', () => {
    expect(inListValues(['a', 1, true, null])).toEqual(['a', '1', 'True', 'None']);
  });

  it('decodes JSON arrays the way Python json.loads then str() does', () => {
    // Expected values printed by CPython 3.
    const json =
      '[1, 1.0, 1e2, -0, true, null, "a", [1, "b"], {"k": "v"}, NaN, -Infinity, 1E400, 12345678901234567890, "it\'s"]';
    expect(inListValues(json)).toEqual([
      '1',
      '1.0',
      '100.0',
      '0',
      'True',
      'None',
      'a',
      "[1, 'b']",
      "{'k': 'v'}",
      'nan',
      '-inf',
      'inf',
      '12345678901234567890',
      "it's",
    ]);
    expect(inListValues(' ["\\u00e9", "a\\nb"] ')).toEqual(['é', 'a\nb']);
  });

  it('splits on commas when the text is not a JSON array', () => {
    expect(inListValues('a,b')).toEqual(['a', 'b']);
    expect(inListValues('[a,b]')).toEqual(['[a', 'b]']);
    expect(inListValues('[1,]')).toEqual(['[1', ']']);
    expect(inListValues('"a,b"')).toEqual(['"a', 'b"']);
    expect(inListValues('')).toEqual(['']);
  });

  it('gives nothing for values that are neither lists nor strings', () => {
    expect(inListValues(null)).toEqual([]);
    expect(inListValues(5)).toEqual([]);
  });
});
