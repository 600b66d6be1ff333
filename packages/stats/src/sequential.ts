import type { TestOutcome } from './frequentist.js';

/**
 * The mixing parameter ρ of the normal-mixture confidence sequence, chosen so the sequence is
 * narrowest when the total sample size reaches N*:
 *
 *   ρ = √((−2 ln a + ln(1 − 2 ln a)) / N*),  a = α two-sided, 2α one-sided.
 *
 * Reference: Howard, Ramdas, McAuliffe & Sekhon (2021), "Time-uniform, nonparametric, nonasymptotic
 * confidence sequences", Annals of Statistics, eq. 3.22; Waudby-Smith et al. (2023),
 * "Anytime-valid off-policy inference for contextual bandits", arXiv:2103.06476v7, eq. 161;
 * gbstats `sequential_rho`.
 *
 * @example
 * sequentialRho(0.05, 5000, 'two'); // 0.03984…
 */
export function sequentialRho(alpha: number, tuning: number, sided: 'two' | 'greater' | 'less'): number {
  const a = sided === 'two' ? alpha : 2 * alpha;
  return Math.sqrt((-2 * Math.log(a) + Math.log(1 - 2 * Math.log(a))) / tuning);
}

/**
 * Always-valid (asymptotic) confidence sequence and p-value for a lift after N units in total.
 * With s² = N · se² and ρ from `sequentialRho`:
 *
 * - two-sided half-width √(s² · 2(Nρ² + 1) / (N²ρ²) · ln(√(Nρ² + 1) / α)), and the p-value
 *   min(1, 1/E) = min(1, √(Nρ² + 1) · exp(−ρ² N lift² / (2 se² (Nρ² + 1)))), the reciprocal of
 *   the normal-mixture e-value E (Waudby-Smith et al. 2023, eq. 155);
 * - one-sided half-width √(s² · 2(Nρ² + 1) / (N²ρ²) · ln(1 + √(Nρ² + 1) / (2α))), open on the other
 *   end, and the p-value as the smallest α at which that bound excludes 0, solved in closed form
 *   (gbstats finds the same by bisection); 1 when the lift points the other way.
 *
 * Reference: Waudby-Smith et al. (2023), arXiv:2103.06476v7, eq. 9 and 155; gbstats
 * `SequentialTwoSidedTTest`, `SequentialOneSidedTreatmentGreaterTTest`,
 * `SequentialOneSidedTreatmentLesserTTest`.
 *
 * @example
 * sequentialTest({ estimate: 0.1, variance: 0.0025 }, 2000, 0.05, 'two', 5000);
 * // { stddev: 0.05, ci: [−0.0562…, 0.2562…], pValue: 0.446… }
 */
export function sequentialTest(
  lift: { estimate: number; variance: number },
  totalUnits: number,
  alpha: number,
  sided: 'two' | 'greater' | 'less',
  tuning: number,
): TestOutcome {
  const stddev = Math.sqrt(lift.variance);
  const n = totalUnits;
  const rho = sequentialRho(alpha, tuning, sided);
  const nRho2 = n * rho ** 2;
  const s2 = lift.variance * n;
  const scale = (2 * (nRho2 + 1)) / (n * rho) ** 2;
  const estimate = lift.estimate;
  if (sided === 'two') {
    const halfWidth = Math.sqrt(s2 * scale * Math.log(Math.sqrt(nRho2 + 1) / alpha));
    // ρ²·N·lift²/se² is ρ² S²/σ² for the running sum S; kept in log space so it never overflows.
    const logE =
      (rho ** 2 * ((estimate ** 2 * n) / lift.variance)) / (2 * (nRho2 + 1)) - 0.5 * Math.log(nRho2 + 1);
    return {
      stddev,
      ci: [estimate - halfWidth, estimate + halfWidth],
      pValue: Math.min(1, Math.exp(-logE)),
    };
  }
  const halfWidth = Math.sqrt(s2 * scale * Math.log(1 + Math.sqrt(nRho2 + 1) / (2 * alpha)));
  const towards = sided === 'greater' ? estimate > 0 : estimate < 0;
  // Solve lift² = s²·scale·ln(1 + √(Nρ²+1) / (2p)) for p.
  const pValue = towards
    ? Math.min(1, Math.sqrt(nRho2 + 1) / (2 * Math.expm1(estimate ** 2 / (s2 * scale))))
    : 1;
  return {
    stddev,
    ci:
      sided === 'greater'
        ? [estimate - halfWidth, Number.POSITIVE_INFINITY]
        : [Number.NEGATIVE_INFINITY, estimate + halfWidth],
    pValue,
  };
}
