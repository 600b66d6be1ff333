import { relativeLiftVariance } from './delta-method.js';
import type { ArmEstimates } from './estimates.js';
import type { StatsErrorCode } from './types.js';

/** The lift (relative or absolute) and its variance, or why there is none. */
export type Lift = { estimate: number; variance: number } | { error: StatsErrorCode };

/**
 * The lift and its variance, as gbstats' `EffectMoments`:
 *
 * - absolute: μt − μc, with Var = σt²/nt + σc²/nc;
 * - relative: (μt − μc) / |μc| (μc the observed control mean), with the delta-method variance of
 *   `relativeLiftVariance`.
 *
 * μ are CUPED-adjusted when the arms carry a covariate. Errors: a figure that overflows
 * (`NON_FINITE`), an arm's variance ≤ 0 (`ZERO_VARIANCE`), a relative lift over μc = 0
 * (`ZERO_CONTROL_MEAN`), a lift variance ≤ 0 (`ZERO_VARIANCE`).
 *
 * @example
 * const arm = { n: 100, mean: 2, variance: 1, rawMean: 2, rawVariance: 1, preVariance: 0, covariance: 0 };
 * liftOf({ control: arm, treatment: { ...arm, mean: 3, rawMean: 3 }, theta: 0 }, 'absolute');
 * // { estimate: 1, variance: 0.02 }
 */
export function liftOf(arms: ArmEstimates, difference: 'relative' | 'absolute'): Lift {
  const { control, treatment, theta } = arms;
  const figures = [control.mean, control.variance, treatment.mean, treatment.variance];
  if (!figures.every(Number.isFinite)) return { error: 'NON_FINITE' };
  if (!(control.variance > 0) || !(treatment.variance > 0)) return { error: 'ZERO_VARIANCE' };
  let estimate: number;
  let variance: number;
  if (difference === 'absolute') {
    estimate = treatment.mean - control.mean;
    variance = treatment.variance / treatment.n + control.variance / control.n;
  } else {
    if (control.rawMean === 0) return { error: 'ZERO_CONTROL_MEAN' };
    estimate = (treatment.mean - control.mean) / Math.abs(control.rawMean);
    variance = relativeLiftVariance(control, treatment, theta);
  }
  if (!Number.isFinite(variance) || !Number.isFinite(estimate)) return { error: 'NON_FINITE' };
  if (!(variance > 0)) return { error: 'ZERO_VARIANCE' };
  return { estimate, variance };
}

/**
 * Welch–Satterthwaite degrees of freedom for the difference of two means with unequal variances:
 *
 *   ν = (σt²/nt + σc²/nc)² / (σt⁴/(nt²(nt − 1)) + σc⁴/(nc²(nc − 1)))
 *
 * Reference: Welch (1947), "The generalization of 'Student's' problem when several different
 * population variances are involved", Biometrika 34; Satterthwaite (1946); gbstats `TTest.dof`.
 *
 * @example
 * welchDegreesOfFreedom({ n: 10, variance: 1 }, { n: 10, variance: 1 }); // 18
 */
export function welchDegreesOfFreedom(
  control: { n: number; variance: number },
  treatment: { n: number; variance: number },
): number {
  const vc = control.variance / control.n;
  const vt = treatment.variance / treatment.n;
  return (vc + vt) ** 2 / (vt ** 2 / (treatment.n - 1) + vc ** 2 / (control.n - 1));
}
