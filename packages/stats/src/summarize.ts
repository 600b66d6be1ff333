import { postQuantity, quantityMean, quantityVariance, ratioMoments } from './arms.js';
import type { Arm } from './types.js';

/**
 * One arm's mean and per-unit variance, as the tests read them: a proportion's p(1 − p), a
 * mean's sample variance (n − 1), a ratio's delta-method variance. What a results table shows
 * next to the comparison.
 *
 * @example
 * summarize({ n: 4, sum: 1 }); // { n: 4, mean: 0.25, variance: 0.1875 }
 * summarize({ n: 3, sum: 6, sumSquares: 14 }); // { n: 3, mean: 2, variance: 1 }
 */
export function summarize(arm: Arm): { n: number; mean: number; variance: number } {
  if ('numerator' in arm) return { n: arm.n, ...ratioMoments(arm) };
  const quantity = postQuantity(arm);
  return { n: arm.n, mean: quantityMean(quantity), variance: quantityVariance(quantity) };
}
