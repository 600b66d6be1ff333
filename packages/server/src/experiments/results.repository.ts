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

export interface MetricQuery {
  metric: MetricRow;
  /** Days before each unit's first exposure whose events make its CUPED covariate; 0: none. */
  preWindowDays: number;
}

/**
 * The aggregates experiment results are made of, computed inside the database: one query for
 * the assignment and one per metric (two with winsorization, for the cap), whatever the
 * number of units; no per-unit row ever reaches Node. The same SQL runs on both dialects,
 * but for time arithmetic and JSON property access.
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

  /** Per variant: Σ and Σ² of the metric's per-unit value over the units assigned to it. */
  async metricSums(window: ExposureWindow, query: MetricQuery): Promise<Map<string, VariantSums>> {
    const perUnit = this.perUnitValues(window, query);
    const cap =
      query.metric.winsorize_percentile === null
        ? null
        : await this.cap(perUnit, query.metric.winsorize_percentile);
    const capped = (value: RawBuilder<unknown>) => (cap === null ? value : this.least(value, cap));
    const x = capped(sql`numerator`);
    const pre = capped(sql`pre`);
    const { rows } = await sql<Record<string, number | string | null>>`
      with per_unit as (${perUnit})
      select variant, count(*) as n,
        sum(${x}) as sum, sum(${x} * ${x}) as sum_squares,
        sum(denominator) as denominator_sum, sum(denominator * denominator) as denominator_sum_squares,
        sum(${x} * denominator) as cross_sum,
        sum(${pre}) as pre_sum, sum(${pre} * ${pre}) as pre_sum_squares, sum(${x} * ${pre}) as pre_cross_sum
      from per_unit
      group by variant`.execute(this.db);
    const sums = new Map<string, VariantSums>();
    for (const row of rows) {
      const number = (column: string) => Number(row[column] ?? 0);
      sums.set(String(row.variant), {
        n: number('n'),
        sum: number('sum'),
        sumSquares: number('sum_squares'),
        denominatorSum: number('denominator_sum'),
        denominatorSumSquares: number('denominator_sum_squares'),
        crossSum: number('cross_sum'),
        preSum: number('pre_sum'),
        preSumSquares: number('pre_sum_squares'),
        preCrossSum: number('pre_cross_sum'),
      });
    }
    return sums;
  }

  /**
   * One row per assigned unit: its variant, the metric's numerator and denominator after its
   * first exposure (within the conversion window), and the numerator before it (CUPED).
   * Kinds: conversion 0/1; count of events; sum of values; mean and ratio as a numerator
   * over a denominator (mean: values over events; ratio: event values, or 1 for an event
   * without one, over the denominator event's the same way).
   */
  private perUnitValues(window: ExposureWindow, { metric, preWindowDays }: MetricQuery): RawBuilder<unknown> {
    const post = sql`e.occurred_at >= a.first_at`;
    const numeratorEvent = sql`e.name = ${metric.event_name}`;
    const denominatorEvent = sql`e.name = ${metric.denominator_event_name ?? metric.event_name}`;
    const per = (event: RawBuilder<unknown>, when: RawBuilder<unknown>, value: RawBuilder<unknown>) =>
      sql`coalesce(sum(case when ${event} and ${when} then ${value} else 0 end), 0)`;
    const value = sql`coalesce(e.value, 0)`;
    const valueOrOne = sql`coalesce(e.value, 1)`;
    const kinds = {
      conversion: (when: RawBuilder<unknown>) =>
        sql`case when ${per(numeratorEvent, when, sql`1`)} > 0 then 1 else 0 end`,
      count: (when: RawBuilder<unknown>) => per(numeratorEvent, when, sql`1`),
      sum: (when: RawBuilder<unknown>) => per(numeratorEvent, when, value),
      mean: (when: RawBuilder<unknown>) => per(numeratorEvent, when, value),
      ratio: (when: RawBuilder<unknown>) => per(numeratorEvent, when, valueOrOne),
    };
    const numerator = kinds[metric.kind];
    const denominator =
      metric.kind === 'mean'
        ? per(numeratorEvent, post, sql`1`)
        : metric.kind === 'ratio'
          ? per(denominatorEvent, post, valueOrOne)
          : sql`0`;
    const names = [
      metric.event_name,
      ...(metric.denominator_event_name ? [metric.denominator_event_name] : []),
    ];
    const windowEnd =
      metric.conversion_window_hours === null
        ? sql``
        : sql`and e.occurred_at < ${this.addHours(sql`a.first_at`, metric.conversion_window_hours)}`;
    const from = preWindowDays > 0 ? this.addHours(sql`a.first_at`, -24 * preWindowDays) : sql`a.first_at`;
    return sql`
      select a.variant as variant,
        ${numerator(post)} as numerator,
        ${denominator} as denominator,
        ${preWindowDays > 0 ? numerator(sql`not (${post})`) : sql`0`} as pre
      from (
        select unit_id, min(occurred_at) as first_at, min(variant) as variant
        from exposures
        where environment_id = ${window.environmentId} and feature_key = ${window.featureKey}
          and variant is not null and occurred_at >= ${window.start} and occurred_at < ${window.end}
        group by unit_id
        having count(distinct variant) = 1
      ) a
      left join events e
        on e.environment_id = ${window.environmentId} and e.unit_id = a.unit_id
        and e.name in (${sql.join(names)})
        and e.occurred_at >= ${from} and e.occurred_at < ${window.end} ${windowEnd}
        ${this.propertyFilter(metric)}
      group by a.variant, a.unit_id`;
  }

  /** The per-unit value at a percentile (nearest rank below), over every assigned unit. */
  private async cap(perUnit: RawBuilder<unknown>, percentile: number): Promise<number> {
    const { rows } = await sql<{ numerator: number | string | null }>`
      with per_unit as (${perUnit})
      select numerator from per_unit order by numerator
      limit 1 offset (select cast(floor((count(*) - 1) * cast(${percentile / 100} as double precision)) as integer) from per_unit)`.execute(
      this.db,
    );
    return Number(rows[0]?.numerator ?? 0);
  }

  private least(value: RawBuilder<unknown>, cap: number): RawBuilder<unknown> {
    return this.dialect === 'sqlite'
      ? sql`min(${value}, ${cap})`
      : sql`least(${value}, cast(${cap} as double precision))`;
  }

  /** An ISO time `hours` later (or earlier), in the same text form events are stored in. */
  private addHours(time: RawBuilder<unknown>, hours: number): RawBuilder<unknown> {
    if (this.dialect === 'sqlite') {
      return sql`strftime('%Y-%m-%dT%H:%M:%fZ', ${time}, ${`${hours >= 0 ? '+' : ''}${hours} hours`})`;
    }
    return sql`to_char((cast(${time} as timestamptz) + make_interval(secs => ${hours * 3600})) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
  }

  /** Events whose property compares as the metric's filter says; values compare as text. */
  private propertyFilter(metric: MetricRow): RawBuilder<unknown> {
    const filter = parseFilter(metric.property_filter);
    if (!filter) return sql``;
    const property =
      this.dialect === 'sqlite'
        ? sql`(case json_type(e.properties, ${`$."${filter.property}"`})
            when 'true' then 'true' when 'false' then 'false'
            else cast(json_extract(e.properties, ${`$."${filter.property}"`}) as text) end)`
        : sql`(cast(e.properties as jsonb) ->> ${filter.property})`;
    const values = (Array.isArray(filter.value) ? filter.value : [filter.value]).map(String);
    switch (filter.operator) {
      case 'equals':
        return sql`and ${property} = ${values[0]}`;
      case 'not_equals':
        return sql`and (${property} is null or ${property} <> ${values[0]})`;
      case 'in':
        return sql`and ${property} in (${sql.join(values)})`;
      case 'not_in':
        return sql`and (${property} is null or ${property} not in (${sql.join(values)}))`;
    }
  }
}
