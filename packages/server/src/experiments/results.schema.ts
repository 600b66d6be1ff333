import { type Static, Type } from 'typebox';

const Nullable = <T extends ReturnType<typeof Type.Number>>(schema: T) => Type.Union([schema, Type.Null()]);
const Count = Type.Record(Type.String(), Type.Number());
/** [low, high]; an array rather than a tuple, which the response serializer cannot write with nulls. */
const Interval = Type.Array(Nullable(Type.Number()), { minItems: 2, maxItems: 2 });

const VariantStatistics = Type.Object({
  variant: Type.String(),
  units: Type.Integer(),
  /** Conversion rate, mean per unit, or the ratio. */
  mean: Type.Number(),
  /** Per unit: p(1 − p), the sample variance, or the ratio's delta-method variance. */
  variance: Type.Number(),
});

const VariantComparison = Type.Object({
  variant: Type.String(),
  /** Lift against control: relative, (treatment − control) / |control|. */
  expected: Type.Number(),
  stddev: Type.Number(),
  /** The lift's interval; null for an open end (one-sided, or widened by the correction). */
  ci: Interval,
  p_value: Nullable(Type.Number()),
  /** After the experiment's multiple-comparison correction across variants. */
  adjusted_p_value: Nullable(Type.Number()),
  chance_to_win: Nullable(Type.Number()),
  /** Bayesian expected loss: [if control is chosen, if this variant is]. */
  risk: Type.Union([Type.Array(Type.Number(), { minItems: 2, maxItems: 2 }), Type.Null()]),
  significant: Type.Boolean(),
  /** In the metric's direction: better, worse, or inconclusive. */
  verdict: Type.Enum(['better', 'worse', 'inconclusive']),
  /** Why the comparison is uninformative (too few units, no variance, ...); null otherwise. */
  error: Type.Union([Type.String(), Type.Null()]),
});

const MetricResult = Type.Object({
  metric_key: Type.String(),
  name: Type.String(),
  kind: Type.String(),
  direction: Type.String(),
  role: Type.Enum(['primary', 'secondary', 'guardrail']),
  variants: Type.Array(VariantStatistics),
  comparisons: Type.Array(VariantComparison),
});
export type MetricResult = Static<typeof MetricResult>;

const SeriesPoint = Type.Object({
  /** The end of the day the point sums up to. */
  at: Type.String(),
  variants: Type.Record(Type.String(), Type.Object({ units: Type.Integer(), mean: Type.Number() })),
  comparisons: Type.Record(
    Type.String(),
    Type.Object({
      expected: Type.Number(),
      ci: Interval,
    }),
  ),
});
export type SeriesPoint = Static<typeof SeriesPoint>;

export const ExperimentResults = Type.Object(
  {
    experiment: Type.Object({
      id: Type.String(),
      key: Type.String(),
      status: Type.String(),
      method: Type.String(),
      alpha: Type.Number(),
      correction: Type.String(),
      control_variant: Type.String(),
      feature_key: Type.String(),
      cuped: Type.Boolean(),
    }),
    computed_at: Type.String(),
    window: Type.Union([Type.Object({ start: Type.String(), end: Type.String() }), Type.Null()]),
    assignment: Type.Object({
      units: Count,
      total_units: Type.Integer(),
      /** Units exposed to more than one variant, left out of every metric. */
      excluded_units: Type.Integer(),
    }),
    /** Sample-ratio mismatch: χ² of units per variant against the weights. */
    srm: Type.Object({
      p_value: Nullable(Type.Number()),
      alert: Type.Boolean(),
      expected_weights: Count,
      observed_units: Count,
    }),
    metrics: Type.Array(MetricResult),
    /** Daily cumulative results of the primary metrics, for charts. */
    series: Type.Array(
      Type.Object({ metric_key: Type.String(), role: Type.String(), points: Type.Array(SeriesPoint) }),
    ),
  },
  { $id: 'ExperimentResults' },
);
export type ExperimentResults = Static<typeof ExperimentResults>;

export const ResultsQuery = Type.Object(
  {
    refresh: Type.Optional(
      Type.Boolean({ description: 'Recompute now instead of answering from the cache.' }),
    ),
  },
  { additionalProperties: false },
);
