import { compare } from './compare.js';
import { adjustPValues, type Correction } from './corrections.js';
import { normalQuantileAt } from './distributions.js';
import type { Arm, CompareOptions, Comparison } from './types.js';

/**
 * Options of `compareAll`: those of `compare`, and the experiment's multiple-comparison correction
 * (none when absent).
 *
 * @example
 * const options: CompareAllOptions = { method: 'sequential', correction: 'benjamini-hochberg' };
 */
export interface CompareAllOptions extends CompareOptions {
  correction?: Correction;
}

/**
 * A two-sided interval widened to match an adjusted p-value, as GrowthBook does: the standard error
 * the adjusted p-value implies under a normal approximation, se′ = |lift| / z₁₋ₚ′/₂, gives
 * lift ± z₁₋α/₂ · se′. The interval only ever widens; an adjusted p-value of (almost) 1 gives
 * (−∞, ∞).
 *
 * @example
 * adjustedInterval(0.1, [0.002, 0.198], 0.1, 0.05); // [−0.0192…, 0.2192…]
 */
export function adjustedInterval(
  lift: number,
  ci: [number, number],
  adjustedPValue: number,
  alpha: number,
): [number, number] {
  if (adjustedPValue > 0.999999) return [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY];
  if (lift === 0) return ci;
  const stddev = Math.abs(lift / normalQuantileAt(1 - adjustedPValue / 2));
  const halfWidth = normalQuantileAt(1 - alpha / 2) * stddev;
  const wider: [number, number] = [lift - halfWidth, lift + halfWidth];
  return wider[0] < ci[0] && wider[1] > ci[1] ? wider : ci;
}

/**
 * Compares each treatment with the control (`compare` for each), then, with a `correction`, adjusts
 * the p-values of the family (`adjustPValues`) so the experiment as a whole keeps its error rate;
 * two-sided intervals are widened to match (`adjustedInterval`), one-sided ones are left as they are.
 * The family is the comparisons that have a p-value: Bayesian results and comparisons with an
 * `error` are returned unchanged.
 *
 * @example
 * const [b, c] = compareAll(
 *   { n: 4000, sum: 480 },
 *   [{ n: 4000, sum: 540 }, { n: 4000, sum: 470 }],
 *   { correction: 'holm' },
 * );
 * // b.pValue and c.pValue are Holm-adjusted
 */
export function compareAll(control: Arm, treatments: Arm[], options: CompareAllOptions = {}): Comparison[] {
  const { correction, ...compareOptions } = options;
  const results = treatments.map((treatment) => compare(control, treatment, compareOptions));
  if (!correction) return results;
  const family = results.flatMap((r, i) => (r.error === undefined && r.pValue !== undefined ? [i] : []));
  const adjusted = adjustPValues(
    family.map((i) => results[i].pValue as number),
    correction,
  );
  const twoSided = (compareOptions.sided ?? 'two') === 'two';
  const alpha = compareOptions.alpha ?? 0.05;
  family.forEach((index, k) => {
    const result = results[index];
    const pValue = adjusted[k];
    const ci = twoSided ? adjustedInterval(result.expected, result.ci, pValue, alpha) : result.ci;
    results[index] = { ...result, pValue, ci };
  });
  return results;
}
