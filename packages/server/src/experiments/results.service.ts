import { type Arm, type Comparison, compare, compareAll, srm, summarize } from '@pennon/stats';
import type { StoredVariant } from '../evaluation/environment-loader.js';
import type { ExperimentRow, MetricRow } from '../storage/tables.js';
import type { Assignment, ExposureWindow, ResultsRepository, VariantSums } from './results.repository.js';
import type { ExperimentResults, MetricResult } from './results.schema.js';

/** Below this SRM p-value the split is not what the weights promise: results are suspect. */
export const SRM_ALERT_P_VALUE = 0.001;
/** A daily series longer than this is thinned to evenly spaced days, so a long run stays cheap. */
export const MAX_SERIES_POINTS = 60;

const DAY_MS = 24 * 60 * 60 * 1000;

export interface ResultsInput {
  experiment: ExperimentRow & { feature_key: string };
  /** In the order the experiment lists them. */
  metrics: { metric: MetricRow; role: 'primary' | 'secondary' | 'guardrail' }[];
  /** The feature's variants in the environment, for the expected split. */
  variants: readonly StoredVariant[];
  now: number;
}

/**
 * Experiment results: the database sums each metric per variant, `@pennon/stats` turns the
 * sums into lifts, intervals and p-values (or chances to win), and SRM checks the split.
 */
export class ResultsService {
  constructor(private readonly results: ResultsRepository) {}

  async compute(input: ResultsInput): Promise<ExperimentResults> {
    const { experiment } = input;
    const window = windowOf(experiment, input.now);
    if (!window) return emptyResults(input);
    const primary = input.metrics.filter((m) => m.role === 'primary');
    const ends = dayEnds(window);
    const cutoffs = ends.slice(0, -1);
    // One statement: the assignment and every metric's sums come from the same pass over the units.
    const sums = await this.results.metricSums(window, {
      metrics: input.metrics.map((m) => m.metric),
      preWindowDays: experiment.cuped === 1 ? experiment.cuped_window_days : 0,
      cutoffs,
      seriesMetrics: primary.map((m) => m.metric.key),
    });
    const { assignment } = sums;
    const variantKeys = orderedVariants(input.variants, assignment, experiment.control_variant);
    const metrics: MetricResult[] = input.metrics.map(({ metric, role }) => ({
      ...describeMetric(metric, role),
      ...analyse(experiment, metric, variantKeys, sums.final.get(metric.key) ?? new Map()),
    }));
    const series = primary.map(({ metric, role }) => ({
      metric_key: metric.key,
      role,
      points: ends.map((at, point) => {
        const atPoint =
          point < cutoffs.length ? sums.series[point]?.get(metric.key) : sums.final.get(metric.key);
        const { variants, comparisons } = analyse(experiment, metric, variantKeys, atPoint ?? new Map());
        return {
          at,
          variants: Object.fromEntries(variants.map((v) => [v.variant, { units: v.units, mean: v.mean }])),
          comparisons: Object.fromEntries(
            comparisons.map((c) => [c.variant, { expected: c.expected, ci: c.ci }]),
          ),
        };
      }),
    }));
    return {
      experiment: summary(experiment),
      computed_at: new Date(input.now).toISOString(),
      window: { start: window.start, end: window.end },
      assignment: {
        units: Object.fromEntries(variantKeys.map((v) => [v, assignment.units.get(v) ?? 0])),
        total_units: [...assignment.units.values()].reduce((a, b) => a + b, 0),
        excluded_units: assignment.excluded,
      },
      srm: sampleRatio(input.variants, experiment.control_variant, variantKeys, assignment),
      metrics,
      series,
    };
  }
}

/** Until the experiment starts there is nothing to read; it reads until it stopped, or now. */
function windowOf(
  experiment: ExperimentRow & { feature_key: string },
  now: number,
): ExposureWindow | undefined {
  if (!experiment.started_at) return undefined;
  return {
    environmentId: experiment.environment_id,
    featureKey: experiment.feature_key,
    start: experiment.started_at,
    end: experiment.stopped_at ?? new Date(now).toISOString(),
  };
}

function dayEnds(window: ExposureWindow): string[] {
  const start = Date.parse(window.start);
  const end = Date.parse(window.end);
  const days = Math.max(1, Math.ceil((end - start) / DAY_MS));
  const step = Math.ceil(days / MAX_SERIES_POINTS);
  const ends: string[] = [];
  for (let day = step; day < days; day += step) ends.push(new Date(start + day * DAY_MS).toISOString());
  ends.push(window.end);
  return ends;
}

/** Control first, then the configured variants, then any variant only the logs know. */
function orderedVariants(
  variants: readonly StoredVariant[],
  assignment: Assignment,
  control: string,
): string[] {
  const keys = [control, ...variants.map((v) => v.key)];
  if (variants.reduce((total, v) => total + v.weight, 0) < 100 - 1e-9) keys.push('control');
  keys.push(...[...assignment.units.keys()].sort());
  return [...new Set(keys)];
}

function armOf(metric: MetricRow, sums: VariantSums | undefined, cuped: boolean): Arm {
  const s = sums ?? {
    n: 0,
    sum: 0,
    sumSquares: 0,
    denominatorSum: 0,
    denominatorSumSquares: 0,
    crossSum: 0,
    preSum: 0,
    preSumSquares: 0,
    preCrossSum: 0,
  };
  if (metric.kind === 'ratio' || metric.kind === 'mean') {
    return {
      n: s.n,
      numerator: { sum: s.sum, sumSquares: s.sumSquares },
      denominator: { sum: s.denominatorSum, sumSquares: s.denominatorSumSquares },
      crossSum: s.crossSum,
    };
  }
  if (metric.kind === 'conversion') {
    return cuped
      ? { n: s.n, sum: s.sum, pre: { sum: s.preSum, crossSum: s.preCrossSum } }
      : { n: s.n, sum: s.sum };
  }
  const pre = { sum: s.preSum, sumSquares: s.preSumSquares, crossSum: s.preCrossSum };
  return cuped
    ? { n: s.n, sum: s.sum, sumSquares: s.sumSquares, pre }
    : { n: s.n, sum: s.sum, sumSquares: s.sumSquares };
}

function analyse(
  experiment: ExperimentRow,
  metric: MetricRow,
  variantKeys: string[],
  sums: Map<string, VariantSums>,
): Pick<MetricResult, 'variants' | 'comparisons'> {
  // Ratio and mean metrics take no covariate: CUPED applies to per-unit values.
  const cuped = experiment.cuped === 1 && metric.kind !== 'ratio' && metric.kind !== 'mean';
  const arms = variantKeys.map((key) => armOf(metric, sums.get(key), cuped));
  const [control, ...treatments] = arms as [Arm, ...Arm[]];
  const options = {
    method: experiment.method,
    alpha: experiment.alpha,
    inverse: metric.direction === 'lower',
  };
  const adjusted = compareAll(control, treatments, { ...options, correction: experiment.correction });
  return {
    variants: variantKeys.map((variant, i) => {
      const { n, mean, variance } = summarize(arms[i] as Arm);
      return { variant, units: n, mean, variance };
    }),
    comparisons: treatments.map((treatment, i) => {
      const raw = compare(control, treatment, options);
      const corrected = adjusted[i] as Comparison;
      return comparisonView(variantKeys[i + 1] as string, raw, corrected, experiment, metric);
    }),
  };
}

function comparisonView(
  variant: string,
  raw: Comparison,
  corrected: Comparison,
  experiment: ExperimentRow,
  metric: MetricRow,
): MetricResult['comparisons'][number] {
  const bayesian = experiment.method === 'bayesian';
  const better = metric.direction === 'lower' ? -1 : 1;
  const significant = raw.error
    ? false
    : bayesian
      ? (corrected.chanceToWin ?? 0.5) > 1 - experiment.alpha ||
        (corrected.chanceToWin ?? 0.5) < experiment.alpha
      : (corrected.pValue ?? 1) < experiment.alpha;
  return {
    variant,
    expected: corrected.expected,
    stddev: corrected.stddev,
    // JSON has no infinity: an open end of a one-sided or widened interval is null.
    ci: [finiteOrNull(corrected.ci[0]), finiteOrNull(corrected.ci[1])],
    p_value: bayesian ? null : (raw.pValue ?? null),
    adjusted_p_value: bayesian ? null : (corrected.pValue ?? null),
    chance_to_win: bayesian ? (corrected.chanceToWin ?? null) : null,
    risk: bayesian && corrected.risk ? corrected.risk : null,
    significant,
    verdict: !significant ? 'inconclusive' : Math.sign(corrected.expected) * better > 0 ? 'better' : 'worse',
    error: raw.error ?? null,
  };
}

function finiteOrNull(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}

/** SRM over the variants the weights promise traffic to; null while fewer than two have units. */
function sampleRatio(
  variants: readonly StoredVariant[],
  control: string,
  variantKeys: string[],
  assignment: Assignment,
): ExperimentResults['srm'] {
  const weights = new Map(variants.map((v) => [v.key, v.weight]));
  const remainder = 100 - variants.reduce((total, v) => total + v.weight, 0);
  if (remainder > 1e-9) weights.set('control', remainder);
  const keys = variantKeys.filter((k) => weights.has(k) || k === control);
  const observed = keys.map((k) => assignment.units.get(k) ?? 0);
  const expected = keys.map((k) => weights.get(k) ?? 0);
  const pValue = observed.filter((n) => n > 0).length >= 2 ? srm(observed, expected) : null;
  return {
    p_value: pValue,
    alert: pValue !== null && pValue < SRM_ALERT_P_VALUE,
    expected_weights: Object.fromEntries(keys.map((k, i) => [k, expected[i] as number])),
    observed_units: Object.fromEntries(keys.map((k, i) => [k, observed[i] as number])),
  };
}

function describeMetric(metric: MetricRow, role: MetricResult['role']) {
  return { metric_key: metric.key, name: metric.name, kind: metric.kind, direction: metric.direction, role };
}

function summary(experiment: ExperimentRow & { feature_key: string }): ExperimentResults['experiment'] {
  const { id, key, status, method, alpha, correction, control_variant, feature_key } = experiment;
  return {
    id,
    key,
    status,
    method,
    alpha,
    correction,
    control_variant,
    feature_key,
    cuped: experiment.cuped === 1,
  };
}

function emptyResults(input: ResultsInput): ExperimentResults {
  return {
    experiment: summary(input.experiment),
    computed_at: new Date(input.now).toISOString(),
    window: null,
    assignment: { units: {}, total_units: 0, excluded_units: 0 },
    srm: { p_value: null, alert: false, expected_weights: {}, observed_units: {} },
    metrics: [],
    series: [],
  };
}
