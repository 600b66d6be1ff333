import { describe, expect, it } from 'vitest';
import { welchTTest } from './frequentist.js';
import { sequentialTest } from './sequential.js';

const lift = { estimate: 0.06, variance: 0.0004 };

describe('sequential testing', () => {
  it('the two-sided p-value makes the bound at that α exactly zero, and agrees with the interval', () => {
    const n = 8000;
    const { pValue, ci } = sequentialTest(lift, n, 0.05, 'two', 5000);
    // The bound at α = p with the ρ of α = 0.05: the e-value and the sequence are one construction.
    const rho2 = (-2 * Math.log(0.05) + Math.log(1 - 2 * Math.log(0.05))) / 5000;
    const scale = (2 * (n * rho2 + 1)) / (n * n * rho2);
    const bound =
      lift.estimate - Math.sqrt(lift.variance * n * scale * Math.log(Math.sqrt(n * rho2 + 1) / pValue));
    expect(bound).toBeCloseTo(0, 12);
    expect(pValue < 0.05).toBe(ci[0] > 0);
    for (const estimate of [0.02, 0.08, 0.12]) {
      const other = sequentialTest({ ...lift, estimate }, n, 0.05, 'two', 5000);
      expect(other.pValue < 0.05).toBe(other.ci[0] > 0);
    }
  });

  it('a one-sided p-value makes the bound at that α exactly zero', () => {
    const n = 8000;
    const greater = sequentialTest(lift, n, 0.05, 'greater', 5000);
    // Rebuild the bound at α = p with the ρ of α = 0.05, as the closed form solves it.
    const rho2 = (-2 * Math.log(0.1) + Math.log(1 - 2 * Math.log(0.1))) / 5000;
    const scale = (2 * (n * rho2 + 1)) / (n * n * rho2);
    const bound =
      lift.estimate -
      Math.sqrt(lift.variance * n * scale * Math.log(1 + Math.sqrt(n * rho2 + 1) / (2 * greater.pValue)));
    expect(bound).toBeCloseTo(0, 12);
    expect(sequentialTest(lift, n, 0.05, 'less', 5000).pValue).toBe(1);
  });

  it('is always wider than the fixed-horizon interval: the price of peeking', () => {
    for (const n of [200, 5000, 100_000]) {
      const sequential = sequentialTest(lift, n, 0.05, 'two', 5000);
      const fixed = welchTTest(lift, n - 2, 0.05, 'two');
      expect(sequential.ci[1] - sequential.ci[0]).toBeGreaterThan(fixed.ci[1] - fixed.ci[0]);
      expect(sequential.pValue).toBeGreaterThan(fixed.pValue);
    }
  });

  it('a huge effect gives a p-value of 0, not NaN', () => {
    expect(sequentialTest({ estimate: 5, variance: 1e-6 }, 10_000, 0.05, 'two', 5000).pValue).toBe(0);
    expect(sequentialTest({ estimate: 5, variance: 1e-6 }, 10_000, 0.05, 'greater', 5000).pValue).toBe(0);
  });
});
