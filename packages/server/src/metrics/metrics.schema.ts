import { type Static, Type } from 'typebox';
import { PageQuery, Ref } from '../http/schemas.js';

export const METRIC_KINDS = ['conversion', 'count', 'sum', 'mean', 'ratio'] as const;
export const FILTER_OPERATORS = ['equals', 'not_equals', 'in', 'not_in'] as const;

const MetricKey = Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9_.:-]+$' });
const EventName = Type.String({ minLength: 1, maxLength: 200 });
const FilterScalar = Type.Union([Type.String({ maxLength: 1000 }), Type.Number(), Type.Boolean()]);

/** Keeps only events whose property compares so; values compare as text. */
export const PropertyFilter = Type.Object(
  {
    // Quotes and backslashes would need escaping in the JSON paths results query with.
    property: Type.String({ minLength: 1, maxLength: 200, pattern: String.raw`^[^"\\\u0000]+$` }),
    operator: Type.Enum([...FILTER_OPERATORS]),
    value: Type.Union([FilterScalar, Type.Array(FilterScalar, { minItems: 1, maxItems: 100 })]),
  },
  { additionalProperties: false },
);
export type PropertyFilter = Static<typeof PropertyFilter>;

const Definition = {
  name: Type.String({ minLength: 1, maxLength: 200 }),
  description: Type.String({ maxLength: 2000 }),
  /**
   * conversion: the unit logged the event at least once (0 or 1); count: how many times;
   * sum: the sum of its values; mean: the mean of its values per unit that logged one;
   * ratio: the sum of the event's values over the count of `denominator_event_name`.
   */
  kind: Type.Enum([...METRIC_KINDS]),
  event_name: EventName,
  denominator_event_name: Type.Union([EventName, Type.Null()]),
  direction: Type.Enum(['higher', 'lower']),
  /** Per-unit values above this percentile are capped to it, taming outliers. */
  winsorize_percentile: Type.Union([Type.Number({ exclusiveMinimum: 50, maximum: 100 }), Type.Null()]),
  /** Events count from the unit's first exposure for this long; null: until the experiment ends. */
  conversion_window_hours: Type.Union([Type.Number({ exclusiveMinimum: 0, maximum: 24 * 366 }), Type.Null()]),
  property_filter: Type.Union([PropertyFilter, Type.Null()]),
};

export const Metric = Type.Object(
  {
    id: Type.String(),
    project_id: Type.String(),
    key: Type.String(),
    ...Definition,
    created_at: Type.String(),
    updated_at: Type.String(),
  },
  { $id: 'Metric' },
);
export type Metric = Static<typeof Metric>;

export const CreateMetric = Type.Object(
  {
    key: MetricKey,
    name: Definition.name,
    description: Type.Optional(Definition.description),
    kind: Definition.kind,
    event_name: Definition.event_name,
    denominator_event_name: Type.Optional(Definition.denominator_event_name),
    direction: Type.Optional(Definition.direction),
    winsorize_percentile: Type.Optional(Definition.winsorize_percentile),
    conversion_window_hours: Type.Optional(Definition.conversion_window_hours),
    property_filter: Type.Optional(Definition.property_filter),
  },
  { additionalProperties: false },
);
export type CreateMetric = Static<typeof CreateMetric>;

/** The key is fixed: experiments and people refer to a metric by it. */
export const UpdateMetric = Type.Object(
  {
    name: Type.Optional(Definition.name),
    description: Type.Optional(Definition.description),
    kind: Type.Optional(Definition.kind),
    event_name: Type.Optional(Definition.event_name),
    denominator_event_name: Type.Optional(Definition.denominator_event_name),
    direction: Type.Optional(Definition.direction),
    winsorize_percentile: Type.Optional(Definition.winsorize_percentile),
    conversion_window_hours: Type.Optional(Definition.conversion_window_hours),
    property_filter: Type.Optional(Definition.property_filter),
  },
  { additionalProperties: false },
);
export type UpdateMetric = Static<typeof UpdateMetric>;

export const MetricsQuery = PageQuery;
export const ProjectMetricsParams = Type.Object({ projectId: Ref });
/** A metric by id or by key within the project. */
export const MetricParams = Type.Object({ projectId: Ref, metric: MetricKey });
