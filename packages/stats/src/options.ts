import type { CompareOptions, StatsErrorCode } from './types.js';

/** Compare options with every default filled in. */
export type ResolvedOptions = Required<Omit<CompareOptions, 'prior'>> & Pick<CompareOptions, 'prior'>;

/** GrowthBook's default N* for sequential testing. */
export const DEFAULT_SEQUENTIAL_TUNING = 5000;

const METHODS = ['frequentist', 'sequential', 'bayesian'];
const DIFFERENCES = ['relative', 'absolute'];
const SIDES = ['two', 'greater', 'less'];

/**
 * Fills in the defaults (frequentist, relative, alpha 0.05, two-sided, N* 5000, flat prior, higher is
 * better) and rejects options no test can use, with `INVALID_OPTIONS`.
 *
 * @example
 * resolveOptions({ alpha: 0.1 }); // { method: 'frequentist', difference: 'relative', alpha: 0.1, … }
 * resolveOptions({ alpha: 2 }); // 'INVALID_OPTIONS'
 */
export function resolveOptions(options: CompareOptions = {}): ResolvedOptions | StatsErrorCode {
  const resolved: ResolvedOptions = {
    method: options.method ?? 'frequentist',
    difference: options.difference ?? 'relative',
    alpha: options.alpha ?? 0.05,
    sided: options.sided ?? 'two',
    sequentialTuning: options.sequentialTuning ?? DEFAULT_SEQUENTIAL_TUNING,
    prior: options.prior,
    inverse: options.inverse ?? false,
  };
  const { method, difference, alpha, sided, sequentialTuning, prior } = resolved;
  if (!METHODS.includes(method) || !DIFFERENCES.includes(difference) || !SIDES.includes(sided)) {
    return 'INVALID_OPTIONS';
  }
  if (!(alpha > 0 && alpha < 1) || !(sequentialTuning > 0 && Number.isFinite(sequentialTuning))) {
    return 'INVALID_OPTIONS';
  }
  // The one-sided confidence sequence mixes over 2α, which must stay below 1.
  if (method === 'sequential' && sided !== 'two' && alpha >= 0.5) return 'INVALID_OPTIONS';
  if (prior && !(Number.isFinite(prior.mean) && prior.variance > 0 && Number.isFinite(prior.variance))) {
    return 'INVALID_OPTIONS';
  }
  return resolved;
}
