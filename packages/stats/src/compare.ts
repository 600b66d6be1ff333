import { validateArms } from './arms.js';
import { bayesianTest } from './bayesian.js';
import { estimateArms } from './estimates.js';
import { welchTTest } from './frequentist.js';
import { liftOf, welchDegreesOfFreedom } from './lift.js';
import { type ResolvedOptions, resolveOptions } from './options.js';
import { sequentialTest } from './sequential.js';
import type { Arm, CompareOptions, Comparison, StatsErrorCode } from './types.js';

// The observed mean of an arm that may be malformed: callers from JavaScript can pass anything.
function observedMean(arm: Arm): number {
  let mean = 0;
  if ('numerator' in arm) {
    if (arm.denominator?.sum) mean = arm.numerator?.sum / arm.denominator.sum;
  } else if (arm.n) {
    mean = arm.sum / arm.n;
  }
  return Number.isFinite(mean) ? mean : 0;
}

function uninformative(
  control: Arm,
  treatment: Arm,
  method: ResolvedOptions['method'] | undefined,
  error: StatsErrorCode,
): Comparison {
  const base = {
    controlMean: observedMean(control),
    treatmentMean: observedMean(treatment),
    expected: 0,
    stddev: 0,
    ci: [0, 0] as [number, number],
  };
  return method === 'bayesian'
    ? { ...base, chanceToWin: 0.5, risk: [0, 0], error }
    : { ...base, pValue: 1, error };
}

/**
 * Compares a treatment arm with the control arm from their sufficient statistics: one result shape
 * whatever the metric kind and method.
 *
 * - Mean arms use the sample variance (n − 1); conversion arms p(1 − p); ratio arms the delta method.
 * - Arms carrying `pre` are CUPED-adjusted with θ pooled over both arms.
 * - `frequentist` is Welch's t-test (Welch–Satterthwaite ν), `sequential` an always-valid confidence
 *   sequence tuned by N*, `bayesian` a normal posterior on the lift with chance to win and risk.
 * - The relative lift (μt − μc)/|μc| has its variance by the delta method.
 *
 * Degenerate input never throws and never gives NaN: the result is uninformative and `error` says
 * why (see `StatsErrorCode`).
 *
 * @example
 * const result = compare(
 *   { n: 5000, sum: 600 },
 *   { n: 5000, sum: 680 },
 *   { difference: 'relative', alpha: 0.05 },
 * );
 * // result.expected ≈ 0.133, result.pValue ≈ 0.0246, result.ci ≈ [0.017, 0.250]
 */
export function compare(control: Arm, treatment: Arm, options?: CompareOptions): Comparison {
  const resolved = resolveOptions(options);
  if (typeof resolved === 'string') return uninformative(control, treatment, options?.method, resolved);
  const armError = validateArms(control, treatment);
  if (armError) return uninformative(control, treatment, resolved.method, armError);

  const arms = estimateArms(control, treatment);
  const lift = liftOf(arms, resolved.difference);
  if ('error' in lift) return uninformative(control, treatment, resolved.method, lift.error);

  const means = { controlMean: arms.control.rawMean, treatmentMean: arms.treatment.rawMean };
  const { alpha, sided } = resolved;
  switch (resolved.method) {
    case 'bayesian':
      return { ...means, ...bayesianTest(lift, alpha, sided, resolved.prior, resolved.inverse) };
    case 'sequential': {
      const total = arms.control.n + arms.treatment.n;
      return {
        ...means,
        expected: lift.estimate,
        ...sequentialTest(lift, total, alpha, sided, resolved.sequentialTuning),
      };
    }
    default: {
      const dof = welchDegreesOfFreedom(arms.control, arms.treatment);
      return { ...means, expected: lift.estimate, ...welchTTest(lift, dof, alpha, sided) };
    }
  }
}
