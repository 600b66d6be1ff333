import { normalCdfAt, normalPdfAt, normalQuantileAt } from './distributions.js';

/** What the Bayesian test gives back: the posterior on the lift and what to decide from it. */
export interface BayesianOutcome {
  expected: number;
  stddev: number;
  ci: [number, number];
  chanceToWin: number;
  risk: [number, number];
}

/**
 * Expected loss of each decision under a normal posterior N(μ, σ²) on the lift, with z = μ/σ:
 *
 * - choosing control forgoes the gain: E[max(0, Δ)] = μ Φ(z) + σ φ(z);
 * - choosing treatment risks the loss: E[max(0, −Δ)] = σ φ(z) − μ Φ(−z).
 *
 * These are P(Δ > 0)·E[Δ | Δ > 0] and −P(Δ < 0)·E[Δ | Δ < 0], the truncated-normal means gbstats'
 * `EffectBayesianABTest.get_risk` computes. Reference: Stucchio (2015), "Bayesian A/B Testing at VWO";
 * Johnson & Kotz, truncated normal moments.
 *
 * @example
 * normalExpectedLoss(0, 1); // [0.398942…, 0.398942…]
 */
export function normalExpectedLoss(mean: number, stddev: number): [number, number] {
  const z = mean / stddev;
  const density = stddev * normalPdfAt(z);
  return [mean * normalCdfAt(z) + density, density - mean * normalCdfAt(-z)];
}

/**
 * Bayesian test on the lift: the data give a normal likelihood N(lift, se²) (the same delta-method
 * moments as the frequentist tests), combined with a normal prior N(m₀, τ²) by precision weighting,
 *
 *   1/σ² = 1/se² + 1/τ²,  μ = σ² (lift/se² + m₀/τ²),
 *
 * or taken as it is under a flat prior. Chance to win is P(Δ > 0) (P(Δ < 0) when lower is better),
 * the interval is the equal-tailed 1 − α credible interval (one-sided when asked), and the risk is
 * `normalExpectedLoss`, swapped when lower is better: [if control is chosen, if treatment is].
 *
 * Reference: Gelman et al., "Bayesian Data Analysis" (3rd ed.), §2.5 (normal mean with known
 * variance); gbstats `EffectBayesianABTest`.
 *
 * @example
 * bayesianTest({ estimate: 0.1, variance: 0.0025 }, 0.05, 'two', undefined, false);
 * // { expected: 0.1, stddev: 0.05, ci: [0.00200…, 0.19799…], chanceToWin: 0.97725…, risk: [0.10042…, 0.00042…] }
 */
export function bayesianTest(
  lift: { estimate: number; variance: number },
  alpha: number,
  sided: 'two' | 'greater' | 'less',
  prior: { mean: number; variance: number } | undefined,
  inverse: boolean,
): BayesianOutcome {
  const precision = 1 / lift.variance + (prior ? 1 / prior.variance : 0);
  const expected = prior
    ? (lift.estimate / lift.variance + prior.mean / prior.variance) / precision
    : lift.estimate;
  const stddev = Math.sqrt(1 / precision);
  const ci: [number, number] =
    sided === 'two'
      ? [normalQuantileAt(alpha / 2, expected, stddev), normalQuantileAt(1 - alpha / 2, expected, stddev)]
      : sided === 'greater'
        ? [normalQuantileAt(alpha, expected, stddev), Number.POSITIVE_INFINITY]
        : [Number.NEGATIVE_INFINITY, normalQuantileAt(1 - alpha, expected, stddev)];
  // P(Δ > 0) as Φ(μ/σ) rather than 1 − Φ(−μ/σ), exact in both tails.
  const chanceGreater = normalCdfAt(expected / stddev);
  const [lossIfControl, lossIfTreatment] = normalExpectedLoss(expected, stddev);
  return {
    expected,
    stddev,
    ci,
    chanceToWin: inverse ? normalCdfAt(-expected / stddev) : chanceGreater,
    risk: inverse ? [lossIfTreatment, lossIfControl] : [lossIfControl, lossIfTreatment],
  };
}
