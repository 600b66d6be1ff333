import { varianceOfRatio } from './delta-method.js';
import type { Arm, Covariate, RatioArm, StatsErrorCode } from './types.js';

/**
 * One quantity summed over n units. Without `sumSquares` it is a proportion (each unit 0 or 1),
 * whose variance is p(1 − p), as gbstats' `ProportionStatistic`; with it, the sample variance
 * with n − 1, as gbstats' `SampleMeanStatistic`.
 */
export interface Quantity {
  n: number;
  sum: number;
  sumSquares?: number;
}

/** Which of the three kinds an arm is, told by its fields. */
export type ArmKind = 'mean' | 'conversion' | 'ratio';

/**
 * The kind of an arm: `numerator` makes a ratio arm, `sumSquares` a mean arm, neither a conversion.
 *
 * @example
 * armKind({ n: 10, sum: 3 }); // 'conversion'
 */
export function armKind(arm: Arm): ArmKind {
  if ('numerator' in arm) return 'ratio';
  return 'sumSquares' in arm && arm.sumSquares !== undefined ? 'mean' : 'conversion';
}

/**
 * The arm's covariate, for mean and conversion arms that carry one.
 *
 * @example
 * covariateOf({ n: 10, sum: 3, pre: { sum: 2, crossSum: 1 } }); // { sum: 2, crossSum: 1 }
 */
export function covariateOf(arm: Arm): Covariate | undefined {
  return 'numerator' in arm ? undefined : arm.pre;
}

/**
 * The arm's metric as a quantity over its units (mean and conversion arms).
 *
 * @example
 * postQuantity({ n: 10, sum: 3 }); // { n: 10, sum: 3, sumSquares: undefined }
 */
export function postQuantity(arm: Exclude<Arm, RatioArm>): Quantity {
  return { n: arm.n, sum: arm.sum, sumSquares: 'sumSquares' in arm ? arm.sumSquares : undefined };
}

/**
 * Mean of a quantity: Σx / n (0 when there are no units).
 *
 * @example
 * quantityMean({ n: 4, sum: 1 }); // 0.25
 */
export function quantityMean(q: Quantity): number {
  return q.n === 0 ? 0 : q.sum / q.n;
}

/**
 * Per-unit variance of a quantity: p(1 − p) for a proportion, else the sample variance
 * (Σx² − (Σx)²/n) / (n − 1). 0 for fewer than two units.
 *
 * @example
 * quantityVariance({ n: 4, sum: 1 }); // 0.1875
 * quantityVariance({ n: 3, sum: 6, sumSquares: 14 }); // 1
 */
export function quantityVariance(q: Quantity): number {
  if (q.sumSquares === undefined) {
    const p = quantityMean(q);
    return p * (1 - p);
  }
  if (q.n <= 1) return 0;
  return (q.sumSquares - (q.sum * q.sum) / q.n) / (q.n - 1);
}

/**
 * Per-unit covariance of two quantities measured on the same n units, from Σxy: for two
 * proportions Σxy/n − ΣxΣy/n², else (Σxy − ΣxΣy/n) / (n − 1) (gbstats' `compute_covariance`).
 *
 * @example
 * quantityCovariance(3, { n: 3, sum: 6, sumSquares: 14 }, { n: 3, sum: 3, sumSquares: 5 }, 8); // 1
 */
export function quantityCovariance(n: number, a: Quantity, b: Quantity, crossSum: number): number {
  if (n <= 1) return 0;
  if (a.sumSquares === undefined && b.sumSquares === undefined) {
    return crossSum / n - (a.sum * b.sum) / (n * n);
  }
  return (crossSum - (a.sum * b.sum) / n) / (n - 1);
}

/**
 * A ratio arm's estimate Σnumerator / Σdenominator and its per-unit variance by the delta method
 * (Deng, Knoblich & Lu 2018, "Applying the Delta Method in Metric Analytics", KDD; gbstats'
 * `RatioStatistic`).
 *
 * @example
 * ratioMoments({ n: 3, numerator: { sum: 3, sumSquares: 5 }, denominator: { sum: 6, sumSquares: 14 }, crossSum: 8 });
 * // { mean: 0.5, variance: 0.0625 }
 */
export function ratioMoments(arm: RatioArm): { mean: number; variance: number } {
  const m: Quantity = { n: arm.n, ...arm.numerator };
  const d: Quantity = { n: arm.n, ...arm.denominator };
  const meanD = quantityMean(d);
  if (meanD === 0) return { mean: 0, variance: 0 };
  const variance = varianceOfRatio(
    quantityMean(m),
    quantityVariance(m),
    meanD,
    quantityVariance(d),
    quantityCovariance(arm.n, m, d, arm.crossSum),
  );
  return { mean: m.sum / d.sum, variance };
}

function numbersOf(arm: Arm): number[] {
  if ('numerator' in arm) {
    const { numerator: m, denominator: d } = arm;
    return [arm.n, m.sum, m.sumSquares, d.sum, d.sumSquares, arm.crossSum];
  }
  const values = [arm.n, arm.sum];
  if ('sumSquares' in arm && arm.sumSquares !== undefined) values.push(arm.sumSquares);
  if (arm.pre) {
    values.push(arm.pre.sum, arm.pre.crossSum);
    if (arm.pre.sumSquares !== undefined) values.push(arm.pre.sumSquares);
  }
  return values;
}

/**
 * Checks that two arms can be compared at all, before any arithmetic: finite numbers, the same
 * kind, a covariate of one kind on both or on neither, at least two units each, a non-zero ratio denominator.
 *
 * @example
 * validateArms({ n: 1, sum: 0 }, { n: 10, sum: 2 }); // 'TOO_FEW_UNITS'
 */
export function validateArms(control: Arm, treatment: Arm): StatsErrorCode | undefined {
  for (const arm of [control, treatment]) {
    if (!numbersOf(arm).every(Number.isFinite)) return 'NON_FINITE';
  }
  if (armKind(control) !== armKind(treatment)) return 'MISMATCHED_ARMS';
  const preC = covariateOf(control);
  const preT = covariateOf(treatment);
  if ((preC === undefined) !== (preT === undefined)) return 'MISMATCHED_ARMS';
  if (preC && preT && (preC.sumSquares === undefined) !== (preT.sumSquares === undefined)) {
    return 'MISMATCHED_ARMS';
  }
  if (control.n <= 0 || treatment.n <= 0) return 'NO_DATA';
  if (control.n < 2 || treatment.n < 2) return 'TOO_FEW_UNITS';
  for (const arm of [control, treatment]) {
    if ('numerator' in arm && arm.denominator.sum === 0) return 'ZERO_DENOMINATOR';
  }
  return undefined;
}
