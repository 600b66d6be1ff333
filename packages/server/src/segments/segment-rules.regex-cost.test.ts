import { compilePythonRegex, pythonRegexProgramSize } from '@pennon/engine';
import { describe, expect, it } from 'vitest';
import { MAX_TRAIT_STRING_LENGTH } from '../identities/identity-limits.js';
import { MAX_REGEX_PROGRAM_SIZE, normaliseRules } from './segment-rules.js';

const regexRule = (pattern: string) => [
  { type: 'ALL' as const, conditions: [{ property: 'email', operator: 'REGEX' as const, value: pattern }] },
];

describe('the cost of saved regexes', () => {
  it('refuses a pattern whose compiled program is too large (8 s per evaluation before)', () => {
    const attack = '(?:\\w?){1000}'.repeat(40);
    expect(() => normaliseRules(regexRule(attack))).toThrow(
      expect.objectContaining({ code: 'regex_too_complex' }),
    );
    expect(() => normaliseRules(regexRule('^[a-z0-9._%+-]+@example\\.com$'))).not.toThrow();
  });

  it('keeps the worst accepted pattern under 5 ms on the longest trait', () => {
    // The costliest shape per instruction: every position may or may not consume a character.
    let repeats = 1;
    while ((pythonRegexProgramSize(`(?:\\w?){${repeats + 1}}$`) ?? Infinity) <= MAX_REGEX_PROGRAM_SIZE)
      repeats++;
    const largest = `(?:\\w?){${repeats}}$`;
    expect(() => normaliseRules(regexRule(largest))).not.toThrow();
    expect(() => normaliseRules(regexRule(`(?:\\w?){${repeats + 1}}$`))).toThrow();
    const test = compilePythonRegex(largest);
    if (!test) throw new Error('did not compile');
    const trait = 'a'.repeat(MAX_TRAIT_STRING_LENGTH);
    const times: number[] = [];
    for (let i = 0; i < 7; i++) {
      const start = performance.now();
      test(trait);
      times.push(performance.now() - start);
    }
    // The best of several runs: the cost of the match, not of a busy machine.
    expect(Math.min(...times)).toBeLessThan(5);
  });
});
