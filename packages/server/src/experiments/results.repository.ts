import { type Kysely, type RawBuilder, sql } from 'kysely';
import { parseFilter } from '../metrics/metrics.service.js';
import type { DialectName } from '../storage/database.js';
import type { MetricRow, Tables } from '../storage/tables.js';

/** Which units an analysis reads: first exposures to one feature in one environment and window. */
export interface ExposureWindow {
  environmentId: string;
  featureKey: string;
  /** ISO times; exposures in [start, end) assign units, events before `end` count. */
  start: string;
  end: string;
}

/** Units per variant; `excluded` saw more than one variant and are left out of every metric. */
export interface Assignment {
  units: Map<string, number>;
  excluded: number;
}

/** Sufficient statistics of one metric in one variant, summed over its units inside the database. */
export interface VariantSums {
  n: number;
  /** Per-unit value (numerator for ratio and mean metrics). */
  sum: number;
  sumSquares: number;
  /** Ratio and mean metrics: the per-unit denominator, and Σ numerator·denominator. */
  denominatorSum: number;
  denominatorSumSquares: number;
  crossSum: number;
  /** CUPED: the same per-unit value before exposure, and Σ post·pre. */
  preSum: number;
  preSumSquares: number;
  preCrossSum: number;
}

export interface MetricSumsRequest {
  metrics: readonly MetricRow[];
  /** Days before each unit's first exposure whose events make its CUPED covariate; 0: none. */
  preWindowDays: number;
  /**
   * Earlier ends of the window (ISO, ascending) at which the metrics in `seriesMetrics` are
   * summed too, as if the experiment had been read then: the points of a cumulative series.
   */
  cutoffs?: readonly string[];
  seriesMetrics?: readonly string[];
}

/** Per metric key, per variant. */
/** One unit's values of one metric, as SQL over `per_unit`'s columns. */
interface UnitSums {
  x: RawBuilder<unknown>;
  d: RawBuilder<unknown>;
  pre: RawBuilder<unknown>;
}

export type SumsByMetric = Map<string, Map<string, VariantSums>>;

export interface MetricSums {
  final: SumsByMetric;
  /** One entry per cutoff, in the order given. */
  series: SumsByMetric[];
}

/** CUPED adjusts per-unit values; ratio and mean metrics, sums over events, take no covariate. */
function hasCovariate(metric: MetricRow): boolean {
  return metric.kind === 'conversion' || metric.kind === 'count' || metric.kind === 'sum';
}

const SUM_COLUMNS = [
  'n',
  'sum',
  'sumSquares',
  'denominatorSum',
  'denominatorSumSquares',
  'crossSum',
  'preSum',
  'preSumSquares',
  'preCrossSum',
] as const;

/**
 * The aggregates experiment results are made of, computed inside the database: one query for
 * the assignment, and one for every metric and every point of the series together, whatever
 * the number of units. That query visits each unit's events once (an index seek per unit on
 * `events(environment_id, unit_id, occurred_at, name, value)`, covering), derives every
 * metric's per-unit values in one grouping, and sums them per variant; no per-unit row ever
 * reaches Node. The same SQL runs on both dialects but for time arithmetic, JSON property
 * access and `min`/`least`.
 */
export class ResultsRepository {
  constructor(
    private readonly db: Kysely<Tables>,
    private readonly dialect: DialectName,
  ) {}

  /** A unit's variant is that of its exposures in the window; units with two or more are excluded. */
  async assignment(window: ExposureWindow): Promise<Assignment> {
    const { rows } = await sql<{ variant: string | null; units: number | string }>`
      select variant, count(*) as units from (
        select case when count(distinct variant) = 1 then min(variant) end as variant
        from exposures
        where environment_id = ${window.environmentId} and feature_key = ${window.featureKey}
          and variant is not null and occurred_at >= ${window.start} and occurred_at < ${window.end}
        group by unit_id
      ) assigned
      group by variant`.execute(this.db);
    const units = new Map<string, number>();
    let excluded = 0;
    for (const row of rows) {
      if (row.variant === null) excluded = Number(row.units);
      else units.set(row.variant, Number(row.units));
    }
    return { units, excluded };
  }

  /** Per metric and variant: Σ and Σ² of the per-unit values, at the window's end and at each cutoff. */
  async metricSums(window: ExposureWindow, request: MetricSumsRequest): Promise<MetricSums> {
    const { metrics, preWindowDays } = request;
    const cutoffs = request.cutoffs ?? [];
    const seriesMetrics = metrics.filter((m) => request.seriesMetrics?.includes(m.key));
    if (metrics.length === 0) return { final: new Map(), series: cutoffs.map(() => new Map()) };

    // Per unit, per metric: numerator, denominator and pre-period numerator at the end of the
    // window (columns x<m>, d<m>, p<m>). Each is one expression evaluated per event, the bulk of
    // the cost, so the series adds as few as it can: a conversion metric only its unit's first
    // conversion time (t<m>), from which every cutoff's 0/1 follows per unit; other kinds one
    // set of columns per cutoff (x<m>_<c>, d<m>_<c>).
    const unitColumns: RawBuilder<unknown>[] = [];
    const ref = (column: string) => sql.ref(column);
    metrics.forEach((metric, m) => {
      const values = this.unitValues(metric, preWindowDays, window.end);
      unitColumns.push(sql`${values.numerator} as ${ref(`x${m}`)}`);
      if (values.denominator) unitColumns.push(sql`${values.denominator} as ${ref(`d${m}`)}`);
      if (values.pre) unitColumns.push(sql`${values.pre} as ${ref(`p${m}`)}`);
    });
    for (const metric of seriesMetrics) {
      const m = metrics.indexOf(metric);
      if (metric.kind === 'conversion') {
        unitColumns.push(
          sql`${this.unitValues(metric, preWindowDays, window.end).firstAt} as ${ref(`t${m}`)}`,
        );
        continue;
      }
      cutoffs.forEach((cutoff, c) => {
        const values = this.unitValues(metric, preWindowDays, cutoff);
        unitColumns.push(sql`${values.numerator} as ${ref(`x${m}_${c}`)}`);
        if (values.denominator) unitColumns.push(sql`${values.denominator} as ${ref(`d${m}_${c}`)}`);
      });
    }

    const caps = metrics.map((metric, m) =>
      metric.winsorize_percentile === null ? null : this.capQuery(`x${m}`, metric.winsorize_percentile),
    );
    // Each cap is a sort of every unit's value: computed once, in its own CTE, not per reference.
    const capColumns = caps.flatMap((cap, m) => (cap === null ? [] : [sql`(${cap}) as ${ref(`cap${m}`)}`]));
    const aggregates: RawBuilder<unknown>[] = [];
    const addAggregates = (
      m: number,
      suffix: string,
      values: UnitSums,
      included: RawBuilder<unknown> | null,
    ) => {
      const only = (value: RawBuilder<unknown>) =>
        included === null ? value : sql`case when ${included} then ${value} else 0 end`;
      const cap = caps[m] ? ref(`cap${m}`) : null;
      const capped = (value: RawBuilder<unknown>) => (cap === null ? value : this.least(value, cap));
      const x = capped(values.x);
      const pre = capped(values.pre);
      const { d } = values;
      const name = (column: string) => ref(`${column}_${m}_${suffix}`);
      aggregates.push(sql`sum(${only(sql`1`)}) as ${name('n')}`);
      aggregates.push(sql`sum(${only(x)}) as ${name('sum')}`);
      aggregates.push(sql`sum(${only(sql`${x} * ${x}`)}) as ${name('sumSquares')}`);
      aggregates.push(sql`sum(${only(d)}) as ${name('denominatorSum')}`);
      aggregates.push(sql`sum(${only(sql`${d} * ${d}`)}) as ${name('denominatorSumSquares')}`);
      aggregates.push(sql`sum(${only(sql`${x} * ${d}`)}) as ${name('crossSum')}`);
      aggregates.push(sql`sum(${only(pre)}) as ${name('preSum')}`);
      aggregates.push(sql`sum(${only(sql`${pre} * ${pre}`)}) as ${name('preSumSquares')}`);
      aggregates.push(sql`sum(${only(sql`${x} * ${pre}`)}) as ${name('preCrossSum')}`);
    };
    const zero = sql`0`;
    const columnsOf = (metric: MetricRow, m: number, suffix = ''): UnitSums => ({
      x: ref(`x${m}${suffix}`),
      d: metric.kind === 'mean' || metric.kind === 'ratio' ? ref(`d${m}${suffix}`) : zero,
      pre: preWindowDays > 0 && hasCovariate(metric) ? ref(`p${m}`) : zero,
    });
    metrics.forEach((metric, m) => {
      addAggregates(m, 'f', columnsOf(metric, m), null);
    });
    for (const metric of seriesMetrics) {
      const m = metrics.indexOf(metric);
      // A unit counts at a cutoff only if it had been exposed by then; its covariate, from
      // before its exposure, is the same at every cutoff.
      cutoffs.forEach((cutoff, c) => {
        const values =
          metric.kind === 'conversion'
            ? { ...columnsOf(metric, m), x: sql`case when ${ref(`t${m}`)} < ${cutoff} then 1 else 0 end` }
            : columnsOf(metric, m, `_${c}`);
        addAggregates(m, `c${c}`, values, sql`first_at < ${cutoff}`);
      });
    }

    const names = [
      ...new Set(metrics.flatMap((m) => [m.event_name, m.denominator_event_name ?? m.event_name])),
    ];
    const needsPre = preWindowDays > 0;
    const { rows } = await sql<Record<string, number | string | null>>`
      with assigned as (
        select unit_id, min(occurred_at) as first_at, min(variant) as variant,
          ${needsPre ? this.addHours(sql`min(occurred_at)`, -24 * preWindowDays) : sql`min(occurred_at)`} as from_at
        from exposures
        where environment_id = ${window.environmentId} and feature_key = ${window.featureKey}
          and variant is not null and occurred_at >= ${window.start} and occurred_at < ${window.end}
        group by unit_id
        having count(distinct variant) = 1
        order by unit_id
      ),
      windows as (
        select unit_id, first_at, variant, from_at${this.windowEnds(metrics)} from assigned
      ),
      per_unit as materialized (
        select a.variant as variant, a.first_at as first_at, ${sql.join(unitColumns)}
        from windows a
        left join events e
          on e.environment_id = ${window.environmentId} and e.unit_id = a.unit_id
          and e.occurred_at >= a.from_at and e.occurred_at < ${window.end}
          and e.name in (${sql.join(names)})
        ${this.dialect === 'sqlite' ? sql`group by a.unit_id` : sql`group by a.unit_id, a.variant, a.first_at`}
      )
      ${capColumns.length > 0 ? sql`, caps as (select ${sql.join(capColumns)})` : sql``}
      select variant, ${sql.join(aggregates)}
      from per_unit${capColumns.length > 0 ? sql` cross join caps` : sql``}
      group by variant`.execute(this.db);

    const read = (row: Record<string, number | string | null>, m: number, suffix: string): VariantSums =>
      Object.fromEntries(
        SUM_COLUMNS.map((column) => [column, Number(row[`${column}_${m}_${suffix}`] ?? 0)]),
      ) as unknown as VariantSums;
    const collect = (suffix: (m: number) => string, subset: readonly MetricRow[]): SumsByMetric => {
      const byMetric: SumsByMetric = new Map();
      for (const metric of subset) {
        const m = metrics.indexOf(metric);
        byMetric.set(metric.key, new Map(rows.map((row) => [String(row.variant), read(row, m, suffix(m))])));
      }
      return byMetric;
    };
    return {
      final: collect(() => 'f', metrics),
      series: cutoffs.map((_, c) => collect(() => `c${c}`, seriesMetrics)),
    };
  }

  /**
   * One metric's per-unit numerator, denominator and pre-period numerator, counting events
   * before `end` (and within the metric's conversion window). Kinds: conversion 0/1; count of
   * events; sum of values; mean and ratio as a numerator over a denominator (mean: values
   * over events; ratio: event values, or 1 for an event without one, over the denominator
   * event's the same way).
   */
  private unitValues(metric: MetricRow, preWindowDays: number, end: string) {
    const m = metric.id.replace(/[^A-Za-z0-9_]/g, '_');
    const windowEnd =
      metric.conversion_window_hours === null ? sql`` : sql` and e.occurred_at < a.${sql.ref(`end_${m}`)}`;
    const filter = this.propertyFilter(metric);
    const post = sql`e.occurred_at >= a.first_at and e.occurred_at < ${end}${windowEnd}`;
    const numeratorEvent = sql`e.name = ${metric.event_name}${filter}`;
    const denominatorEvent = sql`e.name = ${metric.denominator_event_name ?? metric.event_name}${filter}`;
    const per = (event: RawBuilder<unknown>, when: RawBuilder<unknown>, value: RawBuilder<unknown>) =>
      sql`coalesce(sum(case when ${event} and ${when} then ${value} else 0 end), 0)`;
    const value = sql`coalesce(e.value, 0)`;
    const valueOrOne = sql`coalesce(e.value, 1)`;
    const numeratorOf = (when: RawBuilder<unknown>) => {
      switch (metric.kind) {
        case 'conversion':
          return sql`case when ${per(numeratorEvent, when, sql`1`)} > 0 then 1 else 0 end`;
        case 'count':
          return per(numeratorEvent, when, sql`1`);
        case 'ratio':
          return per(numeratorEvent, when, valueOrOne);
        default:
          return per(numeratorEvent, when, value);
      }
    };
    const denominator =
      metric.kind === 'mean'
        ? per(numeratorEvent, post, sql`1`)
        : metric.kind === 'ratio'
          ? per(denominatorEvent, post, valueOrOne)
          : undefined;
    return {
      numerator: numeratorOf(post),
      denominator,
      pre:
        preWindowDays > 0 && hasCovariate(metric) ? numeratorOf(sql`e.occurred_at < a.first_at`) : undefined,
      /** The unit's first qualifying event after exposure: when it converted, if it did. */
      firstAt: sql`min(case when ${numeratorEvent} and ${post} then e.occurred_at end)`,
    };
  }

  /** Each metric's conversion window end per unit, computed once per unit rather than per event. */
  private windowEnds(metrics: readonly MetricRow[]): RawBuilder<unknown> {
    const ends = metrics
      .filter((metric) => metric.conversion_window_hours !== null)
      .map(
        (metric) =>
          sql`, ${this.addHours(sql`first_at`, metric.conversion_window_hours as number)} as ${sql.ref(
            `end_${metric.id.replace(/[^A-Za-z0-9_]/g, '_')}`,
          )}`,
      );
    return ends.length === 0 ? sql`` : sql.join(ends, sql``);
  }

  /** The per-unit value at a percentile (nearest rank below), over every assigned unit. */
  private capQuery(column: string, percentile: number): RawBuilder<unknown> {
    const ref = sql.ref(column);
    return sql`select ${ref} from per_unit order by ${ref}
      limit 1 offset (select cast(floor((count(*) - 1) * cast(${percentile / 100} as double precision)) as integer) from per_unit)`;
  }

  private least(value: RawBuilder<unknown>, cap: RawBuilder<unknown>): RawBuilder<unknown> {
    return this.dialect === 'sqlite' ? sql`min(${value}, ${cap})` : sql`least(${value}, ${cap})`;
  }

  /** An ISO time `hours` later (or earlier), in the same text form events are stored in. */
  private addHours(time: RawBuilder<unknown>, hours: number): RawBuilder<unknown> {
    if (this.dialect === 'sqlite') {
      return sql`strftime('%Y-%m-%dT%H:%M:%fZ', ${time}, ${`${hours >= 0 ? '+' : ''}${hours} hours`})`;
    }
    return sql`to_char((cast(${time} as timestamptz) + make_interval(secs => ${hours * 3600})) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
  }

  /** `and <property compares>` for the metric's filter; values compare as text. */
  private propertyFilter(metric: MetricRow): RawBuilder<unknown> {
    const filter = parseFilter(metric.property_filter);
    if (!filter) return sql``;
    const path = `$."${filter.property}"`;
    const property =
      this.dialect === 'sqlite'
        ? sql`(case json_type(e.properties, ${path})
            when 'true' then 'true' when 'false' then 'false'
            else cast(json_extract(e.properties, ${path}) as text) end)`
        : sql`(cast(e.properties as jsonb) ->> ${filter.property})`;
    const values = (Array.isArray(filter.value) ? filter.value : [filter.value]).map(String);
    switch (filter.operator) {
      case 'equals':
        return sql` and ${property} = ${values[0]}`;
      case 'not_equals':
        return sql` and (${property} is null or ${property} <> ${values[0]})`;
      case 'in':
        return sql` and ${property} in (${sql.join(values)})`;
      case 'not_in':
        return sql` and (${property} is null or ${property} not in (${sql.join(values)}))`;
    }
  }
}
