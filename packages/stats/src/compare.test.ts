import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compare } from './compare.js';
import type { Arm, CompareOptions } from './types.js';

function numbersIn(value: unknown): number[] {
  if (typeof value === 'number') return [value];
  if (Array.isArray(value)) return value.flatMap(numbersIn);
  if (value && typeof value === 'object') return Object.values(value).flatMap(numbersIn);
  return [];
}

describe('compare', () => {
  it('never throws and never gives NaN, whatever the input', () => {
    const odd = [0, 1, 2, -1, 0.5, 1e300, -1e-300, Number.NaN, Number.POSITIVE_INFINITY];
    let i = 0;
    const pick = () => odd[i++ % odd.length];
    const arms = (): Arm[] => [
      { n: pick(), sum: pick() },
      { n: pick(), sum: pick(), sumSquares: pick() },
      { n: pick(), sum: pick(), pre: { sum: pick(), crossSum: pick() } },
      {
        n: pick(),
        numerator: { sum: pick(), sumSquares: pick() },
        denominator: { sum: pick(), sumSquares: pick() },
        crossSum: pick(),
      },
    ];
    const methods: CompareOptions['method'][] = ['frequentist', 'sequential', 'bayesian'];
    for (let round = 0; round < 200; round++) {
      for (const control of arms()) {
        for (const treatment of arms()) {
          const result = compare(control, treatment, {
            method: methods[round % 3],
            sided: round % 2 ? 'two' : 'less',
          });
          expect(numbersIn(result).some(Number.isNaN), JSON.stringify([control, treatment])).toBe(false);
        }
      }
    }
  });

  it('the relative lift is over |control mean|, so it points the way the metric moved', () => {
    const result = compare({ n: 100, sum: -200, sumSquares: 500 }, { n: 100, sum: -150, sumSquares: 300 });
    expect(result.expected).toBeCloseTo(0.25, 12);
  });

  it('a conversion arm is a proportion: the same as a mean arm whose sum of squares is its sum, up to n − 1', () => {
    const conversion = compare({ n: 1000, sum: 100 }, { n: 1000, sum: 130 }, { difference: 'absolute' });
    expect(conversion.stddev).toBeCloseTo(Math.sqrt((0.1 * 0.9 + 0.13 * 0.87) / 1000), 12);
  });

  it('the package source is isomorphic: no Node built-ins outside tests', () => {
    const sources = readdirSync(new URL('.', import.meta.url)).filter(
      (f) => f.endsWith('.ts') && !f.endsWith('.test.ts'),
    );
    expect(sources.length).toBeGreaterThan(5);
    for (const file of sources) {
      expect(readFileSync(new URL(file, import.meta.url), 'utf8'), file).not.toMatch(/from ['"]node:/);
    }
  });
});
