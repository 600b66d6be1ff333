/**
 * `@pennon/stats`: pure, isomorphic experiment statistics from sufficient statistics, with the
 * formulas of GrowthBook's gbstats. No I/O and no Node built-ins, so it runs in browsers too.
 * @module
 */

export { compare } from './compare.js';
export { adjustedInterval, type CompareAllOptions, compareAll } from './compare-all.js';
export { adjustPValues, type Correction } from './corrections.js';
export { srm } from './srm.js';
export { summarize } from './summarize.js';
export type {
  Arm,
  CompareOptions,
  Comparison,
  ConversionArm,
  Covariate,
  MeanArm,
  Moments,
  RatioArm,
  StatsErrorCode,
} from './types.js';
