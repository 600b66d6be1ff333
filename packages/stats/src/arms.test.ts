import { describe, expect, it } from 'vitest';
import { quantityCovariance, quantityMean, quantityVariance, ratioMoments, validateArms } from './arms.js';

const sum = (xs: number[]) => xs.reduce((s, x) => s + x, 0);
const dot = (xs: number[], ys: number[]) => sum(xs.map((x, i) => x * ys[i]));

describe('sufficient statistics', () => {
  const xs = [3, 7, 1, 9, 4, 4];
  const ys = [2, 5, 1, 8, 2, 6];
  const quantity = (values: number[]) => ({
    n: values.length,
    sum: sum(values),
    sumSquares: dot(values, values),
  });

  it('a mean arm has the sample variance (n − 1) of its values', () => {
    const mean = sum(xs) / xs.length;
    const direct = sum(xs.map((x) => (x - mean) ** 2)) / (xs.length - 1);
    expect(quantityMean(quantity(xs))).toBeCloseTo(mean, 12);
    expect(quantityVariance(quantity(xs))).toBeCloseTo(direct, 12);
  });

  it('a conversion arm has the variance p(1 − p)', () => {
    expect(quantityVariance({ n: 40, sum: 10 })).toBeCloseTo(0.1875, 12);
  });

  it('the covariance from Σxy is the sample covariance, or 1/n for two proportions', () => {
    const mx = sum(xs) / xs.length;
    const my = sum(ys) / ys.length;
    const direct = sum(xs.map((x, i) => (x - mx) * (ys[i] - my))) / (xs.length - 1);
    expect(quantityCovariance(xs.length, quantity(xs), quantity(ys), dot(xs, ys))).toBeCloseTo(direct, 12);
    const a = [1, 0, 1, 1, 0];
    const b = [1, 0, 0, 1, 1];
    const proportions = quantityCovariance(5, { n: 5, sum: 3 }, { n: 5, sum: 3 }, dot(a, b));
    expect(proportions).toBeCloseTo(2 / 5 - 9 / 25, 12);
  });

  it('a ratio arm is Σm / Σd with a delta-method variance that vanishes when m is proportional to d', () => {
    const d = [2, 5, 1, 8, 2, 6];
    const m = d.map((x) => 0.5 * x);
    const arm = {
      n: 6,
      numerator: { sum: sum(m), sumSquares: dot(m, m) },
      denominator: { sum: sum(d), sumSquares: dot(d, d) },
      crossSum: dot(m, d),
    };
    const { mean, variance } = ratioMoments(arm);
    expect(mean).toBeCloseTo(0.5, 12);
    expect(Math.abs(variance)).toBeLessThan(1e-12);
  });
});

describe('validateArms', () => {
  const conversion = { n: 100, sum: 10 };
  it.each([
    ['NON_FINITE', { n: 100, sum: Number.NaN }, conversion],
    ['MISMATCHED_ARMS', conversion, { n: 100, sum: 10, sumSquares: 10 }],
    ['MISMATCHED_ARMS', { ...conversion, pre: { sum: 3, crossSum: 1 } }, conversion],
    ['NO_DATA', { n: 0, sum: 0 }, conversion],
    ['TOO_FEW_UNITS', { n: 1, sum: 1 }, conversion],
  ] as const)('%s', (code, control, treatment) => {
    expect(validateArms(control, treatment)).toBe(code);
  });

  it('accepts two arms of one kind', () => {
    expect(validateArms(conversion, { n: 90, sum: 12 })).toBeUndefined();
  });
});
