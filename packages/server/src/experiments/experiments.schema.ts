import { type Static, Type } from 'typebox';
import { PageQuery, Ref } from '../http/schemas.js';

export const METHODS = ['frequentist', 'sequential', 'bayesian'] as const;
export const CORRECTIONS = ['holm', 'benjamini-hochberg'] as const;
export const ROLES = ['primary', 'secondary', 'guardrail'] as const;

const ExperimentKey = Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9_.:-]+$' });
/** A feature, metric or experiment by id or by key. */
const Reference = Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9_.:-]+$' });
const Name = Type.String({ minLength: 1, maxLength: 200 });
const Hypothesis = Type.String({ maxLength: 4000 });
/** A variant key of the feature, or `control` for the share no variant takes. */
const VariantKey = Type.String({ pattern: '^[A-Za-z0-9_.-]{1,100}$' });
const Method = Type.Enum([...METHODS]);
const Alpha = Type.Number({ exclusiveMinimum: 0, maximum: 0.5 });
const Correction = Type.Enum([...CORRECTIONS]);
const CupedWindowDays = Type.Integer({ minimum: 1, maximum: 90 });

const MetricInput = Type.Object(
  { metric: Reference, role: Type.Enum([...ROLES]) },
  { additionalProperties: false },
);
const MetricInputs = Type.Array(MetricInput, { maxItems: 50 });

export const ExperimentMetric = Type.Object({
  metric_id: Type.String(),
  metric_key: Type.String(),
  role: Type.Enum([...ROLES]),
});

export const Experiment = Type.Object(
  {
    id: Type.String(),
    environment_id: Type.String(),
    feature_id: Type.String(),
    feature_key: Type.String(),
    key: Type.String(),
    name: Type.String(),
    hypothesis: Type.String(),
    control_variant: Type.String(),
    status: Type.Enum(['draft', 'running', 'stopped']),
    method: Method,
    alpha: Type.Number(),
    correction: Correction,
    cuped: Type.Boolean(),
    cuped_window_days: Type.Integer(),
    metrics: Type.Array(ExperimentMetric),
    started_at: Type.Union([Type.String(), Type.Null()]),
    stopped_at: Type.Union([Type.String(), Type.Null()]),
    created_at: Type.String(),
    updated_at: Type.String(),
  },
  { $id: 'Experiment' },
);
export type Experiment = Static<typeof Experiment>;

export const CreateExperiment = Type.Object(
  {
    key: ExperimentKey,
    name: Name,
    hypothesis: Type.Optional(Hypothesis),
    /** A multivariate feature of the project, by id or key. */
    feature: Reference,
    control_variant: VariantKey,
    metrics: Type.Optional(MetricInputs),
    method: Type.Optional(Method),
    alpha: Type.Optional(Alpha),
    correction: Type.Optional(Correction),
    cuped: Type.Optional(Type.Boolean()),
    cuped_window_days: Type.Optional(CupedWindowDays),
  },
  { additionalProperties: false },
);
export type CreateExperiment = Static<typeof CreateExperiment>;

/** The feature is fixed; the control variant may change only before the start. */
export const UpdateExperiment = Type.Object(
  {
    name: Type.Optional(Name),
    hypothesis: Type.Optional(Hypothesis),
    control_variant: Type.Optional(VariantKey),
    metrics: Type.Optional(MetricInputs),
    method: Type.Optional(Method),
    alpha: Type.Optional(Alpha),
    correction: Type.Optional(Correction),
    cuped: Type.Optional(Type.Boolean()),
    cuped_window_days: Type.Optional(CupedWindowDays),
  },
  { additionalProperties: false },
);
export type UpdateExperiment = Static<typeof UpdateExperiment>;

export const ExperimentChange = Type.Object({
  id: Type.String(),
  at: Type.String(),
  action: Type.String(),
  details: Type.Record(Type.String(), Type.Unknown()),
});
export type ExperimentChange = Static<typeof ExperimentChange>;

export const ExperimentsQuery = Type.Object(
  { ...PageQuery.properties, status: Type.Optional(Type.Enum(['draft', 'running', 'stopped'])) },
  { additionalProperties: false },
);
export type ExperimentsQuery = Static<typeof ExperimentsQuery>;

export const EnvironmentExperimentsParams = Type.Object({ environmentId: Ref });
export const ExperimentParams = Type.Object({ environmentId: Ref, experiment: Reference });
