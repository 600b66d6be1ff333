import { type Quantity, quantityCovariance, quantityVariance } from './arms.js';

/** One arm's metric and covariate as quantities over its units, with Σ post·pre. */
export interface CupedArm {
  post: Quantity;
  pre: Quantity;
  crossSum: number;
}

function pool(a: Quantity, b: Quantity): Quantity {
  const sumSquares =
    a.sumSquares === undefined || b.sumSquares === undefined ? undefined : a.sumSquares + b.sumSquares;
  return { n: a.n + b.n, sum: a.sum + b.sum, sumSquares };
}

/**
 * CUPED's θ = Cov(Y, X) / Var(X), the slope of the metric Y on its pre-exposure value X, estimated
 * on both arms pooled so the adjustment is the same for each and the difference stays unbiased.
 * 0 (no adjustment) when the pooled metric or covariate does not vary.
 *
 * Reference: Deng, Xu, Kohavi & Walker (2013), "Improving the Sensitivity of Online Controlled
 * Experiments by Utilizing Pre-Experiment Data", WSDM, §3.2; gbstats `compute_theta`.
 *
 * @example
 * const arm = {
 *   post: { n: 3, sum: 6, sumSquares: 14 },
 *   pre: { n: 3, sum: 3, sumSquares: 5 },
 *   crossSum: 8,
 * };
 * pooledTheta(arm, arm); // 1
 */
export function pooledTheta(control: CupedArm, treatment: CupedArm): number {
  const post = pool(control.post, treatment.post);
  const pre = pool(control.pre, treatment.pre);
  const preVariance = quantityVariance(pre);
  if (preVariance === 0 || quantityVariance(post) === 0) return 0;
  const covariance = quantityCovariance(post.n, post, pre, control.crossSum + treatment.crossSum);
  return covariance / preVariance;
}
