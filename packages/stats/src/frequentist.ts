import { studentTCdf, studentTQuantile } from './distributions.js';

/** What an interval-and-p-value test gives back. */
export interface TestOutcome {
  stddev: number;
  ci: [number, number];
  pValue: number;
}

/**
 * Welch's unequal-variance t-test on a lift with standard error se = √variance and Welch–Satterthwaite
 * degrees of freedom ν; t = lift / se.
 *
 * - two-sided: p = 2 F(−|t|), interval lift ± t₁₋α/₂,ν · se;
 * - greater (treatment > control): p = F(−t), interval [lift − t₁₋α,ν · se, ∞);
 * - less (treatment < control): p = F(t), interval (−∞, lift + t₁₋α,ν · se].
 *
 * Reference: Welch (1947), Biometrika 34; gbstats `TwoSidedTTest`,
 * `OneSidedTreatmentGreaterTTest`, `OneSidedTreatmentLesserTTest`.
 *
 * @example
 * welchTTest({ estimate: 0.1, variance: 0.0025 }, 200, 0.05, 'two');
 * // { stddev: 0.05, ci: [0.0014…, 0.1985…], pValue: 0.0468… }
 */
export function welchTTest(
  lift: { estimate: number; variance: number },
  degreesOfFreedom: number,
  alpha: number,
  sided: 'two' | 'greater' | 'less',
): TestOutcome {
  const stddev = Math.sqrt(lift.variance);
  const t = lift.estimate / stddev;
  if (sided === 'two') {
    const halfWidth = studentTQuantile(1 - alpha / 2, degreesOfFreedom) * stddev;
    return {
      stddev,
      ci: [lift.estimate - halfWidth, lift.estimate + halfWidth],
      pValue: 2 * studentTCdf(-Math.abs(t), degreesOfFreedom),
    };
  }
  const halfWidth = studentTQuantile(1 - alpha, degreesOfFreedom) * stddev;
  if (sided === 'greater') {
    return {
      stddev,
      ci: [lift.estimate - halfWidth, Number.POSITIVE_INFINITY],
      pValue: studentTCdf(-t, degreesOfFreedom),
    };
  }
  return {
    stddev,
    ci: [Number.NEGATIVE_INFINITY, lift.estimate + halfWidth],
    pValue: studentTCdf(t, degreesOfFreedom),
  };
}
