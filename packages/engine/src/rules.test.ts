import { describe, expect, it } from 'vitest';
import type { SegmentCondition, SegmentRule, TraitValue } from './context.js';
import { evaluate } from './evaluate.js';

const yes: SegmentCondition = { property: 'plan', operator: 'EQUAL', value: 'pro' };
const no: SegmentCondition = { property: 'plan', operator: 'EQUAL', value: 'free' };

function inSegment(rules: SegmentRule[], traits: Record<string, TraitValue> = { plan: 'pro' }): boolean {
  const result = evaluate({
    environment: { key: 'env', name: 'Production' },
    identity: { identifier: 'user-1', traits },
    segments: { '1': { key: '1', name: 'segment', rules } },
  });
  return result.segments.length === 1;
}

describe('segment rules', () => {
  it('a segment without rules never matches', () => {
    expect(inSegment([])).toBe(false);
  });

  it('every top-level rule must hold', () => {
    expect(
      inSegment([
        { type: 'ALL', conditions: [yes] },
        { type: 'ALL', conditions: [yes] },
      ]),
    ).toBe(true);
    expect(
      inSegment([
        { type: 'ALL', conditions: [yes] },
        { type: 'ALL', conditions: [no] },
      ]),
    ).toBe(false);
  });

  it('ALL, ANY and NONE quantify the conditions', () => {
    expect(inSegment([{ type: 'ALL', conditions: [yes, no] }])).toBe(false);
    expect(inSegment([{ type: 'ANY', conditions: [no, yes] }])).toBe(true);
    expect(inSegment([{ type: 'ANY', conditions: [no, no] }])).toBe(false);
    expect(inSegment([{ type: 'NONE', conditions: [no, no] }])).toBe(true);
    expect(inSegment([{ type: 'NONE', conditions: [no, yes] }])).toBe(false);
  });

  it('ALL, ANY and NONE of two, three and four conditions follow their truth tables', () => {
    // Distinct conditions, so no two compile to one test.
    const holds: SegmentCondition[] = [
      yes,
      { property: 'plan', operator: 'NOT_EQUAL', value: 'free' },
      { property: 'plan', operator: 'IN', value: 'pro,team' },
      { property: 'plan', operator: 'CONTAINS', value: 'r' },
    ];
    const fails: SegmentCondition[] = [
      no,
      { property: 'plan', operator: 'NOT_EQUAL', value: 'pro' },
      { property: 'plan', operator: 'IN', value: 'free,team' },
      { property: 'plan', operator: 'CONTAINS', value: 'z' },
    ];
    for (let size = 2; size <= 4; size++) {
      for (let mask = 0; mask < 1 << size; mask++) {
        const outcomes = Array.from({ length: size }, (_, i) => (mask & (1 << i)) !== 0);
        const conditions = outcomes.map((held, i) => (held ? holds[i] : fails[i]));
        const label = outcomes.join(',');
        expect(inSegment([{ type: 'ALL', conditions }]), `ALL ${label}`).toBe(outcomes.every(Boolean));
        expect(inSegment([{ type: 'ANY', conditions }]), `ANY ${label}`).toBe(outcomes.some(Boolean));
        expect(inSegment([{ type: 'NONE', conditions }]), `NONE ${label}`).toBe(!outcomes.some(Boolean));
      }
    }
  });

  it('conditions tested cheapest first give the outcome of any order', () => {
    // A split, a regex and a version next to plain comparisons: the rule reorders them by cost.
    const costly: SegmentCondition[] = [
      { property: '', operator: 'PERCENTAGE_SPLIT', value: '50' },
      { property: 'email', operator: 'REGEX', value: '.*@acme\\.com' },
      { property: 'version', operator: 'GREATER_THAN', value: '2.0.0:semver' },
      yes,
      no,
    ];
    const traits = { plan: 'pro', email: 'ann@acme.com', version: '1.5.0' };
    const permutations = (items: SegmentCondition[]): SegmentCondition[][] =>
      items.length <= 1
        ? [items]
        : items.flatMap((item, i) =>
            permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]),
          );
    for (const type of ['ALL', 'ANY', 'NONE'] as const) {
      for (const conditions of [costly.slice(0, 3), costly.slice(1, 4), costly.slice(2)]) {
        const outcomes = new Set(
          permutations(conditions).map((c) => inSegment([{ type, conditions: c }], traits)),
        );
        expect(outcomes.size).toBe(1);
      }
    }
  });

  it('an empty list of conditions or sub-rules holds, whatever the type', () => {
    expect(inSegment([{ type: 'ANY', conditions: [] }])).toBe(true);
    expect(inSegment([{ type: 'NONE', conditions: [], rules: [] }])).toBe(true);
  });

  it('sub-rules are quantified by the parent type too', () => {
    const one: SegmentRule = { type: 'ALL', conditions: [yes] };
    const other: SegmentRule = { type: 'ALL', conditions: [no] };
    expect(inSegment([{ type: 'ANY', rules: [other, one] }])).toBe(true);
    expect(inSegment([{ type: 'ALL', rules: [other, one] }])).toBe(false);
    expect(inSegment([{ type: 'NONE', rules: [other, one] }])).toBe(false);
    expect(inSegment([{ type: 'NONE', rules: [other] }])).toBe(true);
  });

  it('conditions and sub-rules must both hold', () => {
    expect(inSegment([{ type: 'ANY', conditions: [no], rules: [{ type: 'ALL', conditions: [yes] }] }])).toBe(
      false,
    );
    expect(inSegment([{ type: 'ANY', conditions: [yes], rules: [{ type: 'ALL', conditions: [yes] }] }])).toBe(
      true,
    );
  });

  it('decides conditions on the environment once, and still combines them right', () => {
    const production: SegmentCondition = {
      property: '$.environment.name',
      operator: 'EQUAL',
      value: 'Production',
    };
    const staging: SegmentCondition = { ...production, value: 'Staging' };
    expect(inSegment([{ type: 'ALL', conditions: [production, yes] }])).toBe(true);
    expect(inSegment([{ type: 'ALL', conditions: [staging, yes] }])).toBe(false);
    expect(inSegment([{ type: 'ANY', conditions: [staging, yes] }])).toBe(true);
    expect(inSegment([{ type: 'NONE', conditions: [staging] }])).toBe(true);
  });

  it('an unknown rule type holds only over empty lists', () => {
    expect(inSegment([{ type: 'SOME' as 'ALL', conditions: [yes] }])).toBe(false);
    expect(inSegment([{ type: 'SOME' as 'ALL', conditions: [] }])).toBe(true);
  });

  it('malformed rules and conditions are false, never thrown', () => {
    expect(inSegment([null as unknown as SegmentRule])).toBe(false);
    expect(inSegment([{ type: 'ANY', conditions: [null as unknown as SegmentCondition, yes] }])).toBe(true);
  });
});
