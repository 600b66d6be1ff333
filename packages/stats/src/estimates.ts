import {
  covariateOf,
  postQuantity,
  type Quantity,
  quantityCovariance,
  quantityMean,
  quantityVariance,
  ratioMoments,
} from './arms.js';
import { type CupedArm, pooledTheta } from './cuped.js';
import type { ArmMoments } from './delta-method.js';
import type { Arm } from './types.js';

/**
 * One arm reduced to what every test needs: the (CUPED-adjusted) mean μ − θx̄ and the per-unit
 * variance of the adjusted value σ²post + θ²σ²pre − 2θσpost,pre, beside the observed moments.
 */
export interface ArmEstimate extends ArmMoments {
  mean: number;
  variance: number;
}

/** Both arms' estimates and the CUPED θ they share (0 without a covariate). */
export interface ArmEstimates {
  control: ArmEstimate;
  treatment: ArmEstimate;
  theta: number;
}

function cupedArm(arm: Arm): CupedArm | undefined {
  const pre = covariateOf(arm);
  if (!pre || 'numerator' in arm) return undefined;
  const preQuantity: Quantity = { n: arm.n, sum: pre.sum, sumSquares: pre.sumSquares };
  return { post: postQuantity(arm), pre: preQuantity, crossSum: pre.crossSum };
}

function plainEstimate(arm: Arm): ArmEstimate {
  const { mean, variance } = 'numerator' in arm ? ratioMoments(arm) : observed(postQuantity(arm));
  return { n: arm.n, mean, variance, rawMean: mean, rawVariance: variance, preVariance: 0, covariance: 0 };
}

function observed(q: Quantity): { mean: number; variance: number } {
  return { mean: quantityMean(q), variance: quantityVariance(q) };
}

function adjustedEstimate(arm: CupedArm, theta: number): ArmEstimate {
  const { mean: rawMean, variance: rawVariance } = observed(arm.post);
  const preVariance = quantityVariance(arm.pre);
  const covariance = quantityCovariance(arm.post.n, arm.post, arm.pre, arm.crossSum);
  return {
    n: arm.post.n,
    mean: rawMean - theta * quantityMean(arm.pre),
    variance: rawVariance + theta ** 2 * preVariance - 2 * theta * covariance,
    rawMean,
    rawVariance,
    preVariance,
    covariance,
  };
}

/**
 * Estimates for a validated pair of arms. With a covariate on both, θ is pooled over the two arms
 * (see `pooledTheta`); when it comes out 0 the arms are analysed without adjustment, as gbstats does.
 *
 * @example
 * const { control, theta } = estimateArms({ n: 4, sum: 1 }, { n: 4, sum: 2 });
 * control.mean; // 0.25
 * theta; // 0
 */
export function estimateArms(control: Arm, treatment: Arm): ArmEstimates {
  const c = cupedArm(control);
  const t = cupedArm(treatment);
  if (c && t) {
    const theta = pooledTheta(c, t);
    if (theta !== 0) {
      return { control: adjustedEstimate(c, theta), treatment: adjustedEstimate(t, theta), theta };
    }
  }
  return { control: plainEstimate(control), treatment: plainEstimate(treatment), theta: 0 };
}
