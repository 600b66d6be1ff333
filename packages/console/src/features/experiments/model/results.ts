import type { ExperimentResults, Variant } from '../../../lib/api-types.js';

type MetricResult = ExperimentResults['metrics'][number];
type Comparison = MetricResult['comparisons'][number];
type Series = ExperimentResults['series'][number];

/** The remainder no variant takes is served the flag's own value, named `control` (the engine's name). */
export const CONTROL_REMAINDER = 'control';

/**
 * What an experiment's control may be: one of the flag's variants here, or the unallocated
 * remainder when the weights leave some (the server's rule when starting).
 */
export function controlChoices(variants: readonly Variant[]): string[] {
  const keys = variants.map((v) => v.key);
  const remainder = 100 - variants.reduce((total, v) => total + v.weight, 0);
  return remainder > 1e-9 ? [...keys, CONTROL_REMAINDER] : keys;
}

/** A lift (a ratio, 0.05 = +5%) as signed percent. */
export function percent(value: number | null | undefined, digits = 1): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  const text = (value * 100).toFixed(digits);
  return `${value > 0 ? '+' : ''}${text}%`;
}

/** p-values to three digits, tiny ones as "< 0.001". */
export function pValue(value: number | null): string {
  if (value === null) return '—';
  return value < 0.001 ? '< 0.001' : value.toFixed(3);
}

/** One bar of the interval chart: the lift and its interval in percent (open ends cut at ±`clip`). */
export interface LiftBar {
  variant: string;
  expected: number;
  range: [number, number];
  openLow: boolean;
  openHigh: boolean;
  verdict: Comparison['verdict'];
}

/**
 * Each comparison's lift with its interval, in percent, for a chart. An open end (null: one
 * sided, or widened by the correction) is drawn to the edge of the chart and said so.
 */
export function liftBars(metric: MetricResult, clip = 100): LiftBar[] {
  return metric.comparisons.map((c) => {
    const [low, high] = c.ci;
    return {
      variant: c.variant,
      expected: round(c.expected * 100),
      range: [low === null ? -clip : round(low * 100), high === null ? clip : round(high * 100)],
      openLow: low === null,
      openHigh: high === null,
      verdict: c.verdict,
    };
  });
}

/** One day of a variant's cumulative lift, in percent, for the series chart. */
export interface SeriesRow {
  day: string;
  expected: number | null;
  band: [number, number] | null;
}

/** The daily cumulative lift of `variant` against control, oldest first. */
export function seriesRows(series: Series, variant: string): SeriesRow[] {
  return series.points.map((point) => {
    const c = point.comparisons[variant];
    const low = c?.ci[0];
    const high = c?.ci[1];
    return {
      day: point.at.slice(0, 10),
      expected: c ? round(c.expected * 100) : null,
      band:
        low !== null && low !== undefined && high !== null && high !== undefined
          ? [round(low * 100), round(high * 100)]
          : null,
    };
  });
}

/**
 * What the headline figure of a comparison is for the method: Bayesian results speak of the
 * chance to beat control; frequentist and sequential ones of (adjusted) p-values.
 */
export function headline(method: string, c: Comparison): { label: string; value: string } {
  if (method === 'bayesian')
    return {
      label: 'Chance to beat control',
      value: c.chance_to_win === null ? '—' : `${(c.chance_to_win * 100).toFixed(1)}%`,
    };
  const adjusted = c.adjusted_p_value !== null && c.adjusted_p_value !== c.p_value;
  return {
    label: adjusted ? 'p-value (adjusted)' : 'p-value',
    value: pValue(adjusted ? c.adjusted_p_value : c.p_value),
  };
}

/** The sample-ratio check in words; null when there is nothing to warn about. */
export function srmWarning(results: ExperimentResults): string | null {
  if (!results.srm.alert) return null;
  const observed = Object.entries(results.srm.observed_units)
    .map(([variant, units]) => `${variant} ${units}`)
    .join(', ');
  const expected = Object.entries(results.srm.expected_weights)
    .map(([variant, weight]) => `${variant} ${weight}%`)
    .join(', ');
  return (
    `Sample ratio mismatch (p = ${pValue(results.srm.p_value)}): units per variant (${observed}) do not ` +
    `fit the weights (${expected}). Assignment or exposure logging is likely broken; do not trust these results until it is explained.`
  );
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
