/**
 * Sums over the units of one arm for one quantity: Σx and Σx².
 *
 * @example
 * const revenue: Moments = { sum: 1520.5, sumSquares: 48211.3 };
 */
export type Moments = { sum: number; sumSquares: number };

/**
 * CUPED covariate: the same metric measured on the same units before exposure.
 * `crossSum` is Σ post·pre over the arm's units. Without `sumSquares` the covariate is a
 * proportion (0/1 per unit) and its variance is p(1 − p).
 *
 * @example
 * const pre: Covariate = { sum: 480, sumSquares: 2950, crossSum: 3105 };
 */
export type Covariate = { sum: number; sumSquares?: number; crossSum: number };

/** A mean metric: the per-unit value's count, sum and sum of squares (sample variance, n − 1). */
export type MeanArm = { n: number; sum: number; sumSquares: number; pre?: Covariate };
/** A conversion metric: `sum` converted units out of `n`; variance p(1 − p). */
export type ConversionArm = { n: number; sum: number; pre?: Covariate };
/** A ratio metric Σnumerator / Σdenominator over the units; `crossSum` = Σ numerator·denominator. */
export type RatioArm = { n: number; numerator: Moments; denominator: Moments; crossSum: number };

/**
 * Sufficient statistics over the units (users) of one arm. The kind is told by the fields:
 * `numerator` makes a ratio arm, `sumSquares` a mean arm, neither a conversion arm.
 *
 * @example
 * const mean: Arm = { n: 1000, sum: 5210, sumSquares: 41870 };
 * const conversion: Arm = { n: 1000, sum: 112 };
 * const ratio: Arm = {
 *   n: 1000,
 *   numerator: { sum: 320, sumSquares: 610 },
 *   denominator: { sum: 2400, sumSquares: 9100 },
 *   crossSum: 1150,
 * };
 */
export type Arm = MeanArm | ConversionArm | RatioArm;

/**
 * How to compare two arms. Every field is optional.
 *
 * - `method`: `'frequentist'` (Welch's t-test, the default), `'sequential'` (always-valid
 *   confidence sequences) or `'bayesian'` (normal posterior on the lift).
 * - `difference`: `'relative'` (the default: (μt − μc) / |μc|) or `'absolute'` (μt − μc).
 * - `alpha` (0.05) and `sided` (`'two'`): the interval is at level 1 − alpha; `'greater'` tests
 *   treatment > control and `'less'` treatment < control, in the metric's own direction.
 * - `sequentialTuning`: N*, the total sample size where the confidence sequence is narrowest (5000).
 * - `prior`: Bayesian normal prior on the lift, in the units of `difference`; absent = flat.
 * - `inverse`: lower is better; flips the Bayesian chance to win and risk.
 *
 * @example
 * const options: CompareOptions = { method: 'sequential', alpha: 0.1, sequentialTuning: 20_000 };
 */
export interface CompareOptions {
  method?: 'frequentist' | 'sequential' | 'bayesian';
  difference?: 'relative' | 'absolute';
  alpha?: number;
  sided?: 'two' | 'greater' | 'less';
  sequentialTuning?: number;
  prior?: { mean: number; variance: number };
  inverse?: boolean;
}

/**
 * Why a comparison could not be made. The result is then uninformative: lift 0, standard error 0,
 * interval [0, 0], p-value 1, chance to win 0.5, risk [0, 0].
 *
 * - `NON_FINITE`: an arm holds NaN or ±Infinity, or its figures overflow.
 * - `MISMATCHED_ARMS`: control and treatment are of different kinds, or only one has a covariate.
 * - `NO_DATA`: an arm has no units (n ≤ 0).
 * - `TOO_FEW_UNITS`: an arm has a single unit, so no variance can be estimated.
 * - `ZERO_DENOMINATOR`: a ratio arm's denominator sums to zero.
 * - `ZERO_VARIANCE`: an arm's variance, or the lift's, is zero or negative.
 * - `ZERO_CONTROL_MEAN`: a relative lift over a control mean of zero.
 * - `INVALID_OPTIONS`: alpha outside (0, 1) (below 0.5 for one-sided sequential), N* ≤ 0,
 *   a prior with a variance ≤ 0, or a non-finite option.
 *
 * @example
 * const code: StatsErrorCode = 'ZERO_VARIANCE';
 */
export type StatsErrorCode =
  | 'NON_FINITE'
  | 'MISMATCHED_ARMS'
  | 'NO_DATA'
  | 'TOO_FEW_UNITS'
  | 'ZERO_DENOMINATOR'
  | 'ZERO_VARIANCE'
  | 'ZERO_CONTROL_MEAN'
  | 'INVALID_OPTIONS';

/**
 * One result shape for every method (as gbstats' `TestResult`, scipy's result objects).
 * `expected`, `stddev` and `ci` are the lift (relative or absolute, as asked), its standard error
 * and its interval; a one-sided interval is open (±Infinity) on one end. Means are the arms'
 * observed means (before any CUPED adjustment).
 *
 * @example
 * const result: Comparison = compare({ n: 500, sum: 60 }, { n: 500, sum: 75 });
 * if (!result.error && result.pValue! < 0.05) console.log(`lift ${result.expected}`);
 */
export interface Comparison {
  controlMean: number;
  treatmentMean: number;
  expected: number;
  stddev: number;
  ci: [number, number];
  pValue?: number;
  chanceToWin?: number;
  risk?: [number, number];
  error?: StatsErrorCode;
}
