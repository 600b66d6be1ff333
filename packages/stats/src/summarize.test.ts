import { describe, expect, it } from 'vitest';
import { summarize } from './summarize.js';

describe('summarize', () => {
  it('reads a conversion arm as a proportion', () => {
    expect(summarize({ n: 4, sum: 1 })).toEqual({ n: 4, mean: 0.25, variance: 0.1875 });
  });
  it('reads a mean arm with the sample variance', () => {
    expect(summarize({ n: 3, sum: 6, sumSquares: 14 })).toEqual({ n: 3, mean: 2, variance: 1 });
  });
  it('reads a ratio arm by the delta method', () => {
    const ratio = summarize({
      n: 3,
      numerator: { sum: 3, sumSquares: 5 },
      denominator: { sum: 6, sumSquares: 14 },
      crossSum: 8,
    });
    expect(ratio.mean).toBe(0.5);
    expect(ratio.variance).toBeCloseTo(0.0625, 12);
  });
  it('gives zeros, never NaN, for an empty arm', () => {
    expect(summarize({ n: 0, sum: 0, sumSquares: 0 })).toEqual({ n: 0, mean: 0, variance: 0 });
  });
});
