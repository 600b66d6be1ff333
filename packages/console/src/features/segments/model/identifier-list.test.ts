import { evaluate } from '@pennon/engine';
import { describe, expect, it } from 'vitest';
import { identifierRule, MAX_IN_ITEMS, parseIdentifierList } from './identifier-list.js';

describe('a list of identifiers uploaded into a segment', () => {
  it('reads one per line, trimmed, skipping blanks and counting repeats once', () => {
    expect(parseIdentifierList(' ada \r\nbob\n\nada\nc,d\n')).toEqual({
      identifiers: ['ada', 'bob', 'c,d'],
      duplicates: 1,
      problems: [],
    });
  });

  it('names what the API would refuse', () => {
    expect(parseIdentifierList('x'.repeat(10_001)).problems).toEqual([
      '1 identifiers are longer than 10000 characters.',
    ]);
  });

  it('splits long lists into IN conditions the API accepts, joined by ANY', () => {
    const ids = Array.from({ length: MAX_IN_ITEMS + 5 }, (_, i) => `user-${i}`);
    const rule = identifierRule(ids);
    expect(rule.type).toBe('ANY');
    expect(rule.conditions?.map((c) => (c.value as string[]).length)).toEqual([MAX_IN_ITEMS, 5]);
    expect(identifierRule(['a']).type).toBe('ALL');
  });

  it('matches exactly the listed identities in the engine, commas included', () => {
    const rule = identifierRule(['ada', 'c,d', ...Array.from({ length: 1500 }, (_, i) => `u${i}`)]);
    const inSegment = (identifier: string) =>
      evaluate({
        environment: { key: 'env', name: 'Env' },
        identity: { identifier, traits: {} },
        segments: { s: { key: 's', name: 'listed', rules: [rule as never] } },
      }).segments.length === 1;
    expect(['ada', 'c,d', 'u1499', 'u0'].map(inSegment)).toEqual([true, true, true, true]);
    expect(['bob', 'c', 'u1500', 'ADA'].map(inSegment)).toEqual([false, false, false, false]);
  });
});
