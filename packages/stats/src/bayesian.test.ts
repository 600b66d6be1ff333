import { describe, expect, it } from 'vitest';
import { bayesianTest, normalExpectedLoss } from './bayesian.js';

describe('Bayesian test', () => {
  it('expected losses differ by the posterior mean: E[max(0, Δ)] − E[max(0, −Δ)] = E[Δ]', () => {
    for (const [mean, sd] of [
      [0.03, 0.02],
      [-0.1, 0.05],
      [0, 1],
    ]) {
      const [ifControl, ifTreatment] = normalExpectedLoss(mean, sd);
      expect(ifControl - ifTreatment).toBeCloseTo(mean, 12);
      expect(ifControl).toBeGreaterThan(0);
      expect(ifTreatment).toBeGreaterThan(0);
    }
  });

  it('a normal prior shrinks the lift towards its mean by precision weighting', () => {
    const lift = { estimate: 0.1, variance: 0.0025 };
    const flat = bayesianTest(lift, 0.05, 'two', undefined, false);
    const shrunk = bayesianTest(lift, 0.05, 'two', { mean: 0, variance: 0.0025 }, false);
    expect(flat.expected).toBe(0.1);
    expect(shrunk.expected).toBeCloseTo(0.05, 12);
    expect(shrunk.stddev).toBeCloseTo(Math.sqrt(0.00125), 12);
  });

  it('lower is better: the chance to win is the other tail and the risks swap', () => {
    const lift = { estimate: 0.02, variance: 0.0001 };
    const higher = bayesianTest(lift, 0.05, 'two', undefined, false);
    const lower = bayesianTest(lift, 0.05, 'two', undefined, true);
    expect(lower.chanceToWin).toBeCloseTo(1 - higher.chanceToWin, 12);
    expect(lower.risk).toEqual([higher.risk[1], higher.risk[0]]);
    expect(lower.ci).toEqual(higher.ci);
  });
});
