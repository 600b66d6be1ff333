import { describe, expect, it } from 'vitest';
import { compilePythonRegex } from './python-regex.js';

function pythonMatch(pattern: string, text: string): boolean {
  const matches = compilePythonRegex(pattern);
  return matches?.(text) ?? false;
}

describe('compilePythonRegex follows Python re.match', () => {
  it('anchors at the start only', () => {
    expect(pythonMatch('[a-z]+', 'abc123')).toBe(true);
    expect(pythonMatch('b', 'abc')).toBe(false);
    expect(pythonMatch('x|b', 'abc')).toBe(false);
    expect(pythonMatch('\\d*[13579]$', '123')).toBe(true);
  });

  // Expected values were produced by CPython 3 `bool(re.match(pattern, text))`.
  it.each([
    ['abc$', 'abc\n', true],
    ['\\d', '\u0663', true],
    ['\\w+', 'é', true],
    ['[[:alpha:]]', 'a]', true],
    ['[[:alpha:]]', 'a', false],
    ['a{,2}b', 'aab', true],
    ['[\\W]', 'é', false],
    ['[\\Wa]', ' ', true],
    ['\\s', '\x1c', true],
    ['\\S', '\u200b', true],
    ['(?i)ABC', 'abc', true],
    ['\\u00e9', 'é', true],
    ['x\\Z', 'x', true],
    ['(?#comment)a', 'a', true],
    ['a\\ b', 'a b', true],
    ['[\\d]', '\u0663', true],
    ['\\x41', 'A', true],
    ['\\101', 'A', true],
    ['[\\1]', '\x01', true],
    ['(?u)a', 'a', true],
    ['(?s).', '\n', true],
    ['.', '\n', false],
    ['(?m)a$', 'a\nb', true],
    ['(?P<word>[a-z]+)-(?P<n>\\d+)', 'ab-12', true],
  ])('re.match(%j, %j) is %s', (pattern, text, expected) => {
    expect(pythonMatch(pattern, text)).toBe(expected);
  });

  it('gives no matcher for syntax RE2 cannot run or Python rejects', () => {
    for (const pattern of [
      '(a)\\1',
      '(?=a)a',
      '(?<=a)b',
      '(?P=x)',
      '(?x) a',
      '\\N{DIGIT ONE}',
      '(',
      '[a',
      '\\',
      '\\q',
      'a{1001}',
    ]) {
      expect(compilePythonRegex(pattern), pattern).toBeUndefined();
    }
  });

  it('runs in linear time on catastrophic-backtracking patterns', () => {
    const trait = 'a'.repeat(50_000);
    expect(pythonMatch('(a+)+$', `${trait}b`)).toBe(false);
    expect(pythonMatch('(a+)+$', trait)).toBe(true);
    expect(pythonMatch('(a|aa)*c', trait)).toBe(false);
  });
});
